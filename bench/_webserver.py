"""Shared by ``bench/reliability.py`` and ``bench/load.py``: a scratch database, a real server, a client.

Nothing here talks to anything but 127.0.0.1. The bench process configures Django for
its scratch database (set-up and checks run in-process), while the server under test runs
in its own process group so it can be killed with SIGKILL.

``python bench/_webserver.py --port P --threads T [--server gunicorn --workers W --worker-class C]`` is the
benchmarks' server: the product's WSGI application with the product URLs plus two bench-only
URLs, ``/__floor__/``, a bare Django JSON view (the framework floor), and ``/__floor_write__/``,
a bare view that commits one row (the framework plus one durable write: the floor of any
write). It runs under waitress (one process of T threads, as ``ldncare run`` serves it; the
crash harness's server) or gunicorn (W forked worker processes, ``sync`` — one request at a
time each — or ``gthread`` with T threads each; the app loaded once before the fork). The
product's URLconf is not changed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
LDNCARE = Path(sys.executable).parent / "ldncare"
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url: str, var_dir: Path) -> dict:
    """A production-like environment (DEBUG off) on plain HTTP over loopback."""
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "LDNCARE_VAR_DIR": str(var_dir), "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50, "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": HOST,
    })
    return env


def setup_django_for(env: dict, *, migrate: bool = True) -> None:
    """Configure this process's Django for the scratch database (and migrate it)."""
    for key in ("DATABASE_URL", "LDNCARE_VAR_DIR", "DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE",
                "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS"):
        os.environ[key] = env[key]
    from ldncare.web.bootstrap import setup_django

    setup_django()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def start_standby(port: int, threads: int, env: dict, ready_file: Path) -> subprocess.Popen:
    """A bench server that loads everything now and takes the port as soon as it is free.

    It writes ``ready_file`` when loaded; see :func:`wait_loaded`.
    """
    ready_file.unlink(missing_ok=True)
    return start_server(bench_server_command(port, threads, standby=True),
                        {**env, "LDNCARE_BENCH_READY_FILE": str(ready_file),
                         "LDNCARE_BENCH_GO_FILE": str(ready_file.parent / "go")})


def wait_loaded(process: subprocess.Popen, ready_file: Path, timeout_s: float = 120) -> None:
    started = time.perf_counter()
    while not ready_file.exists():
        if process.poll() is not None or time.perf_counter() - started > timeout_s:
            raise RuntimeError("the standby server did not load")
        time.sleep(0.05)


def create_patient_with_token(username: str = "bench_patient"):
    """A patient, an API token and a signed-in session cookie for the page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ldncare.web.accounts.models import ApiToken

    user = get_user_model().objects.create_user(username=username, password=uuid.uuid4().hex, role="patient")
    _, raw = ApiToken.issue(user=user, name="bench")
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return user, raw, session


def close_database_connections() -> None:
    from django.db import connections

    connections.close_all()


def create_postgres_database() -> str:
    name = f"ldncare_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", HOST, "-U", "postgres", name], check=True)
    return name


def drop_postgres_database(name: str) -> None:
    subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", "--force", name], check=False)


def bench_server_command(port: int, threads: int, *, migrate: bool = False, standby: bool = False,
                         bootstrap: Path | None = None, seed_days: int = 0, server: str = "waitress",
                         workers: int = 1, worker_class: str = "sync") -> list[str]:
    """The bench server (see the module docstring) as a command line."""
    return [sys.executable, str(BENCH_DIR / "_webserver.py"), "--port", str(port), "--threads", str(threads),
            "--server", server, "--workers", str(workers), "--worker-class", worker_class,
            *(["--migrate"] if migrate else []), *(["--standby"] if standby else []),
            *(["--bootstrap", str(bootstrap), "--seed-days", str(seed_days)] if bootstrap else [])]


STARTED: list[subprocess.Popen] = []


def start_server(args: list[str], env: dict) -> subprocess.Popen:
    """Start a server command in its own process group (so SIGKILL reaches all of it)."""
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    STARTED.append(process)
    return process


def kill_all() -> None:
    """Kill every server this process started that still runs (also after an error)."""
    for process in STARTED:
        if process.poll() is None:
            kill(process)
    STARTED.clear()


def wait_ready(port: int, process: subprocess.Popen, path: str = "/api/v1/openapi.json", timeout_s: float = 60) -> float:
    """Seconds until the server answers ``path`` (raise if it dies or never answers)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                conn.close()
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} not ready after {timeout_s} s")


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def post_json(conn: http.client.HTTPConnection, path: str, body: dict, headers: dict) -> tuple[int, bytes]:
    data = json.dumps(body).encode()
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    return response.status, response.read()


# --- the bench server: the product app under waitress or gunicorn, plus the framework floor --

