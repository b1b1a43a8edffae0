"""Reading ldncare's own resources back: the titration plan and the trial design, and JSON helpers.

These carry ldncare's extensions (``https://ldncare.org/fhir/StructureDefinition/...``), so
only ldncare's exports (or a system that copies them) have them; the reader in
:mod:`.reader` calls these functions and keeps the claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ldncare.core.dosing.plan import PlanError, to_decimal
from ldncare.core.fhir.codes import EXT, UCUM
from ldncare.core.fhir.record import PlanStep, PrescribedPlan
from ldncare.core.fhir.results import FhirImportError
from ldncare.core.response import TrialDesign

__all__ = ["codes_in", "extensions_of", "mg_at", "read_plan", "read_trial"]

def codes_in(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, Mapping):
        return []
    return [c["code"] for c in concept.get("coding", []) if c.get("system") == system and "code" in c]

def extensions_of(resource: Mapping, url: str) -> list[Mapping]:
    return [e for e in resource.get("extension", []) if e.get("url") == url]

def _one(resource: Mapping, url: str, key: str, where: str) -> Any:
    found = extensions_of(resource, url)
    if not found or key not in found[0]:
        raise FhirImportError(where, f"extension {url} ({key}) is missing")
    return found[0][key]

def _decimal(value: Any, where: str) -> Decimal:
    try:
        return to_decimal(value, where)
    except PlanError as exc:
        raise FhirImportError(where, str(exc)) from None

def mg_at(quantity: Any, where: str) -> Decimal:
    """The value of a Quantity in milligrams: UCUM code ``mg``, or the unit written as mg (any code system)."""
    if not isinstance(quantity, Mapping):
        raise FhirImportError(where, "a quantity in mg is needed")
    code, unit = quantity.get("code"), quantity.get("unit")
    ucum_mg = code == "mg" and quantity.get("system") in (UCUM, None)
    written_mg = isinstance(unit, str) and unit.strip().lower() in ("mg", "milligram", "milligrams")
    if not (ucum_mg or written_mg):
        raise FhirImportError(where, f"unit {code if code is not None else unit!r} is not allowed; allowed: mg")
    if quantity.get("comparator") is not None:
        raise FhirImportError(where, f"a dose {quantity['comparator']} {quantity.get('value')} mg is not an exact dose")
    return _decimal(quantity.get("value"), f"{where}.value")


def read_plan(resource: Mapping, medication: Mapping | None, where: str) -> PrescribedPlan:
    """The titration plan of an ldncare MedicationRequest (its ``plan-protocol`` extension present)."""
    strength = (((medication or {}).get("ingredient") or [{}])[0]).get("strength")
    steps = []
    dosages = sorted(enumerate(resource.get("dosageInstruction", [])), key=lambda d: d[1].get("sequence", 0))
    for n, dosage in dosages:
        here = f"{where}.dosageInstruction[{n}]"
        repeat = dosage.get("timing", {}).get("repeat", {})
        bounds, times = repeat.get("boundsPeriod", {}), repeat.get("timeOfDay", [])
        if not bounds.get("start") or len(times) != 1 or not dosage.get("doseAndRate"):
            raise FhirImportError(here, "a plan step needs timing.repeat.boundsPeriod.start, one "
                                        "timeOfDay and doseAndRate[0].doseQuantity")
        device = [e["valueCoding"] for e in extensions_of(dosage, EXT.step_device) if "valueCoding" in e]
        volume = [e["valueQuantity"].get("value") for e in extensions_of(dosage, EXT.step_volume) if "valueQuantity" in e]
        try:
            steps.append(PlanStep(
                start_date=bounds["start"][:10], end_date=bounds["end"][:10] if bounds.get("end") else None,
                dose_mg=mg_at(dosage["doseAndRate"][0].get("doseQuantity"), f"{here}.doseAndRate[0].doseQuantity"),
                time=times[0][:5], volume_ml=_decimal(volume[0], f"{here}.extension") if volume else None,
                device=device[0].get("code") if device else None,
                device_name=device[0].get("display") if device else None))
        except ValidationError as exc:
            raise FhirImportError(here, exc.errors()[0]["msg"]) from None
    max_mg = dosages[0][1].get("maxDosePerPeriod", {}).get("numerator") if dosages else None
    weight = extensions_of(resource, EXT.plan_body_weight)
    name, timing = extensions_of(resource, EXT.plan_protocol_name), extensions_of(resource, EXT.plan_timing)
    try:
        plan = PrescribedPlan(
            protocol=_one(resource, EXT.plan_protocol, "valueCode", where),
            protocol_name=name[0].get("valueString") if name else None,
            target_mg=mg_at(_one(resource, EXT.plan_target_dose, "valueQuantity", where), f"{where}.extension"),
            max_mg=mg_at(max_mg, f"{where}.dosageInstruction[0].maxDosePerPeriod.numerator") if max_mg else None,
            concentration_mg_per_ml=(mg_at(strength["numerator"], "Medication.ingredient[0].strength.numerator")
                                     if strength and "numerator" in strength else None),
            timing=timing[0].get("valueCode") if timing else None,
            weight_kg=_decimal(weight[0]["valueQuantity"].get("value"), f"{where}.extension") if weight else None,
            steps=tuple(steps))
    except ValidationError as exc:
        raise FhirImportError(where, exc.errors()[0]["msg"]) from None
    return plan

def read_trial(resource: Mapping, trial_id: str, where: str) -> TrialDesign:
    """The blinded n-of-1 design of an ldncare ResearchStudy (its n-of-1-trial identifier present)."""
    periods = []
    for period in extensions_of(resource, EXT.trial_period):
        parts = {e["url"]: e for e in period.get("extension", [])}
        try:
            periods.append({"number": parts["number"]["valueInteger"], "pair": parts["pair"]["valueInteger"],
                            "bottle": parts["bottle"]["valueString"],
                            "start_date": parts["period"]["valuePeriod"]["start"][:10],
                            "end_date": parts["period"]["valuePeriod"]["end"][:10],
                            "analysis_start": parts["analysisStart"]["valueDate"]})
        except KeyError as exc:
            raise FhirImportError(f"{where}.extension", f"trial period lacks {exc.args[0]}") from None
    try:
        trial = TrialDesign(
            trial_id=trial_id, pairs=_one(resource, EXT.trial_pairs, "valueInteger", where),
            period_weeks=_one(resource, EXT.trial_period_weeks, "valueInteger", where),
            discard_days=_one(resource, EXT.trial_discard_days, "valueInteger", where),
            dose_mg=float(mg_at(_one(resource, EXT.trial_dose, "valueQuantity", where), f"{where}.extension")),
            periods=tuple(periods))
    except ValidationError as exc:
        raise FhirImportError(where, exc.errors()[0]["msg"]) from None
    return trial
