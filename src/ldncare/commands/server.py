"""``ldncare run`` (development), ``ldncare serve`` (production) and ``ldncare version``.

``ldncare run`` is the development server: waitress, ``DEBUG`` on unless the environment says
otherwise, the demo clinic on an empty database, the background worker beside it.
``ldncare serve`` is the production server (``docs/deploy.md``): gunicorn with several worker
processes behind a TLS-terminating proxy, ``DEBUG`` off, an explicit ``SECRET_KEY``, never a
demo clinic; the background worker runs as its own service (``ldncare worker``). Both honour
``TRUSTED_PROXIES`` the same way (``ldncare.web.proxy``).
"""

from __future__ import annotations

import os

import typer

from ldncare import __version__
from ldncare.commands.common import fail

__all__ = ["run", "run_gunicorn", "serve", "version"]


def version() -> None:
    """Print the ldncare version."""
    typer.echo(f"ldncare {__version__}")


def run(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port to listen on."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads of the server."),
    demo: bool = typer.Option(True, "--demo/--no-demo",
                              help="On an empty database, create the demo clinic (only with DEBUG on)."),
    worker: bool = typer.Option(True, "--worker/--no-worker",
                                help="Also run the background worker (reminders, notifications) while serving."),
) -> None:
    """Development server: migrate the database and serve the web platform (waitress, static
    files by WhiteNoise), with DEBUG on unless DEBUG is set. For production use ``ldncare serve``.

    With DEBUG on and an empty database (no accounts yet) it first creates the demo clinic of
    synthetic data and prints how to sign in; while the demo clinic exists, each start reminds
    of the logins (``ldncare demo --reset`` rebuilds it; ``--no-demo`` skips all of this).
    With DEBUG off no demo clinic is ever created here (``ldncare demo`` makes one on request).
    """
    os.environ.setdefault("DEBUG", "true")  # the development server; DEBUG=false in the environment wins
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))

    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve

    from ldncare.web.wsgi import application

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        typer.echo("DEBUG is off: no demo clinic. `ldncare run` is the development server; "
                   "production runs `ldncare serve` behind a proxy (docs/deploy.md).")
    if demo and settings.DEBUG:
        from django.contrib.auth import get_user_model

        from ldncare.web.demo.services import demo_clinic_create, demo_clinic_exists, format_logins

        if demo_clinic_exists() or not get_user_model().objects.exists():  # remind, or create on an empty database
            typer.echo(format_logins(demo_clinic_create()))
    if worker:
        _start_worker()
    typer.echo(f"ldncare {__version__} serving at http://{host}:{port}/ (Ctrl+C to stop)")
    os.environ.setdefault("LDNCARE_SERVER", "waitress")
    serve(application, host=host, port=port, threads=threads, ident="ldncare")


def _start_worker() -> None:
    """``ldncare worker`` beside the server (the migrations are applied already), stopped with it."""
    import atexit
    import signal
    import subprocess
    import sys

    def _die_with_parent() -> None:  # Linux: the worker gets SIGTERM if the server is killed outright
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    process = subprocess.Popen([sys.executable, "-m", "ldncare.cli", "worker", "--no-migrate"],
                               preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    typer.echo(f"background worker started (process {process.pid})")
    # SIGTERM (systemd, a test, `kill`) ends the server through SystemExit, so the worker is stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))

    def _stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    atexit.register(_stop)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (the reverse proxy connects here)."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port to listen on."),
    workers: int = typer.Option(0, min=0, max=64,
                                help="Worker processes (0: two per CPU core, at least 2)."),
    timeout: int = typer.Option(60, min=5, max=600, help="Seconds a request may take before its worker is restarted."),
) -> None:
    """Production server: migrate, then serve with gunicorn (``docs/deploy.md``).

    Needs ``SECRET_KEY`` (or ``SECRET_KEY_FILE``) and DEBUG off; put a TLS-terminating reverse
    proxy in front and list its address in ``TRUSTED_PROXIES``. Never creates a demo clinic;
    staff accounts come from ``ldncare staff-add``; the background worker is ``ldncare worker``.
    """
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        fail("DEBUG is on; `ldncare serve` is the production server: remove DEBUG (or set DEBUG=false), "
             "or use `ldncare run` for development")
    if not (os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")):
        fail("SECRET_KEY is required by `ldncare serve`; set SECRET_KEY (or SECRET_KEY_FILE) to a long random string")
    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    connections.close_all()  # no connection is inherited by the forked workers
    from ldncare.web.wsgi import application  # loaded (and frozen) once; the workers fork with it

    count = workers or max(2, 2 * (os.cpu_count() or 1))
    options = {
        "bind": f"{host}:{port}", "workers": count, "worker_class": "sync", "timeout": timeout,
        "graceful_timeout": 30, "preload_app": True, "accesslog": "-", "errorlog": "-", "loglevel": "info",
        # Forwarded headers are judged by ldncare.web.proxy (TRUSTED_PROXIES), never by gunicorn itself.
        "forwarded_allow_ips": "", "proc_name": "ldncare",
    }

    proxies = ", ".join(settings.TRUSTED_PROXIES) or "none (clients connect directly)"
    typer.echo(f"ldncare {__version__} serving at http://{host}:{port}/ with {count} gunicorn workers; "
               f"trusted proxies: {proxies}")
    run_gunicorn(application, options)


def run_gunicorn(application, options: dict) -> None:
    """Serve ``application`` with gunicorn configured from ``options`` (also used by bench/load.py)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()

