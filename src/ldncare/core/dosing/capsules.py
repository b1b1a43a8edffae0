"""Immediate-release LDN capsules (pharmacist-facing): drug, tablets, calibrated filler, BUD.

The filler follows the *measured* fill weight of the filler in the chosen capsule size (a
calibration step on the worksheet: fill N empty capsules with filler alone and weigh them);
without a measurement the default is the capsule's volume × the filler's loose bulk density
(both sourced data), which always fits. Matching placebo capsules for a blinded trial are the
same capsule filled with the same weight of filler alone.

>>> import datetime as dt
>>> caps = compound_capsules(4.5, 30, prepared_on=dt.date(2026, 12, 1))
>>> caps.api_mg, caps.tablets_50mg, caps.bud_days, caps.fill_weight_mg
(Decimal('135'), 3, 180, Decimal('84'))
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Literal

from pydantic import Field

from ldncare.core.dosing.calc import (
    DISCLAIMER,
    MAX_CAPSULES,
    CompoundingError,
    _check,
    _dec,
    _number,
    _pct,
)
from ldncare.core.dosing.compounding_data import (
    get_bud_category,
    get_capsule_size,
    get_label_warning,
    get_tablet,
    load_fillers,
)
from ldncare.core.dosing.devices import to_fraction
from ldncare.core.dosing.protocols import get_rule
from ldncare.core.knowledge.records import Record, Source

__all__ = [
    "CapsulePreparation",
    "PlaceboPreparation",
    "compound_capsules",
    "compound_placebo_capsules",
    "default_fill_weight_mg",
]


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
    capsule_volume_ml: Decimal
    fill_weight_mg: Decimal = Field(description="net filler weight one capsule holds (measured, or the default)")
    fill_weight_measured: bool
    fill_weight_default_mg: Decimal = Field(description="capsule volume × filler loose bulk density")
    blend_mg: Decimal = Field(description="total powder to fill: count × fill weight")
    filler_mg: Decimal | None = Field(description="filler to weigh (from powder); None from tablets (blend − tablet powder used)")
    drug_percent_of_fill: Decimal
    bud_days: int
    bud_basis: str
    prepared_on: dt.date
    beyond_use_date: dt.date
    storage: str
    product: str
    directions: str
    worksheet: str
    label: str
    warnings: tuple[str, ...]
    sources: tuple[Source, ...]


def default_fill_weight_mg(capsule_size: str = "size-3") -> Decimal:
    """What one capsule of this size holds of the recommended filler by default: its volume ×
    the filler's loose bulk density (the low end of the supplier's range, so it always fits).

    >>> default_fill_weight_mg("size-3")
    Decimal('84')
    """
    size = get_capsule_size(capsule_size)
    filler = next(f for f in load_fillers() if f.use == "recommended")
    return _dec(to_fraction(size.volume_ml) * to_fraction(filler.bulk_density_g_per_ml) * 1000)


def compound_capsules(
    strength_mg,
    count: int,
    *,
    source: Literal["tablets", "api"] = "tablets",
    capsule_size: str = "size-3",
    fill_weight_mg=None,
    calibration_capsules: int = 10,
    prepared_on: dt.date,
) -> CapsulePreparation:
    """Compute immediate-release LDN capsules: drug, tablets, filler, BUD, worksheet, label.

    ``fill_weight_mg`` is the measured net weight of filler one capsule of ``capsule_size``
    holds (fill ``calibration_capsules`` empty capsules with filler alone, weigh, subtract the
    shells, divide). Without it the default is the capsule volume × the filler's bulk density.

    >>> caps = compound_capsules(1.5, 60, fill_weight_mg=120, source="api", prepared_on=dt.date(2026, 12, 1))
    >>> caps.api_mg, caps.blend_mg, caps.filler_mg, caps.drug_percent_of_fill
    (Decimal('90'), Decimal('7200'), Decimal('7110'), Decimal('1.25'))
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
    if not isinstance(calibration_capsules, int) or not 5 <= calibration_capsules <= 100:
        raise CompoundingError(f"calibration capsules {calibration_capsules} is out of range; allowed: 5 to 100")
    default_fill = to_fraction(default_fill_weight_mg(size.id))
    # At most the capsule's volume of powder at 1 g/mL (LDN fillers are far lighter); at least
    # twice the drug, so that the drug stays a minor part of the fill.
    most = to_fraction(size.volume_ml) * 1000
    if fill_weight_mg is None:
        fill = default_fill
    else:
        fill = _number(fill_weight_mg, "fill weight")
        if not (2 * strength <= fill <= most):
            raise CompoundingError(
                f"fill weight {_dec(fill)} mg is out of range for a {size.name} ({size.volume_ml} mL) and "
                f"{_dec(strength)} mg capsules; allowed: {_dec(2 * strength)} to {_dec(most)} mg")
    if fill < 2 * strength:
        raise CompoundingError(f"a {size.name} holds about {_dec(fill)} mg, too little for {_dec(strength)} mg; "
                               "allowed: a larger capsule size")
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
    if fill_weight_mg is None:
        warnings.append(
            f"Fill weight not measured: the sheet uses {_dec(fill)} mg ({size.volume_ml} mL × {filler.bulk_density_g_per_ml} "
            "g/mL loose bulk density). Calibrate before filling; the filler changes with the measured weight.")
    blend = fill * count
    filler_mg = blend - api if source == "api" else None
    drug_line = (f"Crush {tablets} × 50 mg naltrexone HCl tablets ({_dec(tablets * to_fraction(tablet.strength_mg))} mg). "
                 f"Weigh all of the powder (W mg) and use {fraction} of it (W × {fraction} mg), which holds {_dec(api)} mg."
                 if source == "tablets" else f"Weigh {_dec(api)} mg naltrexone HCl powder.")
    filler_line = (f"Filler: {filler.name} ({filler.reason}): {_dec(blend)} mg of blend in all, so add "
                   + (f"{_dec(filler_mg)} mg of filler." if filler_mg is not None
                      else f"{_dec(blend)} mg − the tablet powder used (W × {fraction} mg) of filler.")
                   + " Mix by geometric dilution, then fill.")
    measured = (f"measured: {_dec(fill)} mg" if fill_weight_mg is not None
                else f"not measured yet; default {_dec(fill)} mg = {size.volume_ml} mL × {filler.bulk_density_g_per_ml} g/mL")
    bud_date = prepared_on + dt.timedelta(days=category.bud_days)
    percent = _pct(strength / fill * 100)
    worksheet = "\n".join([
        f"COMPOUNDING WORKSHEET: naltrexone hydrochloride {_dec(strength)} mg immediate-release capsules × {count}",
        f"Drug needed: {_dec(strength)} mg × {count} = {_dec(api)} mg naltrexone hydrochloride.",
        drug_line,
        f"Calibration: fill {calibration_capsules} empty {size.name.removesuffix(' capsule')} capsules with {filler.name} alone, the way this batch "
        f"will be filled; weigh them, subtract {calibration_capsules} empty shells and divide by {calibration_capsules}: "
        f"the fill weight F per capsule ({measured}).",
        filler_line,
        f"Content check: each capsule holds F = {_dec(fill)} mg of blend with {_dec(strength)} mg naltrexone HCl "
        f"({percent} % of the fill). Weigh filled capsules against F plus the shell weight.",
        *(f"WARNING: {w}" for w in warnings),
        f"BUD: {category.bud_days} days — {category.name} ({category.sources[0].url}); prepared {prepared_on}, "
        f"discard after {bud_date}. Storage: {category.storage}.",
        "Verify USP <795> numbers against the official USP–NF text. " + DISCLAIMER,
    ])
    product = f"Naltrexone hydrochloride {_dec(strength)} mg capsules (LDN, immediate release), quantity {count}"
    directions = "Take 1 capsule by mouth once daily as directed by your prescriber."
    label = "\n".join([
        product,
        directions,
        f"Store: {category.storage}. Discard after {bud_date}.",
        f"Compounded preparation. Keep out of reach of children. {get_label_warning().text}",
    ])
    sources = [*category.sources, *filler.sources, *size.sources] + [s for f in avoid for s in f.sources]
    if source == "tablets":
        sources.extend(tablet.sources)
    return CapsulePreparation(
        strength_mg=_dec(strength), count=count, source=source, api_mg=_dec(api), tablets_50mg=tablets,
        tablet_powder_fraction=str(fraction) if fraction is not None else None, filler=filler.name,
        filler_id=filler.id, fillers_to_avoid=tuple(f.id for f in avoid), capsule_size=size.id,
        capsule_volume_ml=size.volume_ml, fill_weight_mg=_dec(fill), fill_weight_measured=fill_weight_mg is not None,
        fill_weight_default_mg=_dec(default_fill), blend_mg=_dec(blend),
        filler_mg=_dec(filler_mg) if filler_mg is not None else None, drug_percent_of_fill=percent,
        bud_days=category.bud_days,
        bud_basis=f"{category.name}: {category.bud_days} days ({category.sources[0].url})", prepared_on=prepared_on,
        beyond_use_date=bud_date, storage=category.storage, product=product, directions=directions,
        worksheet=worksheet, label=label, warnings=tuple(warnings),
        sources=tuple(dict.fromkeys(sources)),
    )


