"""The compounding calculator (pharmacist-facing): LDN oral liquid and capsules.

Liquid: a dose and a days' supply at a chosen concentration, made from 50 mg naltrexone
hydrochloride tablets or from powder (API). The volume per dose is measured with the
smallest oral syringe that hits it exactly (else rounded to the nearest line, never up on a
tie, with the delivered dose and its deviation reported). Supplies longer than the
beyond-use date (BUD) are split into batches. Tablets are whole and never too few: every
count is exact arithmetic (:class:`fractions.Fraction`). BUDs follow the USP <795> (2023)
categories; the Fawcett 1997 stability study (60 days refrigerated) is offered as a clearly
attributed alternative for its own formula only.

Capsules: count × strength → drug needed, tablets, microcrystalline cellulose filler (and the
fillers to avoid for immediate release), worksheet and label.

Every number from a standard or study carries its source in the data. Verify USP numbers
against the official USP–NF text. Not medical advice: prescriber and pharmacist decide.

>>> import datetime as dt
>>> prep = compound_liquid(4.5, 30, preserved=True, prepared_on=dt.date(2026, 12, 1))
>>> prep.volume_per_dose_ml, prep.device, prep.tablets_50mg, prep.total_volume_ml, prep.bud_days
(Decimal('4.5'), 'syringe-10ml', 3, Decimal('150'), 35)
>>> caps = compound_capsules(4.5, 30, prepared_on=dt.date(2026, 12, 1))
>>> caps.api_mg, caps.tablets_50mg, caps.bud_days
(Decimal('135'), 3, 180)
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field

from ldncare.core.dosing.compounding_data import (
    get_bud_category,
    get_capsule_size,
    get_formula,
    get_stability_study,
    get_tablet,
    load_fillers,
)
from ldncare.core.dosing.devices import (
    load_devices,
    nearest_measurable_ml,
    pick_device,
    to_fraction,
)
from ldncare.core.dosing.protocols import get_rule
from ldncare.core.knowledge.records import Record, Source

__all__ = [
    "Batch",
    "CapsulePreparation",
    "CompoundingError",
    "LiquidPreparation",
    "compound_capsules",
    "compound_liquid",
]

MAX_DAYS = 365
MAX_CAPSULES = 1000
DISCLAIMER = "Not medical advice: the prescriber decides the dose; the pharmacist checks every number."


class CompoundingError(ValueError):
    """Input the calculator cannot use; the message says what was wrong and what is allowed."""


class Batch(Record):
    """One batch of liquid, made within its BUD."""

    number: int
    days: int
    required_volume_ml: Decimal
    volume_ml: Decimal
    api_mg: Decimal
    tablets_50mg: int


class LiquidPreparation(Record):
    """The result of :func:`compound_liquid`."""

    dose_mg: Decimal
    days: int
    concentration_mg_per_ml: Decimal
    source: Literal["tablets", "api"]
    preserved: bool
    formula: str
    exact_volume_ml: Decimal
    volume_per_dose_ml: Decimal
    delivered_dose_mg: Decimal
    dose_deviation_percent: Decimal
    device: str
    device_name: str
    batches: tuple[Batch, ...]
    required_volume_ml: Decimal
    total_volume_ml: Decimal
    api_mg: Decimal
    tablets_50mg: int
    overage_percent: Decimal
    bud_days: int
    bud_basis: str
    bud_category: str
    storage: str
    stability_alternative: str | None
    prepared_on: dt.date
    beyond_use_date: dt.date
    worksheet: str
    label: str
    warnings: tuple[str, ...]
    sources: tuple[Source, ...]


class CapsulePreparation(Record):
    """The result of :func:`compound_capsules`."""

    strength_mg: Decimal
    count: int
    source: Literal["tablets", "api"]
    api_mg: Decimal
    tablets_50mg: int
    tablet_powder_fraction: str | None = Field(description="fraction of the crushed tablet powder to use")
    filler: str
    filler_id: str
    fillers_to_avoid: tuple[str, ...]
    capsule_size: str
    fill_mg_per_capsule: Decimal
    bud_days: int
    bud_basis: str
    prepared_on: dt.date
    beyond_use_date: dt.date
    worksheet: str
    label: str
    warnings: tuple[str, ...]
    sources: tuple[Source, ...]


def _dec(value: Fraction | int) -> Decimal:
    value = Fraction(value)
    number = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(number) != value:
        number = number.quantize(Decimal("0.0001"))
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def _pct(value: Fraction) -> Decimal:
    """A percentage to 2 decimal places (display only; the dose arithmetic stays exact)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _number(value, name: str) -> Fraction:
    try:
        number = to_fraction(value)
    except (ArithmeticError, ValueError, TypeError):
        raise CompoundingError(f"{name} must be a number, got {value!r}") from None
    return number


