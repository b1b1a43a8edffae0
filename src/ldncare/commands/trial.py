"""``ldncare trial``: design a blinded n-of-1 trial of LDN vs placebo, and analyse it with the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ldncare.commands.analyze import load_diary_or_fail
from ldncare.commands.common import fail, print_json
from ldncare.core.response.trial import (
    TrialKeyError,
    analyze_trial,
    design_trial,
    dispensing_list,
    load_key,
    save_key,
)

__all__ = ["app"]

app = typer.Typer(help="Blinded n-of-1 trials of LDN against pharmacy-made placebo.", no_args_is_help=True)

DISCLAIMER = "Not medical advice: run a trial only with your prescriber and pharmacist."


def _design_payload(design, key_path: Path | None) -> dict:
    return {
        "trial_id": design.trial_id,
        "pairs": design.pairs,
        "period_weeks": design.period_weeks,
        "discard_days": design.discard_days,
        "dose_mg": design.dose_mg,
        "start_date": design.start_date.isoformat(),
        "end_date": design.end_date.isoformat(),
        "periods": [{"period": p.number, "pair": p.pair, "bottle": p.bottle, "label": p.label,
                     "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(),
                     "analysis_start": p.analysis_start.isoformat()} for p in design.periods],
        "key_file": None if key_path is None else str(key_path),
        "blinding": "periods show only their bottle label; the allocation is in the key file, for the pharmacist",
        "disclaimer": DISCLAIMER,
    }


@app.command("design")
def design(
    pairs: int = typer.Option(3, "--pairs", help="Pairs of periods (LDN and placebo in random order within each)."),
    period_weeks: int = typer.Option(4, "--period-weeks", help="Length of each period in weeks."),
    start_date: str = typer.Option(..., "--start-date", help="First day of period 1 (YYYY-MM-DD)."),
    seed: int = typer.Option(..., "--seed", help="Random seed of the allocation (keep it with the key, not the patient)."),
    discard_days: int | None = typer.Option(None, "--discard-days", help="First days of each period not analysed (default 14; 7 for periods under 3 weeks)."),
    dose_mg: float = typer.Option(4.5, "--dose-mg", help="LDN dose in the active capsules (the patient's stable dose)."),
    key_out: Path | None = typer.Option(None, "--key-out", help="Write the allocation key and dispensing list here (for the pharmacist)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Design the trial: periods with dates and bottle labels; the key goes to a separate file."""
    try:
        start = dt.date.fromisoformat(start_date)
    except ValueError:
        fail(f"--start-date {start_date!r} is not a date; allowed: YYYY-MM-DD")
    if not 0 < dose_mg <= 50:
        fail(f"--dose-mg {dose_mg:g} is not allowed; allowed: more than 0 and at most 50 mg")
    if key_out is not None and key_out.exists():
        fail(f"--key-out {str(key_out)!r} already exists; allowed: a new file (a key is never overwritten)")
    try:
        trial_design, key = design_trial(pairs=pairs, period_weeks=period_weeks, start_date=start, seed=seed,
                                         discard_days=discard_days, dose_mg=dose_mg)
    except ValueError as exc:
        fail(str(exc))
    if key_out is not None:
        try:
            save_key(key, key_out)
        except OSError as exc:
            fail(f"cannot write --key-out {str(key_out)!r}: {exc.strerror or exc}")
    payload = _design_payload(trial_design, key_out)
    if json_output:
        print_json(payload)
        return
    console = Console()
    console.print(f"[bold]Blinded n-of-1 trial {trial_design.trial_id}[/bold]: {pairs} pairs of {period_weeks}-week "
                  f"periods, {trial_design.start_date} to {trial_design.end_date}")
    table = Table(show_header=True, header_style="bold")
    for col in ("period", "label on the bottle", "from", "to", "analysed from"):
        table.add_column(col)
    for p in trial_design.periods:
        table.add_row(str(p.number), p.label, p.start_date.isoformat(), p.end_date.isoformat(), p.analysis_start.isoformat())
    console.print(table)
    console.print(f"The first {trial_design.discard_days} days of each period are not analysed (onset and washout). "
                  "Write the period label in the diary's phase column.")
    if key_out is None:
        console.print("[yellow]No key file written: pass --key-out FILE and give that file to the pharmacist.[/yellow]")
    else:
        console.print(f"Allocation key and dispensing list written to {key_out} — for the pharmacist, not the patient.")
    console.print(f"[dim]{DISCLAIMER}[/dim]")


