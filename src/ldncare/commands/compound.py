"""``ldncare compound liquid|capsules``: the pharmacist's compounding calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import typer

from ldncare.commands.common import fail, print_json
from ldncare.commands.plan import parse_date, sources_payload
from ldncare.core.dosing import CompoundingError, compound_capsules, compound_liquid

__all__ = ["app", "capsules", "liquid"]

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
    prepared_on: str = typer.Option(None, "--prepared-on", help="Date made, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Immediate-release LDN capsules: drug, tablets, filler, BUD, worksheet and label."""
    made = _prepared_on(source, prepared_on)
    try:
        prep = compound_capsules(strength_mg, count, source=source, prepared_on=made)
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
        "bud_basis": prep.bud_basis,
        "prepared_on": prep.prepared_on.isoformat(),
        "beyond_use_date": prep.beyond_use_date.isoformat(),
        "label": prep.label,
        "warnings": list(prep.warnings),
        "sources": sources_payload(prep.sources),
    })
