"""``ldncare run`` and ``ldncare version``: serve the web platform, report the version."""

from __future__ import annotations

import os

import typer

from ldncare import __version__
from ldncare.commands.common import fail

__all__ = ["run", "version"]


def version() -> None:
    """Print the ldncare version."""
    typer.echo(f"ldncare {__version__}")


def run(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port to listen on."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads of the server."),
    demo: bool = typer.Option(True, "--demo/--no-demo", help="On an empty database, create the demo clinic."),
    worker: bool = typer.Option(True, "--worker/--no-worker",
                                help="Also run the background worker (reminders, notifications) while serving."),
) -> None:
    """Migrate the database and serve the web platform (waitress, static files by WhiteNoise).

    On an empty database (no accounts yet) it first creates the demo clinic of synthetic
    data and prints how to sign in; while the demo clinic exists, each start reminds of the
    logins (``ldncare demo --reset`` rebuilds it; ``--no-demo`` skips all of this).
    """
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))

    from django.core.management import call_command
    from waitress import serve

    from ldncare.web.wsgi import application

    call_command("migrate", interactive=False, verbosity=0)
    if demo:
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