# The smallest amount of drug a preparation can carry that anyone could measure: 0.01 mL
# (the finest syringe graduation in the device data) of the weakest allowed liquid, 0.1 mg/mL.
MIN_DOSE_MG = Fraction(1, 1000)


def _check(value: Fraction, name: str, low, high, unit: str) -> None:
    if value < MIN_DOSE_MG and value > 0:
        raise CompoundingError(
            f"{name} {float(value):.3g} {unit} is too small to prepare; allowed: at least "
            f"{_dec(MIN_DOSE_MG)} and at most {high} {unit}"
        )
    if not (Fraction(low) < value <= Fraction(high)):
        raise CompoundingError(f"{name} {_dec(value)} {unit} is out of range; allowed: more than {low} and at most {high} {unit}")


def compound_liquid(
    dose_mg,
    days: int,
    *,
    concentration_mg_per_ml=1,
    source: Literal["tablets", "api"] = "tablets",
    preserved: bool = False,
    use_stability_study: bool = False,
    overage_percent=0,
    prepared_on: dt.date,
) -> LiquidPreparation:
    """Compute an LDN oral liquid: volume per dose, device, batches, tablets, BUD, worksheet, label.

    Parameters
    ----------
    dose_mg
        Daily dose in mg of naltrexone hydrochloride (more than 0, at most the 10 mg ceiling).
    days
        Days' supply (1 to 365); split into batches when longer than the BUD.
    concentration_mg_per_ml
        Strength of the liquid (0.1 to 10 mg/mL; 1 mg/mL is the most used).
    source
        ``tablets`` (whole 50 mg tablets; the batch is all of their drug) or ``api`` (powder,
        made to the next whole mL).
    preserved
        The preserved Fawcett formula (USP aqueous preserved, 35 days) instead of plain water
        (aqueous unpreserved, 14 days, refrigerated).
    use_stability_study
        Use the Fawcett 1997 study's 60 days refrigerated as BUD (preserved, 1 mg/mL only).
    overage_percent
        Extra drug the pharmacist adds for losses (0 to 25 %; default 0: no unsourced overage).
    """
    dose = _number(dose_mg, "dose")
    ceiling = get_rule("low-dose-ceiling").value
    _check(dose, "dose", 0, ceiling, "mg")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise CompoundingError(f"days {days} is out of range; allowed: 1 to {MAX_DAYS}")
    concentration = _number(concentration_mg_per_ml, "concentration")
    if not Fraction(1, 10) <= concentration <= 10:
        raise CompoundingError(f"concentration {_dec(concentration)} mg/mL is out of range; allowed: 0.1 to 10 mg/mL")
    if source not in ("tablets", "api"):
        raise CompoundingError(f"source {source!r} is unknown; allowed: tablets, api")
    overage = _number(overage_percent, "overage")
    if not 0 <= overage <= 25:
        raise CompoundingError(f"overage {_dec(overage)} % is out of range; allowed: 0 to 25 %")

    formula = get_formula("fawcett-1mg-per-ml" if preserved else "water-unpreserved")
    category = get_bud_category(formula.bud_category)
    study = get_stability_study(formula.stability_study) if formula.stability_study else None
    warnings: list[str] = []
    sources: list[Source] = [*formula.sources, *category.sources]

    exact_ml = dose / concentration
    device = pick_device(exact_ml)
    measured_ml = exact_ml
    if device is None:
        holding = [d for d in load_devices() if to_fraction(d.capacity_ml) >= exact_ml]
        if not holding:
            largest = max(to_fraction(d.capacity_ml) for d in load_devices())
            raise CompoundingError(
                f"one dose is {_dec(exact_ml)} mL at {_dec(concentration)} mg/mL, more than the largest syringe "
                f"({_dec(largest)} mL); allowed: a concentration of at least {_dec(dose / largest)} mg/mL")
        device = holding[0]
        measured_ml = nearest_measurable_ml(exact_ml, device)
        warnings.append(
            f"{_dec(exact_ml)} mL is not on a line of any listed syringe; measured as {_dec(measured_ml)} mL with the "
            f"{device.name}, which gives {_dec(measured_ml * concentration)} mg "
            f"({_pct((measured_ml * concentration - dose) / dose * 100)} %). Ask the prescriber, or pick a concentration "
            "that makes the dose land on a line.")
    sources.extend(device.sources)
    delivered = measured_ml * concentration

    storage, bud_days = category.storage, category.bud_days
    bud_basis = f"{category.name}: {category.bud_days} days ({category.sources[0].url})"
    alternative = None
    if study is not None:
        alternative = (
            f"{study.name} (PMID {study.sources[0].pmid}): {study.finding} Refrigerated {study.refrigerated_days} "
            f"days, room temperature {study.room_temperature_days} days.")
    if use_stability_study:
        if study is None or concentration != to_fraction(study.concentration_mg_per_ml):
            raise CompoundingError(
                "the stability-study BUD applies only to the preserved Fawcett formula at 1 mg/mL; allowed: "
                "--preserved with --concentration-mg-per-ml 1, or the USP <795> default")
        bud_days = study.refrigerated_days
        storage = "refrigerator (4 °C), in the dark (amber bottle)"
        bud_basis = (f"stability study {study.name}, PMID {study.sources[0].pmid}: {study.refrigerated_days} days at 4 °C "
                     f"(longer than the USP <795> default of {category.bud_days} days; use only if the pharmacy's "
                     "compliance rules allow it)")
        sources.extend(study.sources)
    elif preserved and concentration != 1:
        warnings.append("The Fawcett formula was studied at 1 mg/mL; at other strengths only the USP default BUD applies.")
    if source == "tablets":
        sources.extend(get_tablet().sources)

    batches = _batches(delivered, days, bud_days, concentration, source, overage)
    if len(batches) > 1:
        warnings.append(f"{days} days is longer than the {bud_days}-day BUD: make {len(batches)} batches, each when the "
                        "previous one runs out; each batch's BUD counts from its own preparation date.")
    prep = {
        "dose_mg": _dec(dose), "days": days, "concentration_mg_per_ml": _dec(concentration), "source": source,
        "preserved": preserved, "formula": formula.id, "exact_volume_ml": _dec(exact_ml),
        "volume_per_dose_ml": _dec(measured_ml), "delivered_dose_mg": _dec(delivered),
        "dose_deviation_percent": _pct((delivered - dose) / dose * 100), "device": device.id,
        "device_name": device.name, "batches": tuple(batches),
        "required_volume_ml": sum((b.required_volume_ml for b in batches), Decimal(0)),
        "total_volume_ml": sum((b.volume_ml for b in batches), Decimal(0)),
        "api_mg": sum((b.api_mg for b in batches), Decimal(0)), "tablets_50mg": sum(b.tablets_50mg for b in batches),
        "overage_percent": _dec(overage), "bud_days": bud_days, "bud_basis": bud_basis, "bud_category": category.id,
        "storage": storage, "stability_alternative": alternative, "prepared_on": prepared_on,
        "beyond_use_date": prepared_on + dt.timedelta(days=bud_days), "warnings": tuple(warnings),
        "sources": tuple(dict.fromkeys(sources)),
    }
    prep["worksheet"] = _liquid_worksheet(prep, formula)
    prep["label"] = _liquid_label(prep)
    return LiquidPreparation(**prep)


