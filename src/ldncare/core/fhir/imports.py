"""Import a FHIR R4B Bundle back into a :class:`~ldncare.core.fhir.record.PatientRecord`.

All or nothing: the bundle is validated with ``fhir.resources`` and every ``urn:uuid``
reference must resolve before anything is mapped; the first problem raises
:class:`FhirImportError` with its path (``entry[3].resource.valueInteger: ...``). Resources
ldncare does not map (other resource types, or codes outside its mapping) are listed in
:attr:`ImportResult.unknown`, never dropped silently.

>>> import datetime as dt
>>> from ldncare.core.fhir.export import export_bundle
>>> from ldncare.core.fhir.record import PatientRecord
>>> from ldncare.core.response import parse_diary
>>> record = PatientRecord(pseudonym="p-1", diary=parse_diary("date,ldn_dose_mg,pain\\n2026-01-05,1.5,4\\n"))
>>> bundle = export_bundle(record, recorded=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
>>> import_bundle(bundle.model_dump_json()).record == record
True
>>> import_bundle('{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
...               '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueInteger": "six"}}]}')
Traceback (most recent call last):
...
ldncare.core.fhir.imports.FhirImportError: entry[0].resource.valueInteger: Input should be a valid integer, unable to parse string as an integer
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ldncare.core.dosing.plan import PlanError, to_decimal
from ldncare.core.fhir.bundle import unresolved_references
from ldncare.core.fhir.codes import (
    ADVERSE_EVENT_SEVERITY,
    CONDITION,
    DIARY_OUTCOME,
    EXT,
    ICD10CM,
    PSEUDONYM,
    SIDE_EFFECT,
    TRIAL_ID,
    InvalidCodeError,
    check_icd10cm,
)
from ldncare.core.fhir.record import ConditionEntry, PatientRecord, PlanStep, PrescribedPlan
from ldncare.core.fhir.resources import Bundle, model_class
from ldncare.core.knowledge import UnknownSideEffectError, load_conditions, resolve_side_effect
from ldncare.core.response import CORE_OUTCOMES, Diary, DiaryDay, DiaryFormatError, TrialDesign
from ldncare.core.response.diary import (
    PHASES,
    SEVERITIES,
    format_diary,
    parse_diary,
    parse_period_label,
)

__all__ = ["MAPPED_TYPES", "FhirImportError", "ImportResult", "import_bundle"]

MAPPED_TYPES = ("Patient", "Condition", "Medication", "MedicationRequest", "List", "Observation",
                "MedicationAdministration", "AdverseEvent", "ResearchStudy", "ResearchSubject", "Device",
                "Provenance")
"""Resource types ldncare reads (Device and Provenance are recognised and not stored)."""


class FhirImportError(ValueError):
    """A bundle that cannot be imported; ``path`` is where the first problem is."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The restored record, what was read (resource type → count) and what was not mapped."""

    record: PatientRecord
    imported: Mapping[str, int]
    unknown: tuple[str, ...]


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _codes(concept: Mapping | None, system: str) -> list[str]:
    return [c["code"] for c in (concept or {}).get("coding", []) if c.get("system") == system and "code" in c]


def _extensions(resource: Mapping, url: str) -> list[Mapping]:
    return [e for e in resource.get("extension", []) if e.get("url") == url]


def _one(resource: Mapping, url: str, key: str, where: str) -> Any:
    found = _extensions(resource, url)
    if not found:
        raise FhirImportError(where, f"extension {url} is missing")
    return found[0][key]


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return to_decimal(value, where)
    except PlanError as exc:
        raise FhirImportError(where, str(exc)) from None


def _mg(quantity: Mapping, where: str) -> Decimal:
    if quantity.get("code", quantity.get("unit")) != "mg":
        raise FhirImportError(where, f"unit {quantity.get('code', quantity.get('unit'))!r} is not allowed; allowed: mg")
    return _decimal(quantity.get("value"), f"{where}.value")


