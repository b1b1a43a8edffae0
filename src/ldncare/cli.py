"""The ``ldncare`` command line: every core capability is one command.

Commands print human-readable text by default and JSON with ``--json``. Bad input exits
with code 2 and a message saying what was wrong and what is allowed.

Each capability's command module is imported only when that command runs (or when the
full ``--help`` is shown), so ``ldncare screen`` does not pay for SciPy, statsmodels or
libSBML that only ``analyze`` and ``simulate`` need.
"""

from __future__ import annotations

from importlib import import_module

import click
import typer
from typer.core import TyperGroup

from ldncare.commands import server

__all__ = ["COMMANDS", "app", "main"]

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
    "trial": ("ldncare.commands.trial", "app"),
    "fhir": ("ldncare.commands.fhir", "app"),
    "demo": ("ldncare.commands.demo", "demo"),
    "backup": ("ldncare.commands.backup", "backup"),
    "restore": ("ldncare.commands.backup", "restore"),
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
    """The top-level group: commands from :data:`COMMANDS` load on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return _load_command(cmd_name)
        return super().get_command(ctx, cmd_name)


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


def main() -> None:
    """Entry point of the ``ldncare`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
