"""``ldncare screen``: check medicines and a profile against LDN safety rules.

The exit status is 0 whenever the screen ran, including a ``contraindicated`` verdict: the
result is in the output (``verdict``), not in the exit code. Exit 2 means the input was
wrong (message on standard error says what is allowed).
"""

from __future__ import annotations

import datetime as dt

import typer

from ldncare.commands.common import fail, print_json
from ldncare.core.knowledge import UnknownConditionError, resolve_condition
from ldncare.core.safety import (
    MAX_AGE_YEARS,
    MAX_DOSE_MG,
    MAX_WEIGHT_KG,
    Profile,
    ScreenResult,
    screen,
)

__all__ = ["screen_command"]

HEPATIC = ("none", "mild", "moderate", "severe")
SURGERY_WINDOW_DAYS = 5 * 366  # a surgery date further away than this is a typo
DISCLAIMER = "Not medical advice: talk to your prescriber or pharmacist before you start, stop or change anything."
_MARK = {"contraindicated": "CONTRAINDICATED", "caution": "CAUTION", "info": "INFO"}


def _check_range(name: str, value: float | None, low: float, high: float, *, low_inclusive: bool) -> None:
    if value is None:
        return
    too_low = value < low if low_inclusive else value <= low
    if value != value or too_low or value > high:  # NaN, out of range
        bound = f">= {low:g}" if low_inclusive else f"> {low:g}"
        fail(f"{name} {value:g} is not plausible; allowed: a number {bound} and <= {high:g}")


def _render(result: ScreenResult) -> None:
    typer.echo(f"Verdict: {result.verdict.upper()}")
    if not result.findings:
        typer.echo("No findings: nothing in this profile conflicts with LDN according to ldncare's rules.")
    for finding in result.findings:
        typer.echo("")
        typer.echo(f"[{_MARK[finding.level]}] {finding.title} ({finding.code})")
        for match in finding.matched:
            how = {"fuzzy": " (spelling corrected)", "misspelling": " (common misspelling)"}.get(match.via, "")
            typer.echo(f"  matched: '{match.input}' -> {match.matched_form} -> {match.ingredient}{how}")
        typer.echo(f"  {finding.message}")
        typer.echo(f"  What to do: {finding.action}")
        typer.echo("  Sources: " + "; ".join(s.label for s in finding.sources))
    if result.unrecognized:
        typer.echo("")
        typer.echo("Not recognised (NOT checked - ask your pharmacist): " + ", ".join(f"'{m}'" for m in result.unrecognized))
    typer.echo("")
    typer.echo(DISCLAIMER)


def screen_command(
    med: list[str] = typer.Option([], "--med", help="A medicine as written on the label or box (repeat for each)."),
    condition: list[str] = typer.Option([], "--condition", help="A condition id or name, e.g. hashimotos-thyroiditis (repeatable)."),
    pregnant: bool = typer.Option(False, "--pregnant", help="Pregnant or trying to become pregnant."),
    breastfeeding: bool = typer.Option(False, "--breastfeeding", help="Breastfeeding."),
    hepatic: str = typer.Option("none", "--hepatic", help="Liver impairment: none, mild, moderate or severe."),
    surgery_date: str | None = typer.Option(None, "--surgery-date", help="Planned (or recent) surgery, YYYY-MM-DD."),
    dose_mg: float | None = typer.Option(None, "--dose-mg", help="Planned LDN dose in mg per day."),
    age: float | None = typer.Option(None, "--age", help="Age in years."),
    weight_kg: float | None = typer.Option(None, "--weight-kg", help="Body weight in kg."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Screen medicines and a profile for LDN safety (opioids, surgery, pregnancy, liver, dose).

    Prints a verdict (ok / caution / contraindicated) with findings, actions and sources.
    Exit status 0 even when contraindicated (read the verdict); 2 for invalid input.
    """
    if hepatic not in HEPATIC:
        fail(f"--hepatic {hepatic!r} is not allowed; allowed: {', '.join(HEPATIC)}")
    _check_range("--dose-mg", dose_mg, 0, MAX_DOSE_MG, low_inclusive=False)
    _check_range("--age", age, 0, MAX_AGE_YEARS, low_inclusive=True)
    _check_range("--weight-kg", weight_kg, 0, MAX_WEIGHT_KG, low_inclusive=False)
    surgery = None
    if surgery_date is not None:
        try:
            surgery = dt.date.fromisoformat(surgery_date.strip())
        except ValueError:
            fail(f"--surgery-date {surgery_date!r} is not a real calendar date; allowed: YYYY-MM-DD, e.g. 2026-12-01")
        if abs((surgery - dt.date.today()).days) > SURGERY_WINDOW_DAYS:
            fail(f"--surgery-date {surgery.isoformat()} is more than 5 years from today; allowed: a date within 5 years (YYYY-MM-DD)")
    if any(not m.strip() for m in med):
        fail("--med was given an empty name; allowed: a medicine name such as 'tramadol 50 mg' or 'Norco 5/325'")
    if any(len(m) > 200 for m in med):
        fail("--med is longer than 200 characters; allowed: one medicine per --med")
    condition_ids = []
    for text in condition:
        try:
            condition_ids.append(resolve_condition(text).id)
        except UnknownConditionError as exc:
            fail(str(exc))
    if not (med or condition or pregnant or breastfeeding or hepatic != "none" or surgery or dose_mg or age is not None or weight_kg):
        fail("nothing to screen; give at least one --med (or --condition, --pregnant, --breastfeeding, --hepatic, --surgery-date, --dose-mg, --age, --weight-kg)")
    profile = Profile(
        medicines=tuple(med),
        conditions=tuple(condition_ids),
        pregnant=pregnant,
        breastfeeding=breastfeeding,
        hepatic=hepatic,
        surgery_date=surgery,
        dose_mg=dose_mg,
        age_years=age,
        weight_kg=weight_kg,
    )
    result = screen(profile)
    if as_json:
        print_json(result.to_json())
    else:
        _render(result)
