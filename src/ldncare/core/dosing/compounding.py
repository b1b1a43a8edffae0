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
fillers to avoid), worksheet and label. The filler follows the *measured* fill weight of the
filler in the chosen capsule size (a calibration step on the worksheet); without a
measurement the default is the capsule's volume × the filler's loose bulk density (sourced),
which always fits.

Every number from a standard or study carries its source in the data. Verify USP numbers
against the official USP–NF text. Not medical advice: prescriber and pharmacist decide.

>>> import datetime as dt
>>> prep = compound_liquid(4.5, 30, preserved=True, prepared_on=dt.date(2026, 12, 1))
>>> prep.volume_per_dose_ml, prep.device, prep.tablets_50mg, prep.total_volume_ml, prep.bud_days
(Decimal('4.4'), 'syringe-5ml', 3, Decimal('150'), 35)
>>> prep.on_a_line, prep.suggested_concentration_mg_per_ml
(False, Decimal('0.5'))
>>> caps = compound_capsules(4.5, 30, prepared_on=dt.date(2026, 12, 1))
>>> caps.api_mg, caps.tablets_50mg, caps.bud_days, caps.fill_weight_mg
(Decimal('135'), 3, 180, Decimal('84'))
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field

from ldncare.core.dosing.calc import (
    DISCLAIMER,
    MAX_DAYS,
    CompoundingError,
    _check,
    _dec,
    _number,
    _pct,
)
from ldncare.core.dosing.compounding_data import (
    get_bud_category,
    get_label_warning,
    get_liquid_formula,
    get_stability_study,
    get_tablet,
)
from ldncare.core.dosing.devices import (
    load_devices,
    nearest_measurable_ml,
    pick_device,
    to_fraction,
)
from ldncare.core.dosing.plan import measurable_concentrations
from ldncare.core.dosing.protocols import get_rule
from ldncare.core.knowledge.records import Record, Source

__all__ = [
    "MAX_DAYS",
    "Batch",
    "CapsulePreparation",
    "CompoundingError",
    "LiquidPreparation",
    "compound_capsules",
    "compound_liquid",
    "compound_placebo_capsules",
    "default_fill_weight_mg",
]

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
    on_a_line: bool = Field(description="the prescribed volume falls exactly on a line of the chosen syringe")
    suggested_concentration_mg_per_ml: Decimal | None = Field(
        default=None, description="a usual strength at which the dose lands on a line (only when it does not now)")
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
    product: str = Field(description="what the bottle holds, for the label")
    directions: str = Field(description="how to take it, for the label")
    worksheet: str
    label: str
    warnings: tuple[str, ...]
    sources: tuple[Source, ...]


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

    formula = get_liquid_formula(preserved)
    category = get_bud_category(formula.bud_category)
    study = get_stability_study(formula.stability_study) if formula.stability_study else None
    warnings: list[str] = []
    sources: list[Source] = [*formula.sources, *category.sources]

    exact_ml = dose / concentration
    device = pick_device(exact_ml)
    measured_ml = exact_ml
    suggested = None
    if device is None:
        holding = [d for d in load_devices() if to_fraction(d.capacity_ml) >= exact_ml]
        if not holding:
            largest = max(to_fraction(d.capacity_ml) for d in load_devices())
            raise CompoundingError(
                f"one dose is {_dec(exact_ml)} mL at {_dec(concentration)} mg/mL, more than the largest syringe "
                f"({_dec(largest)} mL); allowed: a concentration of at least {_dec(dose / largest)} mg/mL")
        device = holding[0]
        measured_ml = nearest_measurable_ml(exact_ml, device)
        suggested = _suggest_concentration(dose, concentration)
        hint = (f"At {_dec(suggested)} mg/mL the dose is {_dec(dose / suggested)} mL, on a line of the "
                f"{pick_device(dose / suggested).name}." if suggested is not None
                else "No usual strength puts it on a line; ask the prescriber for a dose that does.")
        warnings.append(
            f"{_dec(exact_ml)} mL is not on a line of any listed syringe; the nearest line of the {device.name} is "
            f"{_dec(measured_ml)} mL, which gives {_dec(measured_ml * concentration)} mg "
            f"({_pct((measured_ml * concentration - dose) / dose * 100)} %). {hint} Ask the prescriber before labelling.")
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
        "device_name": device.name, "on_a_line": measured_ml == exact_ml,
        "suggested_concentration_mg_per_ml": _dec(suggested) if suggested is not None else None,
        "batches": tuple(batches),
        "required_volume_ml": sum((b.required_volume_ml for b in batches), Decimal(0)),
        "total_volume_ml": sum((b.volume_ml for b in batches), Decimal(0)),
        "api_mg": sum((b.api_mg for b in batches), Decimal(0)), "tablets_50mg": sum(b.tablets_50mg for b in batches),
        "overage_percent": _dec(overage), "bud_days": bud_days, "bud_basis": bud_basis, "bud_category": category.id,
        "storage": storage, "stability_alternative": alternative, "prepared_on": prepared_on,
        "beyond_use_date": prepared_on + dt.timedelta(days=bud_days), "warnings": tuple(warnings),
        "sources": tuple(dict.fromkeys(sources)),
    }
    prep["product"] = (f"Naltrexone hydrochloride {prep['concentration_mg_per_ml']} mg/mL oral liquid (LDN), "
                       f"{batches[0].volume_ml} mL")
    prep["directions"] = (f"Take {prep['volume_per_dose_ml']} mL ({prep['delivered_dose_mg']} mg) by mouth once daily as "
                          f"directed by your prescriber. Measure with the {device.name}. Shake well.")
    prep["worksheet"] = _liquid_worksheet(prep, formula)
    prep["label"] = _liquid_label(prep)
    return LiquidPreparation(**prep)


def _suggest_concentration(dose: Fraction, current: Fraction) -> Fraction | None:
    """The usual strength nearest ``current`` (by ratio) at which ``dose`` lands on a syringe line."""
    fits = [to_fraction(c) for c in measurable_concentrations([_dec(dose)])]
    if not fits:
        return None
    return min(fits, key=lambda c: (max(c / current, current / c), c))


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
    lines = []
    if not prep["on_a_line"]:
        lines.append(f"CHECK BEFORE LABELLING: {prep['warnings'][0]}")
    lines += [
        prep["product"],
        prep["directions"],
        f"Store: {prep['storage']}. Discard after {prep['beyond_use_date']}.",
        f"Compounded preparation. Keep out of reach of children. {get_label_warning().text}",
    ]
    return "\n".join(lines)


# Capsules live in ldncare.core.dosing.capsules (re-exported here).
from ldncare.core.dosing.capsules import (  # noqa: E402  (after the liquid calculator it builds on)
    CapsulePreparation,
    compound_capsules,
    compound_placebo_capsules,
    default_fill_weight_mg,
)
