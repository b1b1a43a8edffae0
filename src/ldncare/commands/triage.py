"""``ldncare triage``: what to do about a side effect or symptom, at this severity, after this long."""

from __future__ import annotations

import typer

from ldncare.commands.common import fail, print_json
from ldncare.core.safety import MAX_DAYS, SEVERITIES, TriageResult, triage_text

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
    if result.matched_by == "red_flag":
        typer.echo("Warning sign: this is not an expected LDN side effect.")
    elif result.matched_by == "unrecognised":
        typer.echo("Not recognised as a known LDN side effect, so it is treated as one to report.")
    typer.echo(f"Outcome: {_HEADLINE[result.outcome]} ({result.outcome})")
    typer.echo(f"What to do: {result.advice}")
    typer.echo("Why:")
    for reason in result.reasons:
        typer.echo(f"  - {reason.text}")
        typer.echo("    Sources: " + "; ".join(s.label for s in reason.sources))
    if result.suggestions:
        typer.echo("Did you mean (each at least as serious): " + ", ".join(result.suggestions))
    typer.echo("")
    typer.echo(DISCLAIMER)


def triage_command(
    effect: str = typer.Option(
        ..., "--effect", help="The side effect or symptom in your own words, e.g. insomnia, 'vivid dreams', 'my chest hurts'."
    ),
    severity: str = typer.Option(..., "--severity", help="mild, moderate or severe."),
    days: int = typer.Option(..., "--days", help="Days since starting LDN or since the last dose step (0 = today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Triage an LDN side effect or symptom: expected / try morning dosing / lower the dose / contact prescriber / urgent care.

    Warning signs (chest pain, trouble breathing, thoughts of self-harm, signs of opioid
    withdrawal, ...) are recognised first; text that is not recognised is never called
    expected: the answer is at least "contact your prescriber".
    """
    if severity not in SEVERITIES:
        fail(f"--severity {severity!r} is not allowed; allowed: {', '.join(SEVERITIES)}")
    if not 0 <= days <= MAX_DAYS:
        fail(f"--days {days} is not allowed; allowed: a whole number of days from 0 to {MAX_DAYS}")
    result = triage_text(effect, severity, days)  # type: ignore[arg-type]
    if as_json:
        print_json(result.to_json())
    else:
        _render(result)
