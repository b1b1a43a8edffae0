"""Titration protocols, dose timings and re-planning rules, loaded from sourced data.

The numbers live in ``knowledge/data/titration_protocols.yaml`` (one home per concept);
this module gives them types. Every record has sources and a review stamp.

>>> get_protocol("trust").start_mg, get_protocol("trust").step_mg, get_protocol("trust").interval_days
(Decimal('1'), Decimal('1'), 7)
>>> get_timing("bedtime").default_time
'22:00'
>>> get_rule("hold-after-settling").value
Decimal('5')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = [
    "PROTOCOL_IDS",
    "PlanningRule",
    "TitrationProtocol",
    "Timing",
    "get_protocol",
    "get_rule",
    "get_timing",
    "load_planning_rules",
    "load_protocols",
    "load_timings",
]

_FILE = "titration_protocols.yaml"

PROTOCOL_IDS = ("article", "trust", "gentle", "pediatric", "custom")


class TitrationProtocol(SourcedRecord):
    """A titration protocol: a dose ladder, a weight-based dose, or the prescriber's own numbers."""

    name: str
    kind: Literal["ladder", "weight_based", "custom"]
    start_mg: Decimal | None = Field(default=None, gt=0)
    step_mg: Decimal | None = Field(default=None, gt=0)
    interval_days: int | None = Field(default=None, gt=0)
    mg_per_kg: Decimal | None = Field(default=None, gt=0)
    target_mg: Decimal = Field(gt=0)
    max_mg: Decimal = Field(gt=0)
    evidence_level: str
    population: str
    basis: str


class Timing(SourcedRecord):
    """A time of day to take the dose, with its evidence level."""

    name: str
    default_time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    evidence_level: str
    advice: str


class PlanningRule(SourcedRecord):
    """A number used by planning or re-planning, with where it comes from.

    ``basis`` says whether the number is from practice/literature or is an ldncare
    assumption (labelled as such wherever it is used).
    """

    name: str
    value: Decimal
    unit: str
    basis: Literal["literature", "practice", "assumption"]
    description: str


def load_protocols() -> tuple[TitrationProtocol, ...]:
    """All titration protocols, in file order."""
    return load_records(_FILE, TitrationProtocol, key="protocols")


def load_timings() -> tuple[Timing, ...]:
    """The dose timings (bedtime, morning)."""
    return load_records(_FILE, Timing, key="timings")


def load_planning_rules() -> tuple[PlanningRule, ...]:
    """The planning and re-planning rules."""
    return load_records(_FILE, PlanningRule, key="rules")


def _by_id(records, ident: str, what: str):
    for record in records:
        if record.id == ident:
            return record
    allowed = ", ".join(r.id for r in records)
    raise LookupError(f"unknown {what} {ident!r}; allowed: {allowed}")


def get_protocol(protocol_id: str) -> TitrationProtocol:
    """The protocol with this id (raises ``LookupError`` naming the allowed ids)."""
    return _by_id(load_protocols(), protocol_id, "protocol")


def get_timing(timing_id: str) -> Timing:
    """The timing with this id (``bedtime`` or ``morning``)."""
    return _by_id(load_timings(), timing_id, "timing")


def get_rule(rule_id: str) -> PlanningRule:
    """The planning rule with this id."""
    return _by_id(load_planning_rules(), rule_id, "planning rule")
