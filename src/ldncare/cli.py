"""The ``ldncare`` command line: every core capability is one command.

Commands print human-readable text by default and JSON with ``--json``. Bad input exits
with code 2 and a message saying what was wrong and what is allowed.

Each capability's command module is imported only when that command runs, so
``ldncare screen`` does not pay for SciPy, statsmodels or libSBML that only ``analyze`` and
``simulate`` need, and ``ldncare --help`` lists every command from :data:`SUMMARIES` without
importing any of them.
"""

from __future__ import annotations

from importlib import import_module

import click
import typer
from typer.core import TyperGroup

from ldncare.commands import server

__all__ = ["COMMANDS", "SUMMARIES", "app", "main"]

# name -> (module, attribute): a command function, or a Typer app for a command group.
# Later capabilities add one line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "evidence": ("ldncare.commands.evidence", "app"),
    "simulate": ("ldncare.commands.simulate", "simulate"),
    "plan": ("ldncare.commands.plan", "plan"),
    "compound": ("ldncare.commands.compound", "app"),
    "screen": ("ldncare.commands.screen", "screen_command"),
    "triage": ("ldncare.commands.triage", "triage_command"),
    "analyze": ("ldncare.commands.analyze", "analyze"),
    "insights": ("ldncare.commands.insights", "insights"),
    "questionnaire": ("ldncare.commands.questionnaire", "app"),
    "import": ("ldncare.commands.imports", "app"),
    "trial": ("ldncare.commands.trial", "app"),
    "fhir": ("ldncare.commands.fhir", "app"),
    "demo": ("ldncare.commands.demo", "demo"),
    "staff-add": ("ldncare.commands.staff", "staff_add"),
    "backup": ("ldncare.commands.backup", "backup"),
    "restore": ("ldncare.commands.backup", "restore"),
    "worker": ("ldncare.commands.worker", "worker"),
    "email-test": ("ldncare.commands.worker", "email_test"),
    "webpush-keys": ("ldncare.commands.worker", "webpush_keys"),
}

# name -> the line ``ldncare --help`` shows (a test checks it opens the command's own help).
SUMMARIES: dict[str, str] = {
    "evidence": "The evidence atlas: LDN studies graded (Oxford CEBM 2011 levels) with per-condition GRADE certainty.",
    "simulate": "Simulate naltrexone / 6β-naltrexol levels, brain opioid-receptor blockade and the rebound hypothesis.",
    "plan": "Build a titration plan: dated steps with dose, time, volume and syringe.",
    "compound": "Compounding calculator for LDN (pharmacist-facing): oral liquid or capsules.",
    "screen": "Screen medicines and a profile for LDN safety (opioids, surgery, pregnancy, liver, dose).",
    "triage": "Triage an LDN side effect or symptom: expected / try morning dosing / lower the dose / contact prescriber / urgent care.",
    "analyze": "Baseline vs maintenance for one outcome, with AR(1)-aware statistics, side effects and adherence.",
    "insights": "Associations between factors and outcomes at lag 0 and 1 day: AR(1) errors, a linear trend, false discovery rate 5 % across all tests.",
    "questionnaire": "Score validated questionnaires: PROMIS Pain Interference, Fatigue, Sleep Disturbance 4a (from the published raw-score-to-T-score tables) and the Patient Global Impression of Change (PGIC).",
    "import": "Import daily factors from wearables (Apple Health, a date,metric,value CSV) into a diary CSV.",
    "trial": "Blinded n-of-1 trials of LDN against pharmacy-made placebo.",
    "fhir": "HL7 FHIR (4.3.0, R4B) export and import of a patient's LDN record.",
    "demo": "Migrate the database and create the demo clinic: a practice, a pharmacy, a clinician, a pharmacist and three patients with 4–6 months of synthetic diaries.",
    "staff-add": "Create a clinician, pharmacist or administrator account and print its one-time enrolment link.",
    "backup": "Write a consistent, checked copy of the database (safe while the server runs).",
    "restore": "Replace the database with a backup: the file is checked first, the result after.",
    "worker": "Run the background worker: daily reminders in each person's time zone, alerts to the care team, prescriptions to the pharmacy.",
    "email-test": "Send a test e-mail through the configured SMTP server (EMAIL_HOST, EMAIL_PORT, ...).",
    "webpush-keys": "Print a new VAPID key pair for Web Push, as the environment lines the settings read.",
}


def _load_command(name: str) -> click.Command:
    module_name, attribute = COMMANDS[name]
    target = getattr(import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The top-level group: commands from :data:`COMMANDS` load when they run.

    Listing (``ldncare --help``) sees a light stand-in carrying the summary; resolving a
    command to run it (``ldncare plan ...``, ``ldncare plan --help``) loads the real one.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return click.Command(cmd_name, help=SUMMARIES[cmd_name])
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS:
            command = _load_command(name)
        return name, command, rest


app = typer.Typer(
    name="ldncare",
    cls=LazyGroup,
    help=(
        "ldncare: low-dose naltrexone evidence, pharmacology, dosing, safety and diary "
        "analytics. Not medical advice: decide with your prescriber."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("version")(server.version)
app.command("run")(server.run)
app.command("serve")(server.serve)


def main() -> None:
    """Entry point of the ``ldncare`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