def _batches(delivered: Fraction, days: int, bud_days: int, concentration: Fraction, source: str,
             overage: Fraction) -> list[Batch]:
    strength = to_fraction(get_tablet().strength_mg)
    batches = []
    remaining, number = days, 1
    while remaining > 0:
        batch_days = min(remaining, bud_days)
        required_mg = delivered * batch_days * (1 + overage / 100)
        required_ml = required_mg / concentration
        if source == "tablets":
            tablets = math.ceil(required_mg / strength)
            api = tablets * strength
            volume = api / concentration
        else:
            tablets = 0
            volume = Fraction(math.ceil(required_ml))
            api = volume * concentration
        batches.append(Batch(number=number, days=batch_days, required_volume_ml=_dec(required_ml),
                             volume_ml=_dec(volume), api_mg=_dec(api), tablets_50mg=tablets))
        remaining -= batch_days
        number += 1
    return batches


def _liquid_worksheet(prep: dict, formula) -> str:
    conc, lines = prep["concentration_mg_per_ml"], []
    lines.append(f"COMPOUNDING WORKSHEET: naltrexone hydrochloride {conc} mg/mL oral liquid — {formula.name}")
    lines.append(f"Prescription: {prep['dose_mg']} mg once daily for {prep['days']} days.")
    lines.append(f"Dose volume: {prep['volume_per_dose_ml']} mL ({prep['delivered_dose_mg']} mg) with a {prep['device_name']}.")
    for batch in prep["batches"]:
        drug = (f"{batch.tablets_50mg} × 50 mg naltrexone HCl tablets ({batch.api_mg} mg)" if prep["source"] == "tablets"
                else f"naltrexone HCl powder {batch.api_mg} mg")
        lines.append(f"Batch {batch.number} of {len(prep['batches'])} ({batch.days} days): needed {batch.required_volume_ml} mL; "
                     f"make {batch.volume_ml} mL.")
        factor = Fraction(batch.volume_ml) / 100
        for item in formula.ingredients_per_100_ml:
            if item.scales_with_concentration:
                lines.append(f"  - {drug}")
            elif item.unit == "to volume":
                lines.append(f"  - {item.name} to {batch.volume_ml} mL")
            else:
                lines.append(f"  - {item.name}: {_dec(Fraction(item.amount) * factor)} {item.unit}")
    lines.append(f"Method: {formula.method}")
    lines.append(f"BUD: {prep['bud_days']} days — {prep['bud_basis']}. Prepared {prep['prepared_on']}, discard after "
                 f"{prep['beyond_use_date']}. Storage: {prep['storage']}.")
    if prep["stability_alternative"] and "stability study" not in prep["bud_basis"]:
        lines.append(f"Published stability-study alternative (attributed, not the default): {prep['stability_alternative']}")
    lines.extend(f"WARNING: {w}" for w in prep["warnings"])
    lines.append("Verify USP <795> numbers against the official USP–NF text. " + DISCLAIMER)
    return "\n".join(lines)