class PlaceboPreparation(Record):
    """Matching placebo capsules: the same capsule, the same fill weight, filler alone."""

    count: int
    capsule_size: str
    fill_weight_mg: Decimal
    fill_weight_measured: bool
    filler: str
    filler_mg: Decimal
    bud_days: int
    prepared_on: dt.date
    beyond_use_date: dt.date
    storage: str
    worksheet: str
    sources: tuple[Source, ...]


def compound_placebo_capsules(count: int, *, capsule_size: str = "size-3", fill_weight_mg=None,
                              prepared_on: dt.date) -> PlaceboPreparation:
    """Placebo capsules that match :func:`compound_capsules` of the same size and fill weight.

    >>> compound_placebo_capsules(31, fill_weight_mg=120, prepared_on=dt.date(2026, 12, 1)).filler_mg
    Decimal('3720')
    """
    if not isinstance(count, int) or not 1 <= count <= MAX_CAPSULES:
        raise CompoundingError(f"count {count} is out of range; allowed: 1 to {MAX_CAPSULES} capsules")
    try:
        size = get_capsule_size(capsule_size)
    except LookupError as exc:
        raise CompoundingError(str(exc)) from None
    most = to_fraction(size.volume_ml) * 1000
    fill = to_fraction(default_fill_weight_mg(size.id)) if fill_weight_mg is None else _number(fill_weight_mg, "fill weight")
    if not 0 < fill <= most:
        raise CompoundingError(f"fill weight {_dec(fill)} mg is out of range for a {size.name}; allowed: more than 0 "
                                 f"and at most {_dec(most)} mg")
    filler = next(f for f in load_fillers() if f.use == "recommended")
    category = get_bud_category("solid")
    bud_date = prepared_on + dt.timedelta(days=category.bud_days)
    worksheet = "\n".join([
        f"COMPOUNDING WORKSHEET: matching placebo capsules × {count} (blinded trial)",
        f"Capsule: {size.name}, the same shell (size and colour) as the active capsules.",
        f"Filler: {filler.name} alone, {_dec(fill)} mg per capsule "
        f"({'measured' if fill_weight_mg is not None else 'default, not measured: calibrate first'}), "
        f"{_dec(fill * count)} mg in all; the same fill weight as the active capsules, so the bottles cannot be told apart.",
        f"BUD: {category.bud_days} days — {category.name}; prepared {prepared_on}, discard after {bud_date}. "
        f"Storage: {category.storage}.",
        "Label the bottle exactly like the active bottle of the same trial (bottle letter only). " + DISCLAIMER,
    ])
    return PlaceboPreparation(
        count=count, capsule_size=size.id, fill_weight_mg=_dec(fill), fill_weight_measured=fill_weight_mg is not None,
        filler=filler.name, filler_mg=_dec(fill * count), bud_days=category.bud_days, prepared_on=prepared_on,
        beyond_use_date=bud_date, storage=category.storage, worksheet=worksheet,
        sources=tuple(dict.fromkeys([*filler.sources, *size.sources, *category.sources])))
