"""Load on loopback: the diary write (API) and the progress page, against the framework floor.

A real server (the product's WSGI app under gunicorn, 4 ``sync`` worker processes, DEBUG
off; or ``--worker-class gthread``; or ``--server waitress``, one process of N threads as
``ldncare run`` serves it) on 127.0.0.1 with a scratch database — SQLite (WAL, ``BEGIN
IMMEDIATE``) and/or PostgreSQL (a scratch database, dropped afterwards). The bench patient
has a 3-year diary seeded through the service layer. Client threads with keep-alive
connections drive each scenario in turn (in this order) for a bounded time and count:

* ``floor``: ``GET /__floor__/``, a bare Django JSON view added by a bench-only URLconf (the
  framework's own cost: middleware, routing, WSGI, the server) — the baseline;
* ``floor_write``: ``POST /__floor_write__/``, a bare view that commits one row (the framework
  plus one durable write) — the floor of any write, the fair baseline for the diary write;
* ``progress``: ``GET /me/progress/`` (session cookie): the 3-year diary analysed and charted
  (and ``progress_1``: the same with one client, the latency without queueing);
* ``write``: ``POST /api/v1/patients/{id}/diary`` (bearer token, ``Idempotency-Key``, a new
  day each time: service layer, audit row, idempotency row) — after the pages, so that
  the page analyses exactly the seeded diary.

Printed per engine and scenario: requests/s held, error rate, p50/p95/p99 latency, and the
ratios of writes/s and pages/s to the floor's requests/s (the floor and the scenarios run on
the same server in the same run), and the load average before and after (the machine may be
shared). Goals (issue 10): writes >= 50 % of the floor, progress p99 < 300 ms, 0 errors;
(issue 20) on PostgreSQL the write >= 40 % of the write floor (``write/floor_write``). Usage:
``.venv/bin/python bench/load.py [--quick] [--engine sqlite|postgres|both] [--seconds 20]
[--clients 4] [--server gunicorn|waitress] [--workers 4] [--worker-class sync|gthread]
[--server-threads N] [--repeat N] [--json]``.

Why gunicorn with 4 ``sync`` workers: the pages are CPU-bound Python, so one process (waitress)
uses one core of two (the GIL); several worker processes use both. A ``sync`` worker takes a
connection only when it is idle, so requests spread over the processes; with ``gthread`` the
4 keep-alive connections often all land in one worker (seen in 2 of 5 tries), leaving a core
unused. Two workers per core keep a core busy while one worker waits on a commit. The price:
a ``sync`` worker closes the connection after each answer, so every request (the floor's
too) opens a TCP connection on loopback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _webserver as web  # noqa: E402

GOAL_WRITE_RATIO = 0.5
GOAL_WRITE_TO_FLOOR_WRITE = 0.40  # issue 20: the diary write >= 40 % of the write floor (on PostgreSQL)
GOAL_PROGRESS_P99_MS = 300.0
MAX_REQUESTS_PER_SCENARIO = 50_000  # a hard bound besides the time
SCENARIOS = ("floor", "floor_write", "progress", "progress_1", "write")  # in the order they run
FIRST_WRITE_DAY = dt.date(2000, 1, 1)  # the API accepts days from 2000 on; the seeded diary is the last years


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.0
    """
    if not sorted_values:
        return float("nan")
    rank = max(1, int(-(-q * len(sorted_values) // 1)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class Scenario:
    """One request kind: how to send it and which status means success."""

    def __init__(self, name: str, expect: int, make, clients: int | None = None) -> None:
        self.name, self.expect, self.make, self.clients = name, expect, make, clients


def scenarios(ids: dict) -> list[Scenario]:
    diary = f"/api/v1/patients/{ids['patient_id']}/diary"
    token = {"Authorization": f"Bearer {ids['token']}"}
    cookie = {"Cookie": f"{ids['session_cookie']}={ids['session']}"}
    counter = iter(range(10**9))
    lock = threading.Lock()

    def write():
        with lock:
            n = next(counter)
        day = FIRST_WRITE_DAY + dt.timedelta(days=n)  # before the seeded diary: never a duplicate day
        body = json.dumps({"date": day.isoformat(), "ldn_dose_mg": "4.5", "pain_score": n % 11,
                           "side_effects": [{"id": "vivid_dreams", "severity": "mild"}] if n % 5 == 0 else []})
        return "POST", diary, body, {**token, "Content-Type": "application/json", "Idempotency-Key": f"load-{uuid.uuid4()}"}

    return [
        Scenario("floor", 200, lambda: ("GET", "/__floor__/", None, {})),
        Scenario("floor_write", 201, lambda: ("POST", "/__floor_write__/", '{"n": 1}',
                                              {"Content-Type": "application/json"})),
        # The pages before the writes: the page analyses the seeded diary, not the days written since.
        Scenario("progress", 200, lambda: ("GET", "/me/progress/", None, cookie)),
        Scenario("progress_1", 200, lambda: ("GET", "/me/progress/", None, cookie), clients=1),
        Scenario("write", 201, write),
    ]


def drive(port: int, scenario: Scenario, clients: int, seconds: float) -> dict:
    """``clients`` keep-alive clients send ``scenario`` for ``seconds``; latency of each request."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    sent = [0]

    def client() -> None:
        conn = http.client.HTTPConnection(web.HOST, port, timeout=30)
        mine: list[float] = []
        seen: dict[str, int] = {}
        while time.perf_counter() < stop:
            with lock:
                if sent[0] >= MAX_REQUESTS_PER_SCENARIO:
                    break
                sent[0] += 1
            method, path, body, headers = scenario.make()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(web.HOST, port, timeout=30)
            mine.append(time.perf_counter() - started)
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for key, count in seen.items():
                statuses[key] = statuses.get(key, 0) + count

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - began
    latencies.sort()
    total = len(latencies)
    errors = total - statuses.get(str(scenario.expect), 0)
    return {
        "requests": total, "rps": round(total / elapsed, 1), "errors": errors,
        "error_rate": round(errors / total, 4) if total else 1.0, "statuses": statuses,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1), "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
    }


def run_engine(engine: str, options) -> dict:
    """Set up a scratch database and server for ``engine``, drive every scenario, clean up."""
    tmp_path = Path(tempfile.mkdtemp(prefix=f"ldncare-load-{engine}-"))
    pg_name = None
    server = None
    try:
        if engine == "sqlite":
            url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
        else:
            pg_name = web.create_postgres_database()
            url = f"postgres://postgres@{web.HOST}:5432/{pg_name}"
        env = web.server_env(url, tmp_path)
        port = web.free_port()
        bootstrap = tmp_path / "bootstrap.json"
        server = web.start_server(web.bench_server_command(
            port, options.server_threads, migrate=True, bootstrap=bootstrap, seed_days=options.diary_days,
            server=options.server, workers=options.workers, worker_class=options.worker_class), env)
        web.wait_ready(port, server, path="/__floor__/", timeout_s=600)
        ids = json.loads(bootstrap.read_text())
        results: dict = {"engine": engine, "server": server_label(options), "diary_days": ids["seeded_days"],
                         "seed_s": ids["seed_s"], "load_before": load_average()}
        for scenario in scenarios(ids):
            clients = scenario.clients or options.clients
            drive(port, scenario, clients, min(1.0, options.seconds / 4))  # warm-up, not counted
            results[scenario.name] = drive(port, scenario, clients, options.seconds)
        results["load_after"] = load_average()  # the machine may be shared: a busy one lowers every figure
        floor_rps = results["floor"]["rps"]
        results["write_to_floor"] = round(results["write"]["rps"] / floor_rps, 3) if floor_rps else 0.0
        results["progress_to_floor"] = round(results["progress"]["rps"] / floor_rps, 3) if floor_rps else 0.0
        floor_write_rps = results["floor_write"]["rps"]
        results["write_to_floor_write"] = round(results["write"]["rps"] / floor_write_rps, 3) if floor_write_rps else 0.0
        results["goals"] = {
            "write_ratio_ge_0.5": results["write_to_floor"] >= GOAL_WRITE_RATIO,
            "write_to_floor_write_ge_0.4": results["write_to_floor_write"] >= GOAL_WRITE_TO_FLOOR_WRITE,
            "progress_p99_lt_300ms": results["progress"]["p99_ms"] < GOAL_PROGRESS_P99_MS,
            "zero_errors": all(results[s]["errors"] == 0 for s in SCENARIOS),
        }
        return results
    finally:
        if server is not None:
            web.kill(server, sig=15)
        if pg_name:
            web.drop_postgres_database(pg_name)
        shutil.rmtree(tmp_path, ignore_errors=True)


def load_average() -> str:
    """The 1/5/15-minute load averages (as ``uptime`` shows them), or "" where unknown."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return ""


def server_label(options) -> str:
    if options.server == "gunicorn" and options.worker_class == "gthread":
        return f"gunicorn {options.workers} gthread workers x {options.server_threads} threads"
    if options.server == "gunicorn":
        return f"gunicorn {options.workers} sync workers"
    return f"waitress {options.server_threads} threads"


def print_results(results: dict, options) -> None:
    print(f"\n{results['engine']}: {results['server']}, {options.clients} clients, "
          f"{options.seconds:g} s per scenario, diary of {results['diary_days']} days "
          f"(seeded via the services in {results['seed_s']} s)")
    print(f"  {'scenario':<12}{'req/s':>9}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name in SCENARIOS:
        r = results[name]
        print(f"  {name:<12}{r['rps']:>9.1f}{r['requests']:>10}{r['errors']:>8}{r['p50_ms']:>9.1f}"
              f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}")
    goals = results["goals"]
    print(f"  ratios (same server, same run): write/floor {results['write_to_floor']:.3f}, "
          f"write/floor_write {results['write_to_floor_write']:.3f}, progress/floor {results['progress_to_floor']:.3f}")
    print(f"  goals: write/floor {results['write_to_floor']:.2f} (>= {GOAL_WRITE_RATIO}: "
          f"{'met' if goals['write_ratio_ge_0.5'] else 'MISSED'}); progress p99 {results['progress']['p99_ms']} ms "
          f"(goal < {GOAL_PROGRESS_P99_MS:g}: {'met' if goals['progress_p99_lt_300ms'] else 'MISSED'}); "
          f"errors {'0' if goals['zero_errors'] else 'SOME'}")
    print(f"  goal (issue 20{', judged on PostgreSQL' if results['engine'] == 'postgres' else ', PostgreSQL only: shown'}): "
          f"write/floor_write {results['write_to_floor_write']:.2f} (>= {GOAL_WRITE_TO_FLOOR_WRITE}: "
          f"{'met' if goals['write_to_floor_write_ge_0.4'] else 'MISSED'}); load average at start "
          f"{results['load_before']}, at end {results['load_after']}")


def print_spread(engine: str, runs: list[dict]) -> None:
    """min / median / max of the ratios over repeated runs of one engine."""
    print(f"\n{engine}, {len(runs)} runs (min / median / max):")
    for key in ("write_to_floor_write", "write_to_floor"):
        values = sorted(r[key] for r in runs)
        print(f"  {key.replace('_to_', '/')}: {values[0]:.3f} / {statistics.median(values):.3f} / {values[-1]:.3f}")
    writes = sorted(r["write"]["rps"] for r in runs)
    print(f"  write req/s: {writes[0]:.1f} / {statistics.median(writes):.1f} / {writes[-1]:.1f}")


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the benchmark; every server it started is stopped, also after an error."""
    try:
        return _main(argv)
    finally:
        web.kill_all()


def _main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="SQLite only, 2 s per scenario, a 1-year diary.")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default=None)
    parser.add_argument("--seconds", type=float, default=20.0, help="Measured time per scenario.")
    parser.add_argument("--clients", type=int, default=4, help="Concurrent keep-alive clients.")
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (two per core).")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker type.")
    parser.add_argument("--server-threads", type=int, default=None,
                        help="Threads per gthread worker (default 4), or waitress threads (default 8).")
    parser.add_argument("--diary-days", type=int, default=3 * 365, help="Days in the seeded diary.")
    parser.add_argument("--repeat", type=int, default=1,
                        help="Runs per engine (a fresh server and database each); prints min/median/max of the ratios.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    options = parser.parse_args(argv)
    if options.server_threads is None:
        options.server_threads = 4 if options.server == "gunicorn" else 8  # sync workers use 1
    if options.quick:
        options.seconds, options.diary_days = 2.0, 365
        options.engine = options.engine or "sqlite"
    engines = {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}[options.engine or "both"]
    all_results = []
    for engine in engines:
        runs = []
        for _ in range(max(1, options.repeat)):
            runs.append(run_engine(engine, options))
            if not options.json:
                print_results(runs[-1], options)
                sys.stdout.flush()
        all_results.extend(runs)
        if len(runs) > 1 and not options.json:
            print_spread(engine, runs)
    if options.json:
        print(json.dumps(all_results, indent=2))
    return all_results


if __name__ == "__main__":
    main()