def _liquid_label(prep: dict) -> str:
    first = prep["batches"][0]
    return "\n".join([
        f"Naltrexone hydrochloride {prep['concentration_mg_per_ml']} mg/mL oral liquid (LDN), {first.volume_ml} mL",
        f"Take {prep['volume_per_dose_ml']} mL ({prep['delivered_dose_mg']} mg) by mouth once daily as directed by your "
        f"prescriber. Measure with the {prep['device_name']}.",
        f"Shake well. Store: {prep['storage']}. Discard after {prep['beyond_use_date']}.",
        "Compounded preparation. Keep out of reach of children. Do not take with opioid medicines.",
    ])


def compound_capsules(
    strength_mg,
    count: int,
    *,
    source: Literal["tablets", "api"] = "tablets",
    capsule_size: str = "size-3",
    prepared_on: dt.date,
) -> CapsulePreparation:
    """Compute immediate-release LDN capsules: drug, tablets, filler, BUD, worksheet, label.

    >>> caps = compound_capsules(1.5, 60, prepared_on=dt.date(2026, 12, 1))
    >>> caps.api_mg, caps.tablets_50mg, caps.tablet_powder_fraction
    (Decimal('90'), 2, '9/10')
    """
    strength = _number(strength_mg, "strength")
    _check(strength, "strength", 0, get_rule("low-dose-ceiling").value, "mg")
    if not isinstance(count, int) or not 1 <= count <= MAX_CAPSULES:
        raise CompoundingError(f"count {count} is out of range; allowed: 1 to {MAX_CAPSULES} capsules")
    if source not in ("tablets", "api"):
        raise CompoundingError(f"source {source!r} is unknown; allowed: tablets, api")
    try:
        size = get_capsule_size(capsule_size)
    except LookupError as exc:
        raise CompoundingError(str(exc)) from None
    api = strength * count
    tablet = get_tablet()
    tablets = math.ceil(api / to_fraction(tablet.strength_mg)) if source == "tablets" else 0
    fraction = api / (tablets * to_fraction(tablet.strength_mg)) if tablets else None
    fillers = load_fillers()
    filler = next(f for f in fillers if f.use == "recommended")
    avoid = [f for f in fillers if f.use == "avoid"]
    category = get_bud_category("solid")
    warnings = [f"Do not use {f.name} as filler: {f.reason}" for f in avoid]
    if count > category.bud_days:
        warnings.append(f"{count} capsules at one a day outlast the {category.bud_days}-day BUD.")
    fill_total = to_fraction(size.fill_mg) * count
    drug_line = (f"Crush {tablets} × 50 mg naltrexone HCl tablets ({_dec(tablets * to_fraction(tablet.strength_mg))} mg). "
                 f"Weigh all of the powder (W mg) and use {fraction} of it (W × {fraction} mg), which holds {_dec(api)} mg."
                 if source == "tablets" else f"Weigh {_dec(api)} mg naltrexone HCl powder.")
    bud_date = prepared_on + dt.timedelta(days=category.bud_days)
    worksheet = "\n".join([
        f"COMPOUNDING WORKSHEET: naltrexone hydrochloride {_dec(strength)} mg immediate-release capsules × {count}",
        f"Drug needed: {_dec(strength)} mg × {count} = {_dec(api)} mg naltrexone hydrochloride.",
        drug_line,
        f"Filler: {filler.name} ({filler.reason}) to a total fill of about {_dec(fill_total)} mg "
        f"({count} × {size.name} at about {size.fill_mg} mg each); mix by geometric dilution, fill, check weights.",
        *(f"WARNING: {w}" for w in warnings),
        f"BUD: {category.bud_days} days — {category.name} ({category.sources[0].url}); prepared {prepared_on}, "
        f"discard after {bud_date}. Storage: {category.storage}.",
        "Verify USP <795> numbers against the official USP–NF text. " + DISCLAIMER,
    ])
    label = "\n".join([
        f"Naltrexone hydrochloride {_dec(strength)} mg capsules (LDN, immediate release), quantity {count}",
        "Take 1 capsule by mouth once daily as directed by your prescriber.",
        f"Store: {category.storage}. Discard after {bud_date}.",
        "Compounded preparation. Keep out of reach of children. Do not take with opioid medicines.",
    ])
    sources = [*category.sources, *filler.sources, *size.sources] + [s for f in avoid for s in f.sources]
    if source == "tablets":
        sources.extend(tablet.sources)
    return CapsulePreparation(
        strength_mg=_dec(strength), count=count, source=source, api_mg=_dec(api), tablets_50mg=tablets,
        tablet_powder_fraction=str(fraction) if fraction is not None else None, filler=filler.name,
        filler_id=filler.id, fillers_to_avoid=tuple(f.id for f in avoid), capsule_size=size.id,
        fill_mg_per_capsule=size.fill_mg, bud_days=category.bud_days,
        bud_basis=f"{category.name}: {category.bud_days} days ({category.sources[0].url})", prepared_on=prepared_on,
        beyond_use_date=bud_date, worksheet=worksheet, label=label, warnings=tuple(warnings),
        sources=tuple(dict.fromkeys(sources)),
    )
