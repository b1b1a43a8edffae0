"""Compounding knowledge as typed records: USP <795> BUD categories, the stability study,
liquid formulas, capsule fillers (with density), capsule sizes (volume), the 50 mg tablet and
the warnings every label carries.

The numbers live in ``knowledge/data/compounding.yaml``, each with sources.

>>> get_bud_category("aqueous-preserved").bud_days
35
>>> get_stability_study("fawcett-1997").refrigerated_days
60
>>> [f.id for f in load_fillers() if f.use == "recommended"]
['microcrystalline-cellulose']
>>> get_capsule_size("size-3").volume_ml
Decimal('0.3')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ldncare.core.knowledge.records import Record, SourcedRecord, load_records

__all__ = [
    "BudCategory",
    "CapsuleSize",
    "Filler",
    "Formula",
    "Ingredient",
    "LabelWarning",
    "StabilityStudy",
    "Tablet",
    "get_bud_category",
    "get_capsule_size",
    "get_formula",
    "get_label_warning",
    "get_liquid_formula",
    "get_stability_study",
    "get_tablet",
    "load_bud_categories",
    "load_capsule_sizes",
    "load_fillers",
    "load_formulas",
]

_FILE = "compounding.yaml"


class BudCategory(SourcedRecord):
    """A USP <795> (2023) beyond-use-date category."""

    name: str
    bud_days: int = Field(gt=0)
    storage: str


class StabilityStudy(SourcedRecord):
    """A published stability study that supports a longer BUD for one exact formula."""

    name: str
    formula_id: str
    concentration_mg_per_ml: Decimal = Field(gt=0)
    refrigerated_days: int = Field(gt=0)
    room_temperature_days: int = Field(gt=0)
    finding: str


class Ingredient(Record):
    """One line of a formula, per 100 mL (``scales_with_concentration`` for the drug)."""

    name: str
    amount: Decimal = Field(ge=0)
    unit: str
    scales_with_concentration: bool = False


class Formula(SourcedRecord):
    """A liquid formula: ingredients per 100 mL, method, BUD category and study (if any)."""

    name: str
    preserved: bool
    bud_category: str
    stability_study: str | None = None
    ingredients_per_100_ml: list[Ingredient] = Field(min_length=1)
    method: str


class Filler(SourcedRecord):
    """A capsule filler and whether LDN compounders use or avoid it."""

    name: str
    use: Literal["recommended", "avoid"]
    reason: str
    bulk_density_g_per_ml: Decimal | None = Field(default=None, gt=0, le=2,
                                                  description="loose bulk density (supplier data sheet)")


class CapsuleSize(SourcedRecord):
    """A capsule size and its volume (what it holds in mg depends on the powder's density)."""

    name: str
    volume_ml: Decimal = Field(gt=0, le=2)


class LabelWarning(SourcedRecord):
    """A warning every dispensed label carries."""

    text: str


class Tablet(SourcedRecord):
    """A commercial tablet used as the drug source."""

    name: str
    strength_mg: Decimal = Field(gt=0)


def _get(records, ident: str, what: str):
    for record in records:
        if record.id == ident:
            return record
    raise LookupError(f"unknown {what} {ident!r}; allowed: {', '.join(r.id for r in records)}")


def load_bud_categories() -> tuple[BudCategory, ...]:
    """The four USP <795> BUD categories."""
    return load_records(_FILE, BudCategory, key="bud_categories")


def load_formulas() -> tuple[Formula, ...]:
    """The liquid formulas."""
    return load_records(_FILE, Formula, key="formulas")


def load_fillers() -> tuple[Filler, ...]:
    """Capsule fillers, recommended and to avoid."""
    return load_records(_FILE, Filler, key="fillers")


def get_bud_category(category_id: str) -> BudCategory:
    """The BUD category with this id."""
    return _get(load_bud_categories(), category_id, "BUD category")


def get_stability_study(study_id: str) -> StabilityStudy:
    """The stability study with this id."""
    return _get(load_records(_FILE, StabilityStudy, key="stability_studies"), study_id, "stability study")


def get_formula(formula_id: str) -> Formula:
    """The liquid formula with this id."""
    return _get(load_formulas(), formula_id, "formula")


def get_liquid_formula(preserved: bool) -> Formula:
    """The oral liquid formula: the preserved Fawcett formula or plain (unpreserved) water."""
    return get_formula("fawcett-1mg-per-ml" if preserved else "water-unpreserved")


def load_capsule_sizes() -> tuple[CapsuleSize, ...]:
    """The standard hard-capsule sizes with their volumes."""
    return load_records(_FILE, CapsuleSize, key="capsule_sizes")


def get_capsule_size(size_id: str = "size-3") -> CapsuleSize:
    """The capsule size with this id."""
    return _get(load_capsule_sizes(), size_id, "capsule size")


def get_label_warning(warning_id: str = "opioid-warning") -> LabelWarning:
    """A warning text every label carries (default: the opioid warning)."""
    return _get(load_records(_FILE, LabelWarning, key="label_warnings"), warning_id, "label warning")


def get_tablet(tablet_id: str = "naltrexone-hcl-50mg") -> Tablet:
    """The tablet with this id (default: naltrexone hydrochloride 50 mg)."""
    return _get(load_records(_FILE, Tablet, key="tablets"), tablet_id, "tablet")
