"""Crash harness: SIGKILL the app server during diary writes; nothing confirmed may be lost.

The server is ``ldncare run`` (waitress, the product's server) on a free loopback port with
a temporary SQLite file (WAL, ``BEGIN IMMEDIATE``). Client threads write diary days through
the API (bearer token, ``Idempotency-Key``, a client-generated id) and record every write the
server confirmed (201). After a random stretch of writing the whole server process group gets
SIGKILL, is restarted, and the writes that were in flight are retried with the same key (the
idempotent replay an offline phone does). At the end:

* every confirmed write is in the database, with its content (lost must be 0),
* no day is stored twice and every retried write exists once (duplicated must be 0),
* ``PRAGMA integrity_check`` is ``ok``.

The baseline printed beside it is the same write loop without kills (writes/s), so the
ratio shows what recovery costs. Usage:
``.venv/bin/python bench/reliability.py [--quick] [--kills 20] [--threads 2] [--json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _webserver as web  # noqa: E402

FIRST_DAY = dt.date(2000, 1, 1)
CHECKIN_TABLE = "record_checkin"  # ldncare.web.record.models.CheckIn (a test checks the name)


class Ledger:
    """What the client knows: confirmed writes and writes whose outcome it never saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_day = 0
        self.confirmed: dict[str, tuple[str, int]] = {}  # id -> (date, pain)
        self.unknown: dict[str, dict] = {}  # id -> {"key", "body"} in flight when the server died
        self.errors: list[str] = []

    def new_write(self) -> tuple[str, dict]:
        with self.lock:
            day = FIRST_DAY + dt.timedelta(days=self.next_day)
            self.next_day += 1
        entry_id = str(uuid.uuid4())
        body = {"id": entry_id, "date": day.isoformat(), "pain_score": self.next_day % 11, "notes": f"w{self.next_day}"}
        return f"crash-{entry_id}", body


