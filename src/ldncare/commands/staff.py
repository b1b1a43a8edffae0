"""``ldncare staff-add``: an administrator creates a clinician, pharmacist or administrator account.

No password is made or printed: the command prints a one-time enrolment link (signed, expiring
after ``STAFF_ENROLMENT_LINK_MAX_AGE_S``, single use) that the administrator hands to the person,
who sets their own password there and then enrols the second factor.
"""

from __future__ import annotations

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["staff_add"]


def staff_add(
    role: str = typer.Option(..., help="clinician, pharmacist or admin."),
    email: str = typer.Option(..., help="The person's e-mail address (password resets go there)."),
    username: str = typer.Option("", help="The name they sign in with (default: the e-mail address)."),
    first_name: str = typer.Option("", help="First name, shown to patients."),
    last_name: str = typer.Option("", help="Last name, shown to patients."),
    practice: str = typer.Option("", help="Clinicians: the practice they work for (created when new)."),
    pharmacy: str = typer.Option("", help="Pharmacists: the pharmacy they work for (created when new)."),
    new_link: bool = typer.Option(False, "--new-link",
                                  help="The account exists but its link was lost or expired: print a new one "
                                       "(the old one stops working)."),
    as_json: bool = typer.Option(False, "--json", help="Print the account and the link as JSON."),
) -> None:
    """Create a clinician, pharmacist or administrator account and print its one-time enrolment link.

    No password is printed: the person sets one at the link, then enrols the second factor.
    """
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))

    from django.conf import settings
    from django.core.management import call_command

    from ldncare.web.accounts.services import staff_add as add

    call_command("migrate", interactive=False, verbosity=0)
    try:
        user, link = add(role=role, email=email.strip(), username=username.strip(), first_name=first_name.strip(),
                         last_name=last_name.strip(), practice=practice.strip(), pharmacy=pharmacy.strip(),
                         new_link=new_link)
    except ValueError as exc:
        fail(str(exc))
    hours = settings.STAFF_ENROLMENT_LINK_MAX_AGE_S // 3600
    if as_json:
        print_json({"username": user.get_username(), "role": user.role, "email": user.email,
                    "enrolment_link": link, "link_works_for_hours": hours})
        return
    typer.echo(f"{user.get_role_display()} account {user.get_username()!r} ready for enrolment.")
    typer.echo(f"Give this link to {user.email} (it works once, for {hours} hours); there they choose a password "
               "and set up two-step sign-in:")
    typer.echo(link)