def seed_diary(user, days: int) -> None:
    """``days`` diary days up to yesterday through the service layer (as the diary page saves them)."""
    import datetime as dt
    import math
    from decimal import Decimal

    from django.test import RequestFactory

    from ldncare.web.record import services

    factory = RequestFactory()
    today = dt.date.today()
    for i in range(days):
        request = factory.post("/me/diary/")
        request.user = user
        wave = math.sin(i / 20)
        services.checkin_save(request=request, patient=user, data=services.CheckInData(
            date=today - dt.timedelta(days=days - i), ldn_dose_mg=None if i < 28 else Decimal("4.5"),
            pain_score=max(0, min(10, round(6 - 2 * (i > 60) + 1.5 * wave))), fatigue_score=5,
            sleep_quality_score=6, mood_score=5, notes=f"day {i}"))


def _serve(port: int, threads: int, *, migrate: bool, standby: bool, bootstrap: Path | None = None,
           seed_days: int = 0, server_kind: str = "waitress", workers: int = 1, worker_class: str = "sync") -> None:
    import types

    from ldncare.web.bootstrap import setup_django

    setup_django()
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import get_resolver, include, path

    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    if bootstrap is not None:  # the bench's patient, written for the client (no Django needed there)
        user, token, session = create_patient_with_token()
        started = time.perf_counter()
        seed_diary(user, seed_days)
        bootstrap.write_text(json.dumps({
            "patient_id": str(user.public_id), "token": token, "session": session,
            "session_cookie": settings.SESSION_COOKIE_NAME, "seeded_days": seed_days,
            "seed_s": round(time.perf_counter() - started, 2)}))
    from django.db import connection, connections, transaction
    from django.views.decorators.csrf import csrf_exempt

    with connection.cursor() as cursor:  # the write floor's table, in the scratch database only
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_floor_write (n integer NOT NULL)")
    connections.close_all()  # nothing open is inherited by gunicorn's forked workers

    def floor(request):
        return JsonResponse({"ok": True, "n": 1})

    @csrf_exempt
    def floor_write(request):  # the framework plus one committed (durable) insert
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_floor_write (n) VALUES (%s)", [len(request.body)])
        return JsonResponse({"ok": True, "n": 1}, status=201)

    urlconf = types.ModuleType("bench_floor_urls")
    urlconf.urlpatterns = [path("__floor__/", floor), path("__floor_write__/", floor_write),
                           path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_floor_urls"] = urlconf
    settings.ROOT_URLCONF = "bench_floor_urls"
    from ldncare.web.wsgi import application

    get_resolver().url_patterns  # import every view now, not on the first request  # noqa: B018
    if server_kind == "gunicorn":
        if standby:
            raise SystemExit("--standby works with waitress only (the crash harness's server)")
        _serve_gunicorn(application, port, threads=threads, workers=workers, worker_class=worker_class)
        return
    from waitress import create_server

    if os.environ.get("LDNCARE_BENCH_READY_FILE"):  # tell the harness that loading is done
        Path(os.environ["LDNCARE_BENCH_READY_FILE"]).write_text(str(os.getpid()))
    go_file = os.environ.get("LDNCARE_BENCH_GO_FILE")
    while standby and go_file and not Path(go_file).exists():  # not before the first server has the port
        time.sleep(0.02)
    while True:  # a standby waits, fully loaded, until the port is free (the old server died)
        try:
            server = create_server(application, host=HOST, port=port, threads=threads, ident="ldncare-bench")
            if os.environ.get("LDNCARE_BENCH_READY_FILE"):
                Path(os.environ["LDNCARE_BENCH_READY_FILE"] + ".serving").write_text(str(os.getpid()))
            break
        except OSError:
            if not standby:
                raise
            time.sleep(0.02)
    server.run()


def _serve_gunicorn(application, port: int, *, threads: int, workers: int, worker_class: str) -> None:
    """Serve ``application`` (already loaded and frozen: the workers fork with it) with gunicorn."""
    from ldncare.commands.server import run_gunicorn

    options = {
        "bind": f"{HOST}:{port}", "workers": workers, "worker_class": worker_class,
        "threads": threads if worker_class == "gthread" else 1,
        "keepalive": 5, "timeout": 120, "graceful_timeout": 5, "preload_app": True,
        "accesslog": None, "loglevel": "warning",  # stderr is a pipe nobody reads while serving
    }
    run_gunicorn(application, options)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8, help="Threads (per worker process under gunicorn).")
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker type.")
    parser.add_argument("--migrate", action="store_true", help="Migrate the database first.")
    parser.add_argument("--standby", action="store_true", help="Load everything, then wait for the port to be free.")
    parser.add_argument("--bootstrap", type=Path, help="Create the bench patient; write its token etc. here.")
    parser.add_argument("--seed-days", type=int, default=0, help="Diary days to seed for the bench patient.")
    options = parser.parse_args()
    _serve(options.port, options.threads, migrate=options.migrate, standby=options.standby,
           bootstrap=options.bootstrap, seed_days=options.seed_days, server_kind=options.server,
           workers=options.workers, worker_class=options.worker_class)