def write_until(port: int, token: str, patient_id: str, ledger: Ledger, stop: threading.Event) -> None:
    """One client: write days one after another until ``stop``; the server may die at any time."""
    path = f"/api/v1/patients/{patient_id}/diary"
    headers = {"Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection(web.HOST, port, timeout=30)
    while not stop.is_set():
        key, body = ledger.new_write()
        try:
            status, raw = web.post_json(conn, path, body, {**headers, "Idempotency-Key": key})
        except (OSError, http.client.HTTPException):
            with ledger.lock:
                ledger.unknown[body["id"]] = {"key": key, "body": body}
            conn.close()
            return  # the server is gone; the harness restarts it
        if status == 201:
            with ledger.lock:
                ledger.confirmed[body["id"]] = (body["date"], body["pain_score"])
        else:
            with ledger.lock:
                ledger.errors.append(f"{status}: {raw[:200]!r}")
    conn.close()


def retry_unknown(port: int, token: str, patient_id: str, ledger: Ledger) -> int:
    """Retry every in-flight write with its own key: it must end up stored exactly once."""
    path = f"/api/v1/patients/{patient_id}/diary"
    conn = http.client.HTTPConnection(web.HOST, port, timeout=30)
    retried = 0
    for entry_id, item in list(ledger.unknown.items()):
        status, raw = web.post_json(conn, path, item["body"],
                                    {"Authorization": f"Bearer {token}", "Idempotency-Key": item["key"]})
        if status == 201 and json.loads(raw)["id"] == entry_id:
            ledger.confirmed[entry_id] = (item["body"]["date"], item["body"]["pain_score"])
            del ledger.unknown[entry_id]
            retried += 1
        else:
            ledger.errors.append(f"retry {status}: {raw[:200]!r}")
    conn.close()
    return retried


def run_phase(port: int, token: str, patient_id: str, ledger: Ledger, threads: int, seconds: float,
              server=None) -> None:
    """Write with ``threads`` clients for ``seconds``; then SIGKILL ``server`` (if given) mid-write."""
    stop = threading.Event()
    workers = [threading.Thread(target=write_until, args=(port, token, patient_id, ledger, stop))
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    if server is not None:
        web.kill(server)  # SIGKILL to the whole process group, while the clients are writing
    stop.set()
    for worker in workers:
        worker.join(timeout=60)


def check_database(db_path: Path, ledger: Ledger) -> dict:
    conn = sqlite3.connect(db_path)
    try:
        integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        rows = conn.execute(f'SELECT uuid, date, pain_score FROM "{CHECKIN_TABLE}"').fetchall()
    finally:
        conn.close()
    stored = {str(uuid.UUID(u)): (str(d), p) for u, d, p in rows}
    lost = [i for i, value in ledger.confirmed.items() if stored.get(i) != value]
    dates = [d for d, _ in stored.values()]
    return {"integrity": integrity, "rows": len(rows), "lost": len(lost),
            "duplicated_days": len(dates) - len(set(dates)), "duplicated_ids": len(rows) - len(stored)}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; every server it started is stopped, also after an error."""
    try:
        return _main(argv)
    finally:
        web.kill_all()


def _main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 kills, short phases (the test's mode).")
    parser.add_argument("--kills", type=int, default=20, help="How many times to SIGKILL the server.")
    parser.add_argument("--threads", type=int, default=2, help="Client threads writing at once.")
    parser.add_argument("--server", choices=["ldncare-run", "standby"], default=None,
                        help="Restart with a cold 'ldncare run' (default) or a pre-loaded standby (--quick).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    options = parser.parse_args(argv)
    kills = 2 if options.quick else options.kills
    rng = random.Random(options.seed)
    phase_s = (0.3, 0.9) if options.quick else (0.5, 3.0)

    server_kind = options.server or ("standby" if options.quick else "ldncare-run")
    with tempfile.TemporaryDirectory(prefix="ldncare-crash-") as tmp:
        tmp_path = Path(tmp)
        db_path = tmp_path / "crash.sqlite3"
        env = web.server_env(f"sqlite:///{db_path}", tmp_path)
        port = web.free_port()
        threads = 4
        bootstrap = tmp_path / "bootstrap.json"
        # the first server migrates the new database and creates the bench patient
        server = web.start_server(web.bench_server_command(port, threads, migrate=True, bootstrap=bootstrap), env)
        standbys = []
        if server_kind == "standby":  # loaded in parallel now, each takes the port after a kill
            standbys = [(i, tmp_path / f"standby-{i}.ready") for i in range(kills)]
            standbys = [(web.start_standby(port, threads, env, ready), ready) for _, ready in standbys]
        web.wait_ready(port, server)
        (tmp_path / "go").write_text("the first server has the port")
        for process, ready in standbys:
            web.wait_loaded(process, ready)
        ids = json.loads(bootstrap.read_text())
        token, patient_id = ids["token"], ids["patient_id"]
        command = [str(web.LDNCARE), "run", "--no-demo", "--host", web.HOST, "--port", str(port),
                   "--threads", str(threads)]
        ledger = Ledger()
        restarts: list[float] = []

        # baseline: the same writers, no kills
        baseline_s = 1.0 if options.quick else 5.0
        run_phase(port, token, patient_id, ledger, options.threads, baseline_s)
        baseline_rate = len(ledger.confirmed) / baseline_s

        crash_started = time.perf_counter()
        before = len(ledger.confirmed)
        in_flight = 0
        waiting = list(standbys)
        for _ in range(kills):
            run_phase(port, token, patient_id, ledger, options.threads, rng.uniform(*phase_s), server=server)
            killed_at = time.perf_counter()
            in_flight += len(ledger.unknown)
            if server_kind == "standby":
                while not any(Path(f"{ready}.serving").exists() for _, ready in waiting):
                    time.sleep(0.01)
                server, ready = next((p, r) for p, r in waiting if Path(f"{r}.serving").exists())
                waiting.remove((server, ready))
            else:
                server = web.start_server(command, env)
            web.wait_ready(port, server)
            restarts.append(time.perf_counter() - killed_at)
            retry_unknown(port, token, patient_id, ledger)
        crash_rate = (len(ledger.confirmed) - before) / (time.perf_counter() - crash_started)
        web.kill(server, sig=15)  # a clean stop at the end
        for process, _ in waiting:
            web.kill(process)
        figures = check_database(db_path, ledger)

    figures.update({
        "kills": kills, "server": server_kind, "confirmed_writes": len(ledger.confirmed), "in_flight_at_kill": in_flight,
        "unresolved": len(ledger.unknown), "errors": len(ledger.errors), "error_samples": ledger.errors[:3],
        "restart_s_median": sorted(restarts)[len(restarts) // 2], "restart_s_max": max(restarts),
        "writes_per_s_baseline": round(baseline_rate, 1), "writes_per_s_with_kills": round(crash_rate, 1),
    })
    figures["ok"] = (figures["lost"] == 0 and figures["duplicated_days"] == 0 and figures["duplicated_ids"] == 0
                     and figures["integrity"] == "ok" and figures["errors"] == 0 and figures["unresolved"] == 0
                     and figures["rows"] == figures["confirmed_writes"])
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"crash harness: {kills} SIGKILLs of the server ({server_kind}, waitress, SQLite WAL) during writes by {options.threads} clients")
        print(f"  confirmed writes      {figures['confirmed_writes']} (rows stored: {figures['rows']})")
        print(f"  lost / duplicated     {figures['lost']} / {figures['duplicated_days'] + figures['duplicated_ids']}")
        print(f"  in flight at a kill   {in_flight} (retried with their Idempotency-Key: all stored once)"
              if figures["unresolved"] == 0 else f"  unresolved in-flight  {figures['unresolved']}")
        print(f"  non-201 answers       {figures['errors']} {figures['error_samples']}")
        print(f"  integrity_check       {figures['integrity']}")
        print(f"  restart (median/max)  {figures['restart_s_median']:.2f} s / {figures['restart_s_max']:.2f} s")
        print(f"  writes/s  no kills {baseline_rate:.1f}, with kills {crash_rate:.1f}, "
              f"ratio {crash_rate / baseline_rate if baseline_rate else float('nan'):.2f}")
        print("  RESULT", "PASS" if figures["ok"] else "FAIL")
    return figures


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
