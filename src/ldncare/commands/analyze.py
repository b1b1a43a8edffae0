"""``ldncare analyze``: is LDN working for me? Baseline vs maintenance from a diary CSV."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ldncare.commands.common import fail, print_json
from ldncare.core.response import DiaryFormatError, read_diary
from ldncare.core.response.report import build_response_report
from ldncare.core.response.wording import STATUS_LABELS

__all__ = ["analyze", "load_diary_or_fail"]

STATUS_COLOURS = {"likely_responder": "green", "likely_non_responder": "red", "unclear": "yellow",
                  "insufficient_data": "yellow"}


def load_diary_or_fail(path: Path):
    """Read and validate a diary file, or exit 2 naming every problem's line and column."""
    if not path.is_file():
        fail(f"diary file {str(path)!r} not found; allowed: a CSV file as described in docs/diary-format.md")
    try:
        return read_diary(path)
    except DiaryFormatError as exc:
        fail(f"{path.name}: {exc}; nothing was analysed (format: docs/diary-format.md)")


def _fmt(value, digits: int = 2, sign: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def analyze(
    diary_csv: Path = typer.Argument(..., help="Diary CSV (one row per day; see docs/diary-format.md)."),
    outcome: str = typer.Option("pain", "--outcome", help="Outcome column: pain, fatigue, sleep_quality, mood or an extra 0-10 column."),
    lag_days: int = typer.Option(14, "--lag-days", help="Onset lag: maintenance days excluded after the stable dose is reached."),
    trend: bool = typer.Option(False, "--trend", help="Add a linear time trend to the model."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON (the documented contract)."),
    plot: Path | None = typer.Option(None, "--plot", help="Also draw the diary to this PNG file."),
) -> None:
    """Baseline vs maintenance for one outcome, with AR(1)-aware statistics, side effects and adherence."""
    if lag_days < 0 or lag_days > 120:
        fail(f"--lag-days {lag_days} is not allowed; allowed: 0 to 120 days")
    if plot is not None and plot.suffix.lower() != ".png":
        fail(f"--plot {str(plot)!r} must name a .png file")
    diary = load_diary_or_fail(diary_csv)
    try:
        report = build_response_report(diary, outcome, lag_days=lag_days, trend=trend)
    except ValueError as exc:
        fail(str(exc))
    if plot is not None:
        from ldncare.core.response.plot import plot_response

        try:
            plot_response(diary, plot, outcome, lag_days=lag_days)
        except OSError as exc:
            fail(f"cannot write --plot {str(plot)!r}: {exc.strerror or exc}")
        report["plot"] = str(plot)
    if json_output:
        print_json(report)
        return
    _print_report(report)


def _print_report(r: dict) -> None:
    console = Console()
    direction = "lower is better" if r["lower_is_better"] else "higher is better"
    colour = STATUS_COLOURS[r["status"]]
    console.print(f"[bold]{r['outcome']}[/bold] ({direction}): [{colour}]{STATUS_LABELS[r['status']]}[/{colour}] "
                  f"(status {r['status']})")
    console.print(r["headline"], highlight=False)
    table = Table(show_header=True, header_style="bold")
    table.add_column("window")
    table.add_column("days with a score", justify="right")
    table.add_column("mean", justify="right")
    table.add_row("baseline", str(r["baseline"]["n_days"]), _fmt(r["baseline"]["mean"]))
    table.add_row(f"maintenance (after {r['maintenance']['lag_days']}-day lag)", str(r["maintenance"]["n_days"]),
                  _fmt(r["maintenance"]["mean"]))
    console.print(table)
    effect = r["effect"]
    if effect["estimate"] is not None:
        lo, hi = effect["ci95"]
        console.print(f"change: {_fmt(effect['estimate'], sign=True)} points (95% CI {_fmt(lo, sign=True)} to "
                      f"{_fmt(hi, sign=True)}), {_fmt(r['percent_change'], 1, sign=True)}%; AR(1) rho = {_fmt(effect['rho'])}")
    mcid = r["mcid"]
    if mcid["points"] is not None:
        p = r["p_improvement_ge_mcid"]
        console.print(f"MCID: {mcid['points']:g} points" + (f" / {mcid['percent']:g}%" if mcid["percent"] else "")
                      + f" ({mcid['source']})")
        if p is not None and r.get("probability_statement"):
            console.print(r["probability_statement"], highlight=False)
    for line in r["missing"]:
        console.print(f"[yellow]missing:[/yellow] {line}")
    if r["side_effects"]:
        se = Table(title="side effects", show_header=True, header_style="bold")
        for col in ("name", "first day", "last day", "days", "flag"):
            se.add_column(col)
        for c in r["side_effects"]:
            se.add_row(c["name"], c["first_day"], c["last_day"], str(c["days"]), c["flag"] or "")
        console.print(se)
    a = r["adherence"]
    console.print(f"adherence: {a['days_taken']} of {a['days_planned']} recorded treatment days with a dose"
                  + (f" ({a['days_unrecorded']} days without a check-in)" if a["days_unrecorded"] else ""))
    pgic = r.get("pgic") or {}
    if pgic.get("n_ratings"):
        console.print(f"PGIC: last rating {pgic['last']} on {pgic['last_date']} (1 = very much improved, 7 = very much "
                      f"worse); {100 * pgic['share_improved']:.0f}% of {pgic['n_ratings']} ratings at 'minimally improved' or better")
    if r.get("dose_timing") and r["dose_timing"]["difference"] is not None:
        console.print(f"sleep quality, bedtime vs morning dose: {r['dose_timing']['message']}")
    for caveat in r["caveats"]:
        console.print(f"[dim]• {caveat}[/dim]")
    if r.get("plot"):
        console.print(f"plot written to {r['plot']}")
    console.print(f"[dim]{r['disclaimer']}[/dim]")