def import_bundle(source: str | bytes | Mapping[str, Any]) -> ImportResult:
    """Validate and map a FHIR Bundle (JSON text or parsed JSON); :class:`FhirImportError` if malformed."""
    if isinstance(source, str | bytes):
        try:
            source = json.loads(source)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FhirImportError("", f"not JSON: {exc}") from None
    if not isinstance(source, Mapping) or source.get("resourceType") != "Bundle":
        raise FhirImportError("resourceType", "expected a FHIR Bundle (resourceType 'Bundle')")
    for i, entry in enumerate(source.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if isinstance(resource, Mapping):
            try:
                model_class(str(resource.get("resourceType")))
            except LookupError as exc:
                raise FhirImportError(f"entry[{i}].resource.resourceType", str(exc)) from None
    try:
        bundle = Bundle.model_validate(source)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FhirImportError(_path(first["loc"]), first["msg"]) from None
    data = json.loads(bundle.model_dump_json(exclude_none=True))
    dangling = unresolved_references(data)
    if dangling:
        path, ref = dangling[0]
        raise FhirImportError(f"{path}.reference", f"{ref!r} names no entry of the bundle")
    return _Reader(data).read()


class _Reader:
    def __init__(self, data: Mapping) -> None:
        self.entries = [(i, e.get("fullUrl"), e.get("resource")) for i, e in enumerate(data.get("entry", []))]
        self.by_url = {url: resource for _, url, resource in self.entries if url}
        self.unknown: list[str] = []
        self.imported: Counter[str] = Counter()

    def skip(self, i: int, resource: Mapping, why: str) -> None:
        self.unknown.append(f"entry[{i}] {resource['resourceType']}/{resource.get('id', '?')}: {why}")

    def read(self) -> ImportResult:
        handlers = {"Patient": self.patient, "Condition": self.condition, "MedicationRequest": self.request,
                    "Observation": self.observation, "MedicationAdministration": self.administration,
                    "AdverseEvent": self.adverse_event, "ResearchStudy": self.study, "List": self.diary_list}
        self.pseudonyms: list[str] = []
        self.conditions: list[ConditionEntry] = []
        self.plans: list[PrescribedPlan] = []
        self.trials: list[TrialDesign] = []
        self.days: dict[dt.date, dict[str, Any]] = {}
        self.outcomes: list[str] | None = None
        for i, _url, resource in self.entries:
            if resource is None:
                self.unknown.append(f"entry[{i}]: no resource (only a fullUrl, request or response)")
                continue
            kind = resource["resourceType"]
            if kind not in MAPPED_TYPES:
                self.skip(i, resource, "resource type not mapped by ldncare")
                continue
            handler = handlers.get(kind)
            if handler is None or handler(i, resource, f"entry[{i}].resource") is not False:
                self.imported[kind] += 1
        if len(self.pseudonyms) > 1:
            raise FhirImportError("entry", f"{len(self.pseudonyms)} patients in one bundle; allowed: one")
        for name, found in (("MedicationRequest (titration plan)", self.plans), ("ResearchStudy (n-of-1 trial)", self.trials)):
            if len(found) > 1:
                raise FhirImportError("entry", f"{len(found)} of {name}; allowed: at most one")
        record = PatientRecord(pseudonym=self.pseudonyms[0] if self.pseudonyms else "anonymous",
                               conditions=tuple(self.conditions), plan=self.plans[0] if self.plans else None,
                               diary=self.diary(), trial=self.trials[0] if self.trials else None)
        return ImportResult(record=record, imported=dict(self.imported), unknown=tuple(self.unknown))

    def patient(self, i: int, resource: Mapping, where: str) -> None:
        values = [x["value"] for x in resource.get("identifier", []) if x.get("system") == PSEUDONYM and x.get("value")]
        self.pseudonyms.append(values[0] if values else resource.get("id", "anonymous"))

    def condition(self, i: int, resource: Mapping, where: str) -> bool:
        icd = _codes(resource.get("code"), ICD10CM)
        ids = _codes(resource.get("code"), CONDITION)
        known = {c.id: c for c in load_conditions()}
        for code in icd:
            try:
                check_icd10cm(code)
            except InvalidCodeError as exc:
                raise FhirImportError(f"{where}.code", str(exc)) from None
        if not ids:
            ids = [c.id for c in known.values() if set(c.icd10) & set(icd)][:1]
        if not ids or ids[0] not in known or not icd:
            self.skip(i, resource, "condition not in ldncare's list (needs an ICD-10-CM code ldncare knows)")
            return False
        self.conditions.append(ConditionEntry(id=ids[0], icd10=icd[0]))
        return True

    def request(self, i: int, resource: Mapping, where: str) -> bool:
        if not _extensions(resource, EXT.plan_protocol):
            self.skip(i, resource, "not an ldncare titration plan (no plan-protocol extension)")
            return False
        medication = self.by_url.get(resource.get("medicationReference", {}).get("reference"))
        strength = ((medication or {}).get("ingredient") or [{}])[0].get("strength")
        steps = []
        dosages = sorted(enumerate(resource.get("dosageInstruction", [])), key=lambda d: d[1].get("sequence", 0))
        for n, dosage in dosages:
            here = f"{where}.dosageInstruction[{n}]"
            repeat = dosage.get("timing", {}).get("repeat", {})
            bounds, times = repeat.get("boundsPeriod", {}), repeat.get("timeOfDay", [])
            if not bounds.get("start") or len(times) != 1 or not dosage.get("doseAndRate"):
                raise FhirImportError(here, "a plan step needs timing.repeat.boundsPeriod.start, one "
                                            "timeOfDay and doseAndRate[0].doseQuantity")
            device = [e["valueCoding"] for e in _extensions(dosage, EXT.step_device)]
            volume = [e["valueQuantity"]["value"] for e in _extensions(dosage, EXT.step_volume)]
            try:
                steps.append(PlanStep(
                    start_date=bounds["start"][:10], end_date=bounds["end"][:10] if bounds.get("end") else None,
                    dose_mg=_mg(dosage["doseAndRate"][0].get("doseQuantity", {}), f"{here}.doseAndRate[0].doseQuantity"),
                    time=times[0][:5],
                    volume_ml=_decimal(volume[0], f"{here}.extension") if volume else None,
                    device=device[0].get("code") if device else None,
                    device_name=device[0].get("display") if device else None))
            except ValidationError as exc:
                raise FhirImportError(here, exc.errors()[0]["msg"]) from None
        max_mg = dosages[0][1].get("maxDosePerPeriod", {}).get("numerator") if dosages else None
        weight = _extensions(resource, EXT.plan_body_weight)
        name, timing = _extensions(resource, EXT.plan_protocol_name), _extensions(resource, EXT.plan_timing)
        try:
            self.plans.append(PrescribedPlan(
                protocol=_one(resource, EXT.plan_protocol, "valueCode", where),
                protocol_name=name[0]["valueString"] if name else None,
                target_mg=_mg(_one(resource, EXT.plan_target_dose, "valueQuantity", where), f"{where}.extension"),
                max_mg=_mg(max_mg, f"{where}.dosageInstruction[0].maxDosePerPeriod.numerator") if max_mg else None,
                concentration_mg_per_ml=(_mg(strength["numerator"], "Medication.ingredient[0].strength.numerator")
                                         if strength else None),
                timing=timing[0]["valueCode"] if timing else None,
                weight_kg=_decimal(weight[0]["valueQuantity"]["value"], f"{where}.extension") if weight else None,
                steps=tuple(steps)))
        except ValidationError as exc:
            raise FhirImportError(where, exc.errors()[0]["msg"]) from None
        return True

    def day(self, value: str | None, where: str) -> dict[str, Any]:
        try:
            date = dt.date.fromisoformat((value or "")[:10])
        except ValueError:
            raise FhirImportError(where, f"{value!r} is not a date") from None
        return self.days.setdefault(date, {"date": date, "scores": {}, "side_effects": []})

    def observation(self, i: int, resource: Mapping, where: str) -> bool:
        local = _codes(resource.get("code"), DIARY_OUTCOME)
        if not local:
            self.skip(i, resource, "observation code not in ldncare's diary-outcome code system")
            return False
        code, here = local[0], f"{where}.effectiveDateTime"
        if code == "diary-day":
            day = self.day(resource.get("effectiveDateTime"), here)
            for component in resource.get("component", []):
                if "phase" in _codes(component.get("code"), DIARY_OUTCOME):
                    phase = component.get("valueString", "")
                    if phase not in PHASES and parse_period_label(phase) is None:
                        raise FhirImportError(f"{where}.component", f"unknown phase {phase!r}; allowed: {', '.join(PHASES)} "
                                                                    "or a blinded label like 'period 1, bottle A'")
                    day["phase"] = phase
            notes = [n["text"] for n in resource.get("note", []) if n.get("text")]
            if notes:
                day["notes"] = "\n".join(notes)
        elif code == "pgic":
            value = resource.get("valueInteger")
            if value is None or not 1 <= value <= 7:
                raise FhirImportError(f"{where}.valueInteger", f"PGIC {value!r}; allowed: a whole number from 1 to 7")
            self.day(resource.get("effectiveDateTime"), here)["pgic"] = value
        elif code in ("phase", "diary"):
            self.skip(i, resource, f"{code!r} is not an observation code")
            return False
        else:
            value = resource.get("valueQuantity", {}).get("value")
            if value is None or not 0 <= value <= 10:
                raise FhirImportError(f"{where}.valueQuantity.value", f"score {value!r}; allowed: a number from 0 to 10")
            self.day(resource.get("effectiveDateTime"), here)["scores"][code] = float(value)
        return True

    def administration(self, i: int, resource: Mapping, where: str) -> bool:
        taken = resource.get("effectiveDateTime")
        if taken is None:
            raise FhirImportError(f"{where}.effectiveDateTime", "a dose needs effectiveDateTime (the time taken)")
        day = self.day(taken, f"{where}.effectiveDateTime")
        if len(taken) > 10:
            day["dose_time"] = dt.datetime.fromisoformat(taken.replace("Z", "+00:00")).time().replace(second=0)
        dose = resource.get("dosage", {}).get("dose")
        if dose is not None:
            value = _mg(dose, f"{where}.dosage.dose")
            if not 0 <= value <= 50:
                raise FhirImportError(f"{where}.dosage.dose.value", f"dose {value} mg; allowed: 0 to 50 mg")
            day["ldn_dose_mg"] = float(value)
        return True

    def adverse_event(self, i: int, resource: Mapping, where: str) -> bool:
        ids = _codes(resource.get("event"), SIDE_EFFECT)
        if not ids:
            self.skip(i, resource, "event not coded with ldncare's side-effect code system")
            return False
        try:
            side_effect = resolve_side_effect(ids[0]).id
        except UnknownSideEffectError as exc:
            raise FhirImportError(f"{where}.event", str(exc)) from None
        severity = _codes(resource.get("severity"), ADVERSE_EVENT_SEVERITY)
        if not severity or severity[0] not in SEVERITIES:
            raise FhirImportError(f"{where}.severity", f"severity {severity!r}; allowed: {', '.join(SEVERITIES)}")
        self.day(resource.get("date"), f"{where}.date")["side_effects"].append((side_effect, severity[0]))
        return True

    def diary_list(self, i: int, resource: Mapping, where: str) -> bool:
        if "diary" not in _codes(resource.get("code"), DIARY_OUTCOME):
            self.skip(i, resource, "not an ldncare diary list")
            return False
        self.outcomes = [e["valueCode"] for e in _extensions(resource, EXT.diary_outcome)]
        return True

    def study(self, i: int, resource: Mapping, where: str) -> bool:
        ids = [x["value"] for x in resource.get("identifier", []) if x.get("system") == TRIAL_ID]
        if not ids:
            self.skip(i, resource, "not an ldncare n-of-1 trial")
            return False
        periods = []
        for period in _extensions(resource, EXT.trial_period):
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
            self.trials.append(TrialDesign(
                trial_id=ids[0], pairs=_one(resource, EXT.trial_pairs, "valueInteger", where),
                period_weeks=_one(resource, EXT.trial_period_weeks, "valueInteger", where),
                discard_days=_one(resource, EXT.trial_discard_days, "valueInteger", where),
                dose_mg=float(_mg(_one(resource, EXT.trial_dose, "valueQuantity", where), f"{where}.extension")),
                periods=tuple(periods)))
        except ValidationError as exc:
            raise FhirImportError(where, exc.errors()[0]["msg"]) from None
        return True

    def diary(self) -> Diary | None:
        if not self.days:
            return None
        days = tuple(DiaryDay(**{**fields, "side_effects": tuple(fields["side_effects"])})
                     for _, fields in sorted(self.days.items()))
        seen = {name for d in days for name in d.scores}
        if self.outcomes is None:
            self.outcomes = [o for o in CORE_OUTCOMES] + sorted(seen - set(CORE_OUTCOMES))
        missing = seen - set(self.outcomes)
        if missing:
            raise FhirImportError("entry", f"outcomes {sorted(missing)} are not in the diary list's outcomes")
        diary = Diary(days=days, outcomes=tuple(self.outcomes))
        try:  # the diary's own rules (the same as for a CSV file)
            parse_diary(format_diary(diary))
        except DiaryFormatError as exc:
            raise FhirImportError("entry", f"the diary is not valid: {exc}") from None
        return diary