def _load_key_or_fail(path: Path):
    try:
        return load_key(path)
    except TrialKeyError as exc:
        fail(f"{exc}; allowed: the key file written by 'ldncare trial design --key-out'")


@app.command("dispensing")
def dispensing(
    key: Path = typer.Option(..., "--key", help="The allocation key file."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The pharmacist's dispensing list (reveals the allocation: pharmacist only)."""
    allocation_key = _load_key_or_fail(key)
    items = dispensing_list(allocation_key)
    if json_output:
        print_json([{"bottle": i.bottle, "label": i.label, "contents": i.contents, "quantity": i.quantity,
                     "dispense_by": i.dispense_by.isoformat(), "use_from": i.use_from.isoformat(),
                     "use_until": i.use_until.isoformat()} for i in items])
        return
    table = Table(title=f"dispensing list, trial {allocation_key.design.trial_id} (PHARMACIST ONLY)", header_style="bold")
    for col in ("bottle", "label", "contents", "quantity", "dispense by"):
        table.add_column(col)
    for i in items:
        table.add_row(i.bottle, i.label, i.contents, str(i.quantity), i.dispense_by.isoformat())
    Console().print(table)


def _round(value, digits=3):
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    return value


@app.command("analyze")
def analyze(
    diary_csv: Path = typer.Argument(..., help="The trial diary CSV (phase column holds the period labels)."),
    key: Path = typer.Option(..., "--key", help="The allocation key file (the analysis only runs with it)."),
    outcome: str = typer.Option("pain", "--outcome", help="Outcome column to compare."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Unblind with the key: period means, paired analysis and P(LDN beats placebo by ≥ MCID)."""
    allocation_key = _load_key_or_fail(key)
    diary = load_diary_or_fail(diary_csv)
    try:
        result = analyze_trial(diary, allocation_key, outcome)
    except (ValueError, TrialKeyError) as exc:
        fail(str(exc))
    payload = _round({
        "trial_id": allocation_key.design.trial_id,
        "outcome": result.outcome,
        "lower_is_better": result.lower_is_better,
        "periods": [{"period": r.period.number, "pair": r.period.pair, "label": r.period.label, "arm": r.arm,
                     "n_days": r.n_days, "mean": r.mean} for r in result.periods],
        "mean_ldn": result.mean_ldn,
        "mean_placebo": result.mean_placebo,
        "pair_improvements": list(result.pair_improvements),
        "paired_t": result.paired_t,
        "model": result.model,
        "bayes": result.bayes,
        "mcid": {"points": result.mcid_points, "source": result.mcid_source},
        "p_ldn_beats_placebo_by_mcid": None if result.bayes is None else result.bayes["p_ldn_better_by_mcid"],
        "verdict": result.verdict,
        "missing": list(result.missing),
        "summary": result.summary,
    })
    if json_output:
        print_json(payload)
        return
    console = Console()
    table = Table(title=f"trial {payload['trial_id']}, {outcome} (unblinded)", header_style="bold")
    for col in ("period", "arm", "analysed days", "mean"):
        table.add_column(col)
    for r in payload["periods"]:
        table.add_row(r["label"], r["arm"], str(r["n_days"]), "—" if r["mean"] is None else f"{r['mean']:.2f}")
    console.print(table)
    if result.paired_t:
        t = payload["paired_t"]
        console.print(f"paired t-test over {t['n_pairs']} pairs: improvement on LDN vs placebo {t['mean_improvement']:+.2f} "
                      f"points (95% CI {t['ci95'][0]:+.2f} to {t['ci95'][1]:+.2f}), p = {t['p_two_sided']:.3f}")
        console.print(f"Bayesian: {payload['bayes']['prior']}; P(LDN better) = {payload['bayes']['p_ldn_better']:.2f}"
                      + ("" if payload["p_ldn_beats_placebo_by_mcid"] is None else
                         f", P(LDN better by ≥ MCID) = {payload['p_ldn_beats_placebo_by_mcid']:.2f}"))
    for line in result.missing:
        console.print(f"[yellow]missing:[/yellow] {line}")
    console.print(result.summary)


