"""``ldncare triage``: what to do about a side effect, at this severity, after this long."""

from __future__ import annotations

import typer

from ldncare.commands.common import fail, print_json
from ldncare.core.knowledge import UnknownSideEffectError, resolve_side_effect
from ldncare.core.safety import MAX_DAYS, SEVERITIES, TriageResult, triage

__all__ = ["triage_command"]

DISCLAIMER = "Not medical advice: talk to your prescriber or pharmacist; in an emergency call emergency services."
_HEADLINE = {
    "expected_transient": "Expected and usually transient",
    "try_morning_dosing": "Try morning dosing",
    "lower_dose": "Lower the dose (ask your prescriber)",
    "contact_prescriber": "Contact your prescriber",
    "urgent_care": "URGENT: get medical care now",
}


def _render(result: TriageResult) -> None:
    typer.echo(f"{result.effect_name} - {result.severity}, day {result.days}")
    typer.echo(f"Outcome: {_HEADLINE[result.outcome]} ({result.outcome})")
    typer.echo(f"What to do: {result.advice}")
    typer.echo("Why:")
    for reason in result.reasons:
        typer.echo(f"  - {reason.text}")
        typer.echo("    Sources: " + "; ".join(s.label for s in reason.sources))
    typer.echo("")
    typer.echo(DISCLAIMER)


def triage_command(
    effect: str = typer.Option(..., "--effect", help="The side effect, e.g. insomnia, 'vivid dreams', headache."),
    severity: str = typer.Option(..., "--severity", help="mild, moderate or severe."),
    days: int = typer.Option(..., "--days", help="Days since starting LDN or since the last dose step (0 = today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Triage an LDN side effect: expected / try morning dosing / lower the dose / contact prescriber / urgent care."""
    if severity not in SEVERITIES:
        fail(f"--severity {severity!r} is not allowed; allowed: {', '.join(SEVERITIES)}")
    if not 0 <= days <= MAX_DAYS:
        fail(f"--days {days} is not allowed; allowed: a whole number of days from 0 to {MAX_DAYS}")
    try:
        side_effect = resolve_side_effect(effect)
    except UnknownSideEffectError as exc:
        fail(str(exc))
    result = triage(side_effect, severity, days)  # type: ignore[arg-type]
    if as_json:
        print_json(result.to_json())
    else:
        _render(result)
