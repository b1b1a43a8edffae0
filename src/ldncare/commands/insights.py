"""``ldncare insights``: what goes with my good days? Factor-outcome associations, honestly tested."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ldncare.commands.analyze import load_diary_or_fail
from ldncare.commands.common import fail, print_json

__all__ = ["insights"]

_FACTOR_WORDS = {"ldn_dose_mg": "LDN dose (mg)", "dose_time_h": "dose clock time (h)"}


def _name(key: str) -> str:
    return _FACTOR_WORDS.get(key, key.split(":", 1)[-1].replace("_", " "))


def insights(
    diary_csv: Path = typer.Argument(..., help="Diary CSV with factor:<name> columns (docs/diary-format.md)."),
    outcome: list[str] = typer.Option(None, "--outcome", help="Outcome(s) to explain (default: every outcome). "
                                      "pain, fatigue, sleep_quality, mood, an outcome:<name> column, dreams or insomnia."),
    factor: list[str] = typer.Option(None, "--factor", help="Factor(s) to test (default: every factor:<name> column, "
                                     "the dose and its clock time)."),
    min_days: int = typer.Option(28, "--min-days", min=14, max=3650, help="Paired days needed before a test is made."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON (the documented contract)."),
) -> None:
    """Associations between factors and outcomes at lag 0 and 1 day: AR(1) errors, a linear trend, false
    discovery rate 5 % across all tests. Association, not cause."""
    from ldncare.core.response.insights import find_associations

    diary = load_diary_or_fail(diary_csv)
    try:
        result = find_associations(diary, outcomes=outcome or None, factors=factor or None, min_days=min_days)
    except ValueError as exc:
        fail(str(exc))
    if json_output:
        print_json(result.as_json())
        return
    console = Console()
    found = result.found
    console.print(f"[bold]What goes with your days[/bold]: {len(result.associations)} tested, {len(found)} found "
                  f"(false discovery rate 5 %).")
    if result.associations:
        table = Table("outcome", "factor", "lag", "estimate", "95 % interval", "q", "days", "found")
        for a in result.associations:
            table.add_row(_name(a.outcome), _name(a.factor), "same day" if a.lag_days == 0 else f"{a.lag_days} day before",
                          f"{a.estimate:+.2f}", f"{a.ci95[0]:+.2f} to {a.ci95[1]:+.2f}", f"{a.q_value:.3f}",
                          str(a.n_days), "yes" if a.found else "no")
        console.print(table)
    for skipped in result.not_tested[:20]:
        console.print(f"not tested: {_name(skipped.factor)} → {_name(skipped.outcome)} (lag {skipped.lag_days}): "
                      f"{skipped.reason}")
    console.print(result.caveat)
