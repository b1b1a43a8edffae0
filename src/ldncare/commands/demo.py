"""``ldncare demo``: create (or with ``--reset`` rebuild) the demo clinic of synthetic data."""

from __future__ import annotations

import dataclasses

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["demo"]


def demo(
    reset: bool = typer.Option(False, "--reset", help="Delete the demo data (only it) and build it again."),
    as_json: bool = typer.Option(False, "--json", help="Print the logins as JSON."),
) -> None:
    """Migrate the database and create the demo clinic: a practice, a pharmacy, a clinician, a
    pharmacist and three patients with 4–6 months of synthetic diaries. Prints how to sign in."""
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))

    from django.conf import settings
    from django.core.management import call_command

    from ldncare.web.demo.services import demo_clinic_create, format_logins

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        typer.echo("warning: DEBUG is off. The demo accounts share a published password: create the demo "
                   "clinic only on a demonstration server that holds no real person's data.", err=True)
    clinic = demo_clinic_create(reset=reset)
    if as_json:
        print_json(dataclasses.asdict(clinic))
    else:
        typer.echo(format_logins(clinic))
