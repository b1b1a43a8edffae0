"""``ldncare compound liquid|capsules|plan``: the pharmacist's compounding calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import typer

from ldncare.commands.common import fail, print_json
from ldncare.commands.plan import parse_date, sources_payload
from ldncare.core.dosing import CompoundingError, compound_capsules, compound_liquid
from ldncare.core.dosing.preparations import parse_step, plan_preparations

__all__ = ["app", "capsules", "liquid", "plan"]

app = typer.Typer(
    help="Compounding calculator for LDN (pharmacist-facing): oral liquid or capsules. Not medical advice.",
    no_args_is_help=True,
)


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral() else float(value)


def _prepared_on(source: str, prepared_on: str | None) -> dt.date:
    """Check ``--source`` and read ``--prepared-on`` (default: today); exit 2 on bad input."""
    if source not in ("tablets", "api"):
        fail(f"unknown source {source!r}; allowed: tablets, api")
    return parse_date(prepared_on, "--prepared-on") if prepared_on else dt.date.today()


def _print_worksheet(prep) -> None:
    typer.echo(prep.worksheet)
    typer.echo("\nLABEL\n" + prep.label)


@app.command("liquid")
def liquid(
    dose_mg: float = typer.Option(..., "--dose-mg", help="Daily dose in mg."),
    days: int = typer.Option(..., "--days", help="Days' supply."),
    concentration_mg_per_ml: float = typer.Option(1.0, "--concentration-mg-per-ml", help="Strength of the liquid."),
    source: str = typer.Option("tablets", "--source", help="tablets (50 mg) or api (powder)."),
    preserved: bool = typer.Option(False, "--preserved", help="Preserved Fawcett formula (else plain water)."),
    stability_study: bool = typer.Option(
        False, "--stability-study", help="Use the Fawcett 1997 study's 60-day refrigerated BUD (preserved, 1 mg/mL)."),
    overage_percent: float = typer.Option(0.0, "--overage-percent", help="Extra drug for losses, 0–25 %."),
    prepared_on: str = typer.Option(None, "--prepared-on", help="Date made, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """LDN oral liquid: volume per dose, syringe, total volume, tablets, BUD, worksheet and label."""
    made = _prepared_on(source, prepared_on)
    try:
        prep = compound_liquid(dose_mg, days, concentration_mg_per_ml=concentration_mg_per_ml, source=source,
                               preserved=preserved, use_stability_study=stability_study,
                               overage_percent=overage_percent, prepared_on=made)
    except CompoundingError as exc:
        fail(str(exc))
    if not as_json:
        _print_worksheet(prep)
        return
    print_json({
        "concentration_mg_per_ml": _num(prep.concentration_mg_per_ml),
        "volume_per_dose_ml": _num(prep.volume_per_dose_ml),
        "device": prep.device,
        "total_volume_ml": _num(prep.total_volume_ml),
        "tablets_50mg": prep.tablets_50mg,
        "bud_days": prep.bud_days,
        "bud_basis": prep.bud_basis,
        "worksheet": prep.worksheet,
        "dose_mg": _num(prep.dose_mg),
        "delivered_dose_mg": _num(prep.delivered_dose_mg),
        "dose_deviation_percent": float(prep.dose_deviation_percent),
        "device_name": prep.device_name,
        "on_a_line": prep.on_a_line,
        "suggested_concentration_mg_per_ml": (_num(prep.suggested_concentration_mg_per_ml)
                                              if prep.suggested_concentration_mg_per_ml is not None else None),
        "days": prep.days,
        "source": prep.source,
        "preserved": prep.preserved,
        "formula": prep.formula,
        "required_volume_ml": _num(prep.required_volume_ml),
        "api_mg": _num(prep.api_mg),
        "batches": [
            {"number": b.number, "days": b.days, "required_volume_ml": _num(b.required_volume_ml),
             "volume_ml": _num(b.volume_ml), "api_mg": _num(b.api_mg), "tablets_50mg": b.tablets_50mg}
            for b in prep.batches
        ],
        "overage_percent": _num(prep.overage_percent),
        "bud_category": prep.bud_category,
        "storage": prep.storage,
        "stability_alternative": prep.stability_alternative,
        "prepared_on": prep.prepared_on.isoformat(),
        "beyond_use_date": prep.beyond_use_date.isoformat(),
        "label": prep.label,
        "warnings": list(prep.warnings),
        "sources": sources_payload(prep.sources),
    })


@app.command("capsules")
def capsules(
    strength_mg: float = typer.Option(..., "--strength-mg", help="Strength of one capsule in mg."),
    count: int = typer.Option(..., "--count", help="Number of capsules."),
    source: str = typer.Option("tablets", "--source", help="tablets (50 mg) or api (powder)."),
    capsule_size: str = typer.Option("size-3", "--capsule-size", help="size-0 … size-4 (default size-3)."),
    fill_weight_mg: float = typer.Option(
        None, "--fill-weight-mg", help="Measured net weight of filler one capsule holds (calibration); "
                                       "default: capsule volume × filler bulk density."),
    prepared_on: str = typer.Option(None, "--prepared-on", help="Date made, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Immediate-release LDN capsules: drug, tablets, calibrated filler, BUD, worksheet and label."""
    made = _prepared_on(source, prepared_on)
    try:
        prep = compound_capsules(strength_mg, count, source=source, capsule_size=capsule_size,
                                 fill_weight_mg=fill_weight_mg, prepared_on=made)
    except CompoundingError as exc:
        fail(str(exc))
    if not as_json:
        _print_worksheet(prep)
        return
    print_json({
        "api_mg": _num(prep.api_mg),
        "tablets_50mg": prep.tablets_50mg,
        "filler": prep.filler,
        "bud_days": prep.bud_days,
        "worksheet": prep.worksheet,
        "strength_mg": _num(prep.strength_mg),
        "count": prep.count,
        "source": prep.source,
        "tablet_powder_fraction": prep.tablet_powder_fraction,
        "filler_id": prep.filler_id,
        "fillers_to_avoid": list(prep.fillers_to_avoid),
        "capsule_size": prep.capsule_size,
        "capsule_volume_ml": _num(prep.capsule_volume_ml),
        "fill_weight_mg": _num(prep.fill_weight_mg),
        "fill_weight_measured": prep.fill_weight_measured,
        "fill_weight_default_mg": _num(prep.fill_weight_default_mg),
        "blend_mg": _num(prep.blend_mg),
        "filler_mg": _num(prep.filler_mg) if prep.filler_mg is not None else None,
        "drug_percent_of_fill": float(prep.drug_percent_of_fill),
        "bud_basis": prep.bud_basis,
        "prepared_on": prep.prepared_on.isoformat(),
        "beyond_use_date": prep.beyond_use_date.isoformat(),
        "label": prep.label,
        "warnings": list(prep.warnings),
        "sources": sources_payload(prep.sources),
    })


