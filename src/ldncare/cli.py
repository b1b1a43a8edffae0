"""The ``ldncare`` command line: every core capability is one command.

Commands print human-readable text by default and JSON with ``--json``. Bad input exits
with code 2 and a message saying what was wrong and what is allowed.
"""

from __future__ import annotations

import typer

from ldncare.commands import compound, evidence, plan, screen, server, triage
from ldncare.commands import analyze as analyze_command
from ldncare.commands import simulate as simulate_command
from ldncare.commands import trial as trial_command

__all__ = ["app", "main"]

app = typer.Typer(
    name="ldncare",
    help=(
        "ldncare: low-dose naltrexone evidence, pharmacology, dosing, safety and diary "
        "analytics. Not medical advice: decide with your prescriber."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("version")(server.version)
app.command("simulate")(simulate_command.simulate)
app.command("run")(server.run)
app.command("analyze")(analyze_command.analyze)
app.add_typer(trial_command.app, name="trial")
app.command("plan")(plan.plan)
app.add_typer(compound.app, name="compound")
app.command("screen")(screen.screen_command)
app.command("triage")(triage.triage_command)
app.add_typer(evidence.app, name="evidence")


def main() -> None:
    """Entry point of the ``ldncare`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
