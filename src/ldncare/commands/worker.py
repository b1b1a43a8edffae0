"""``ldncare worker``: run background work (reminders, notifications); ``ldncare email-test``;
``ldncare webpush-keys``."""

from __future__ import annotations

import signal
import threading

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["email_test", "webpush_keys", "worker"]


def _django() -> None:
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))


def worker(
    burst: bool = typer.Option(False, "--burst", help="Do everything that is due now, then exit (for cron and tests)."),
    interval: float = typer.Option(30.0, min=1.0, max=3600.0,
                                   help="Seconds between looks for due reminders (and, on the database backend, new tasks)."),
    migrate: bool = typer.Option(True, "--migrate/--no-migrate", help="Apply database migrations first."),
    as_json: bool = typer.Option(False, "--json", help="With --burst: print what was done as JSON."),
) -> None:
    """Run the background worker: daily reminders in each person's time zone, alerts to the care team,
    prescriptions to the pharmacy. Several workers may run at once (each message goes out once).

    The queue is the database by default (no extra server); with TASKS_BACKEND=rq and REDIS_URL the
    same tasks run on Redis (RQ). Stop with Ctrl+C or SIGTERM (the task in hand is finished first).
    """
    _django()
    from django.conf import settings
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    from ldncare.web.notify.worker import run_database_worker, run_rq_worker

    stop = threading.Event()

    def _stop(signum, frame):  # finish the task in hand, then leave
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner = run_rq_worker if settings.TASKS_BACKEND == "rq" else run_database_worker
    if not burst:
        typer.echo(f"ldncare worker on the {settings.TASKS_BACKEND} queue, looking every {interval:g} s (Ctrl+C to stop)")
    report = runner(burst=burst, interval_s=interval, stop=stop)
    if burst:
        if as_json:
            print_json(report)
        else:
            typer.echo(f"reminders claimed {report['reminders_claimed']}, tasks run {report['tasks_run']}, "
                       f"deliveries sent {report['sent']}, to retry {report['retry']}, failed {report['failed']}")


def email_test(
    address: str = typer.Argument(..., help="Where to send the test message."),
) -> None:
    """Send a test e-mail through the configured SMTP server (EMAIL_HOST, EMAIL_PORT, ...)."""
    from django.core.validators import validate_email

    _django()
    from django.core.exceptions import ValidationError

    try:
        validate_email(address)
    except ValidationError:
        fail(f"{address!r} is not an e-mail address (expected name@example.org)")
    from django.conf import settings

    from ldncare.web.notify.messages import Message, email_message

    message = Message(kind="test", subject="ldncare: test message",
                      text="This is a test message from ldncare: e-mail works.\n",
                      html="<p>This is a test message from ldncare: e-mail works.</p>", url=settings.SITE_URL,
                      stop_url="")
    try:
        email_message(message, to=address).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - the person needs the server's own words
        typer.echo(f"error: the message was not sent: {exc} (EMAIL_HOST={settings.EMAIL_HOST}, "
                   f"EMAIL_PORT={settings.EMAIL_PORT})", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"sent a test message to {address} via {settings.EMAIL_BACKEND}")


def webpush_keys() -> None:
    """Print a new VAPID key pair for Web Push, as the environment lines the settings read."""
    from ldncare.web.notify.push import keys_generate

    private, public = keys_generate()
    typer.echo(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}")