@app.command("plan")
def plan(
    steps: list[str] = typer.Option(..., "--step", help="A titration step MG:DAYS, in order (repeat the option)."),
    start: str = typer.Option(..., "--start", help="First day of the plan, YYYY-MM-DD."),
    form: str = typer.Option(..., "--form", help="liquid or capsules."),
    preserved: bool = typer.Option(False, "--preserved", help="Preserved liquid (35-day BUD; else 14 days)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A titration as preparations: per bottle the days it is used, the day to make it and its BUD."""
    first = parse_date(start, "--start")
    try:
        parsed = [parse_step(text) for text in steps]
        preps = plan_preparations(parsed, start=first, form=form, preserved=preserved)
    except CompoundingError as exc:
        fail(str(exc))
    if as_json:
        print_json({"form": form, "preserved": preserved, "start": first.isoformat(), "preparations": [
            {"number": p.number, "step": p.step, "batch": p.batch, "batches_in_step": p.batches_in_step,
             "dose_mg": _num(p.dose_mg), "days": p.days, "first_use": p.first_use.isoformat(),
             "last_use": p.last_use.isoformat(), "prepared_on": p.prepared_on.isoformat(),
             "beyond_use_date": p.beyond_use_date.isoformat(), "bud_days": p.bud_days, "bud_category": p.bud_category}
            for p in preps]})
        return
    typer.echo(f"{'#':>2}  {'dose':>7}  {'used':<25} {'make on':<11} {'BUD':<11}")
    for p in preps:
        typer.echo(f"{p.number:>2}  {str(p.dose_mg) + ' mg':>7}  {p.first_use} to {p.last_use} "
                   f"{p.prepared_on!s:<11} {p.beyond_use_date!s:<11}")
    typer.echo("Make each preparation on its date (not earlier: its BUD would end before its last day of use).")
