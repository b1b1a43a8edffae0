"""Stateless core services in the API: screen, plan preview, compounding, simulation, evidence.

Nothing is stored; inputs are bounded by the schemas (422 with field errors otherwise), and
a core refusal (its own ``ValueError``) is answered as 422 too, never as 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ldncare.core import dosing, pharmacology, safety
from ldncare.web.record import core_bridge

router = Router(tags=["tools"])

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


def _refused(exc: Exception) -> Status:
    msg = str(exc).splitlines()[0][:300] if str(exc) else exc.__class__.__name__
    return Status(422, {"detail": "Invalid input", "errors": [{"loc": ["body"], "msg": msg, "type": "value_error"}]})


class ScreenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    medicines: list[str] = Field(default_factory=list, max_length=50)
    conditions: list[str] = Field(default_factory=list, max_length=30)
    pregnant: bool = False
    breastfeeding: bool = False
    hepatic: Literal["none", "mild", "moderate", "severe"] = "none"
    surgery_date: dt.date | None = None
    dose_mg: float | None = Field(None, gt=0, le=300)


@router.post("/screen", response={200: dict, 422: ErrorOut}, summary="Safety screen of a medicines/conditions profile")
def screen(request, payload: ScreenIn):
    if any(len(m) > 200 for m in payload.medicines):
        return _refused(ValueError("each medicine must be at most 200 characters"))
    try:
        result = safety.screen(safety.Profile(
            medicines=tuple(payload.medicines), conditions=tuple(payload.conditions), pregnant=payload.pregnant,
            breastfeeding=payload.breastfeeding, hepatic=payload.hepatic, surgery_date=payload.surgery_date,
            dose_mg=payload.dose_mg,
        ))
    except (ValueError, LookupError, ArithmeticError) as exc:
        return _refused(exc)
    return result.model_dump(mode="json")


class PlanPreviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    protocol: Literal["article", "trust", "gentle", "pediatric", "custom"] = "article"
    start_date: dt.date
    target_mg: float | None = Field(None, gt=0, le=50)
    max_mg: float | None = Field(None, gt=0, le=50)
    weight_kg: float | None = Field(None, gt=0, le=300)
    start_mg: float | None = Field(None, gt=0, le=50)
    step_mg: float | None = Field(None, gt=0, le=50)
    interval_days: int | None = Field(None, ge=1, le=90)
    concentration_mg_per_ml: float = Field(1, gt=0, le=50)
    time: str | None = Field(None, pattern=CLOCK)


@router.post("/plan-preview", response={200: dict, 422: ErrorOut}, summary="A titration plan from a protocol (not a prescription)")
def plan_preview(request, payload: PlanPreviewIn):
    try:
        plan = dosing.build_plan(**payload.model_dump())
    except (ValueError, LookupError, ArithmeticError, dosing.PlanError) as exc:
        return _refused(exc)
    return plan.model_dump(mode="json")


class LiquidIn(Schema):
    model_config = ConfigDict(extra="forbid")
    dose_mg: float = Field(..., ge=0.01, le=10, description="The compounding calculator covers 0.01–10 mg.")
    days: int = Field(..., ge=1, le=365)
    concentration_mg_per_ml: float = Field(1, ge=0.1, le=10)
    source: Literal["tablets", "api"] = "tablets"
    preserved: bool = False


@router.post("/compound/liquid", response={200: dict, 422: ErrorOut}, summary="Compound an oral liquid from 50 mg tablets or API")
def compound_liquid(request, payload: LiquidIn):
    try:
        prep = dosing.compound_liquid(payload.dose_mg, payload.days,
                                      concentration_mg_per_ml=payload.concentration_mg_per_ml, source=payload.source,
                                      preserved=payload.preserved, prepared_on=dt.date.today())
    except (ValueError, LookupError, ArithmeticError, dosing.CompoundingError) as exc:
        return _refused(exc)
    return prep.model_dump(mode="json")


class SimulateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    dose_mg: float = Field(..., gt=0, le=50)
    time: str = Field("22:00", pattern=CLOCK)
    days: int = Field(7, ge=1, le=28)
    weight_kg: float = Field(70, ge=30, le=200)
    hepatic: Literal["none", "mild", "moderate", "severe"] = "none"
    scenario: Literal["fast", "compromise", "slow"] = pharmacology.DEFAULT_SCENARIO


@router.post("/simulate", response={200: dict, 422: ErrorOut}, summary="Simulate a typical subject (bounded inputs)")
def simulate(request, payload: SimulateIn):
    try:
        out = pharmacology.simulate_subjects(
            pharmacology.daily_at(payload.dose_mg, payload.time, days=payload.days),
            pharmacology.typical_subjects(weight_kg=payload.weight_kg, hepatic=payload.hepatic),
            scenario=payload.scenario, keep_series=False,
        )
    except (ValueError, LookupError, ArithmeticError) as exc:
        return _refused(exc)
    daily = [
        {"day": day + 1, **{metric: float(out.daily[metric][0][day]) for metric in pharmacology.DAILY_METRICS}}
        for day in range(payload.days)
    ]
    regimen = pharmacology.daily_at(payload.dose_mg, payload.time, days=payload.days)
    scenarios = pharmacology.compare_scenarios(regimen, weight_kg=payload.weight_kg, hepatic=payload.hepatic)
    return {"scenario": payload.scenario, "regimen": payload.model_dump(), "daily": daily, "scenarios": scenarios,
            "note": "A model of a typical subject with stated assumptions, not a measurement or advice. "
                    f"'{pharmacology.DEFAULT_SCENARIO}' is the default receptor-offset scenario (the one the "
                    "validation supports); 'scenarios' compares all three."}


@router.get("/evidence/{condition_id}", response={200: dict, 404: ErrorOut}, auth=None,
            summary="The reviewed evidence summary and certainty for a condition")
def evidence(request, condition_id: str):
    found = core_bridge.evidence(condition_id[:80])
    if found is None:
        return Status(404, {"detail": "Not Found"})
    return found
