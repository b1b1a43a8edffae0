"""Map the resources of a validated bundle to ldncare's record, item by item, losing nothing silently.

Every value read is a *claim* on one item (``2026-03-01 pain``, ``2026-03-01 notes``,
``condition fibromyalgia``) with the place it came from. An item claimed twice is a
:class:`Conflict`, whether the values differ or not: with ``on_conflict="refuse"`` the import
stops and lists every conflict; with ``"keep-first"`` the first claim (in bundle order) is kept
and every other one is listed. What ldncare does not map is listed in ``unknown``; what it
stores in another form (a category code made a leaf code) is listed in ``adjusted``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ldncare.core.fhir.care_reader import codes_in, extensions_of, mg_at, read_plan, read_trial
from ldncare.core.fhir.codes import (
    ADVERSE_EVENT_SEVERITY,
    CONDITION,
    DIARY_OUTCOME,
    EXT,
    ICD10CM,
    PSEUDONYM,
    SIDE_EFFECT,
    SYMPTOM_TEXT,
    TRIAL_ID,
    UCUM,
    InvalidCodeError,
    check_icd10cm,
    is_billable_icd10cm,
    is_naltrexone,
    outcome_of,
)
from ldncare.core.fhir.record import (
    ConditionEntry,
    PatientRecord,
    PrescribedPlan,
    other_condition_problem,
)
from ldncare.core.fhir.references import AmbiguousReferenceError, Resolver
from ldncare.core.fhir.results import Conflict, FhirImportError, ImportConflictError, ImportResult
from ldncare.core.knowledge import UnknownSideEffectError, load_conditions, resolve_side_effect
from ldncare.core.response import CORE_OUTCOMES, Diary, DiaryDay, DiaryFormatError, TrialDesign
from ldncare.core.response.diary import (
    FACTOR_PREFIX,
    MAX_DOSE_MG,
    MAX_FACTOR_VALUE,
    MAX_NOTE_CHARS,
    PHASES,
    SEVERITIES,
    diary_date_problem,
    format_diary,
    parse_diary,
    parse_period_label,
    symptom_problems,
)

__all__ = ["MAPPED_TYPES", "ON_CONFLICT", "Conflict", "FhirImportError", "ImportConflictError", "ImportResult",
           "read_bundle"]

MAPPED_TYPES = ("Patient", "Condition", "Medication", "MedicationRequest", "List", "Observation",
                "MedicationAdministration", "AdverseEvent", "ResearchStudy", "ResearchSubject", "Device",
                "Provenance")
"""Resource types ldncare reads (Medication, ResearchSubject, Device and Provenance are recognised, not stored)."""
ON_CONFLICT = ("refuse", "keep-first")
"""What to do when an item is claimed twice: refuse the bundle, or keep the first claim and list the others."""
MAX_PSEUDONYM_CHARS = 200
_PANEL = object()  # the claim of a diary-day panel on its day (two panels for one day are a duplicate)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
NOT_DATA = {"entered-in-error", "cancelled", "registered", "unknown", "not-done", "stopped", "on-hold",
            "in-progress", "preparation", "refuted"}
"""Statuses of resources that record no value to import (listed in ``unknown`` instead)."""


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else format(value, "g") if isinstance(value, float) else str(value)
    return repr(text[:60] + ("…" if len(text) > 60 else "")) if isinstance(value, str) else text


def _number_in(concept: Any) -> Decimal | None:
    """A plain number written as the text or a display of a CodeableConcept (an answer "6" of a 0-10 scale)."""
    if not isinstance(concept, Mapping):
        return None
    words = [concept.get("text")] + [c.get("display") for c in concept.get("coding", []) if isinstance(c, Mapping)]
    numbers = {Decimal(w.strip()) for w in words if isinstance(w, str) and _NUMBER.match(w.strip())}
    return numbers.pop() if len(numbers) == 1 else None


class Reader:
    """Reads one bundle (parsed, validated JSON) into a :class:`PatientRecord`."""

    def __init__(self, data: Mapping, *, on_conflict: str, latest_day: dt.date) -> None:
        self.entries = [(i, e.get("fullUrl"), e.get("resource")) for i, e in enumerate(data.get("entry", []))]
        self.resolver = Resolver([(url, resource) for _, url, resource in self.entries])
        self.on_conflict, self.latest_day = on_conflict, latest_day
        self.unknown: list[str] = []
        self.adjusted: list[str] = []
        self.imported: Counter[str] = Counter()
        self.claims: dict[tuple[dt.date | None, str], list[tuple[Any, str]]] = {}
        self.days: set[dt.date] = set()
        self.day_of: dict[int, dt.date] = {}
        self.panels: list[tuple[int, dt.date, list]] = []
        self.patients = [i for i, _, r in self.entries if isinstance(r, Mapping) and r.get("resourceType") == "Patient"]
        self.external_subjects: set[str] = set()

    # --- references ----------------------------------------------------------------------------

    def target(self, i: int, reference: Any, where: str) -> tuple[int | None, Mapping | None]:
        """The entry index and resource a Reference (JSON) names; ``(None, None)`` outside the bundle."""
        ref = reference.get("reference") if isinstance(reference, Mapping) else None
        if not isinstance(ref, str):
            return None, None
        holder = self.entries[i][2]
        if ref.startswith("#"):
            contained = [c for c in holder.get("contained", []) if c.get("id") == ref[1:]]
            return (None, contained[0]) if contained else (i, holder) if ref == "#" else (None, None)
        try:
            j = self.resolver.resolve(ref, self.entries[i][1])
        except AmbiguousReferenceError as exc:
            raise FhirImportError(f"{where}.reference", str(exc)) from None
        return (j, self.entries[j][2]) if j is not None else (None, None)

    def check_subject(self, i: int, resource: Mapping, where: str) -> None:
        for field in ("subject", "individual", "patient"):
            reference = resource.get(field)
            if not isinstance(reference, Mapping) or not isinstance(reference.get("reference"), str):
                continue
            j, target = self.target(i, reference, f"{where}.{field}")
            if j is not None and j in self.patients:
                continue
            if target is not None:
                raise FhirImportError(f"{where}.{field}.reference",
                                      f"names a {target.get('resourceType')}; allowed: the bundle's Patient")
            if self.patients:
                raise FhirImportError(f"{where}.{field}.reference",
                                      f"{reference['reference']!r} is a patient who is not in this bundle; allowed: "
                                      "records of the one patient of the bundle")
            self.external_subjects.add(reference["reference"])
            if len(self.external_subjects) > 1:
                raise FhirImportError(f"{where}.{field}.reference",
                                      f"records of {len(self.external_subjects)} patients in one bundle; allowed: one")

    # --- claims ----------------------------------------------------------------------------------

    def claim(self, date: dt.date | None, item: str, value: Any, where: str) -> None:
        self.claims.setdefault((date, item), []).append((value, where))

    def day(self, value: Any, where: str, i: int) -> dt.date:
        text = value if isinstance(value, str) else ""
        try:
            date = dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
        except ValueError:
            date = None
        if date is None:
            raise FhirImportError(where, f"{value!r} is not a full date; allowed: a date or dateTime with year, "
                                         "month and day")
        if (problem := diary_date_problem(date, latest=self.latest_day)) is not None:
            raise FhirImportError(where, problem)
        self.days.add(date)
        self.day_of[i] = date
        return date

    def effective(self, resource: Mapping, where: str) -> tuple[str, str] | None:
        """The effective time as written and its path: effectiveDateTime, effectiveInstant or effectivePeriod;
        ``None`` when the resource has none (it is then listed, a value without a day cannot be kept)."""
        for key in ("effectiveDateTime", "effectiveInstant"):
            if isinstance(resource.get(key), str):
                return resource[key], f"{where}.{key}"
        period = resource.get("effectivePeriod")
        if isinstance(period, Mapping):
            for key in ("start", "end"):
                if isinstance(period.get(key), str):
                    return period[key], f"{where}.effectivePeriod.{key}"
        return None

    def skip(self, i: int, resource: Mapping, why: str) -> bool:
        self.unknown.append(f"entry[{i}] {resource['resourceType']}/{resource.get('id', '?')}: {why}")
        return False

    # --- the whole bundle ------------------------------------------------------------------------

    def read(self) -> ImportResult:
        handlers = {"Patient": self.patient, "Condition": self.condition, "MedicationRequest": self.request,
                    "Observation": self.observation, "MedicationAdministration": self.administration,
                    "AdverseEvent": self.adverse_event, "ResearchStudy": self.study, "List": self.diary_list}
        if len(self.patients) > 1:
            raise FhirImportError("entry", f"{len(self.patients)} patients in one bundle; allowed: one")
        self.pseudonym = "anonymous"
        self.outcomes: list[str] | None = None
        for i, _url, resource in self.entries:
            if resource is None:
                self.unknown.append(f"entry[{i}]: no resource (only a fullUrl, request or response)")
                continue
            kind, where = resource["resourceType"], f"entry[{i}].resource"
            if kind not in MAPPED_TYPES:
                self.skip(i, resource, "resource type not mapped by ldncare")
                continue
            handler = handlers.get(kind)
            if handler is None or handler(i, resource, where) is not False:
                if handler is not None:  # a mapped record must be the bundle's patient's
                    self.check_subject(i, resource, where)
                self.imported[kind] += 1
        self.check_panels()
        kept, conflicts = self.settle()
        record = PatientRecord(
            pseudonym=self.pseudonym,
            conditions=tuple(ConditionEntry(id=item.split(" ", 1)[1], icd10=code)
                             for (_, item), code in kept.items() if item.startswith("condition ")),
            other_conditions=tuple(text for (_, item), text in kept.items() if item.startswith("other condition ")),
            plan=kept.get((None, "plan")), diary=self.diary(kept), trial=kept.get((None, "trial")))
        return ImportResult(record=record, imported=dict(self.imported), unknown=tuple(self.unknown),
                            conflicts=tuple(conflicts), adjusted=tuple(self.adjusted))

    def settle(self) -> tuple[dict, list[Conflict]]:
        kept, conflicts = {}, []
        for key, claims in self.claims.items():
            kept[key] = claims[0][0]
            if len(claims) > 1:
                conflicts.append(Conflict(key[0], key[1], tuple((self.shown(v), w) for v, w in claims)))
        if conflicts and self.on_conflict == "refuse":
            raise ImportConflictError(conflicts)
        return kept, conflicts

    @staticmethod
    def shown(value: Any) -> str:
        if value is _PANEL:
            return "a panel"
        if isinstance(value, ConditionEntry | PrescribedPlan | TrialDesign):
            return getattr(value, "icd10", None) or getattr(value, "protocol", None) or value.trial_id
        return _shown(value)

    def check_panels(self) -> None:
        for i, date, members in self.panels:
            for n, member in enumerate(members):
                j, _ = self.target(i, member, f"entry[{i}].resource.hasMember[{n}]")
                if j is not None and j in self.day_of and self.day_of[j] != date:
                    raise FhirImportError(f"entry[{i}].resource.hasMember[{n}]",
                                          f"the member is dated {self.day_of[j].isoformat()}, the day's panel "
                                          f"{date.isoformat()}; allowed: members of the same day")

    def diary(self, kept: Mapping) -> Diary | None:
        if not self.days:
            return None
        by_day: dict[dt.date, dict[str, Any]] = {date: {} for date in self.days}
        for (date, item), value in kept.items():
            if date is not None:
                by_day[date][item] = value
        days = []
        for date in sorted(self.days):
            items = by_day[date]
            days.append(DiaryDay(
                date=date, ldn_dose_mg=items.get("dose"), dose_time=items.get("dose time"), phase=items.get("phase"),
                scores={k.removeprefix("score "): v for k, v in items.items() if k.startswith("score ")},
                factors={k.removeprefix("factor "): v for k, v in items.items() if k.startswith("factor ")},
                pgic=items.get("pgic"), notes=items.get("notes", ""), symptom=items.get("symptom", ""),
                symptom_severity=items.get("symptom severity"),
                side_effects=tuple((k.removeprefix("side effect "), v) for k, v in items.items()
                                   if k.startswith("side effect "))))
        seen = {name for d in days for name in d.scores}
        outcomes = self.outcomes if self.outcomes is not None else (
            list(CORE_OUTCOMES) + sorted(seen - set(CORE_OUTCOMES)))
        if missing := seen - set(outcomes):
            raise FhirImportError("entry", f"outcomes {sorted(missing)} are not in the diary list's outcomes")
        factors = tuple(sorted({name for d in days for name in d.factors}))
        diary = Diary(days=tuple(days), outcomes=tuple(outcomes), factors=factors)
        try:  # the diary's own rules (the same as for a CSV file)
            parse_diary(format_diary(diary))
        except DiaryFormatError as exc:
            raise FhirImportError("entry", f"the diary is not valid: {exc}") from None
        return diary

    # --- one handler per resource type ----------------------------------------------------------------

    def patient(self, i: int, resource: Mapping, where: str) -> None:
        values = [x["value"] for x in resource.get("identifier", []) if x.get("system") == PSEUDONYM and x.get("value")]
        pseudonym = values[0] if values else resource.get("id", "anonymous")
        if len(pseudonym) > MAX_PSEUDONYM_CHARS:
            raise FhirImportError(f"{where}.identifier", f"a pseudonym of {len(pseudonym)} characters; allowed: at "
                                                          f"most {MAX_PSEUDONYM_CHARS}")
        self.pseudonym = pseudonym

    def condition(self, i: int, resource: Mapping, where: str) -> bool:
        status = codes_in(resource.get("verificationStatus"), "http://terminology.hl7.org/CodeSystem/condition-ver-status")
        if set(status) & NOT_DATA:
            return self.skip(i, resource, f"verification status {status[0]!r}: not a diagnosis to import")
        icd = codes_in(resource.get("code"), ICD10CM)
        for code in icd:
            try:
                check_icd10cm(code)
            except InvalidCodeError as exc:
                raise FhirImportError(f"{where}.code", str(exc)) from None
        known = {c.id: c for c in load_conditions()}
        ids = [c for c in codes_in(resource.get("code"), CONDITION) if c in known]
        for code in icd:
            matches = [c.id for c in known.values() if code in c.icd10 or (
                not is_billable_icd10cm(code) and any(listed.startswith(code + ".") for listed in c.icd10))]
            if ids or len(matches) == 1:
                condition = known[ids[0] if ids else matches[0]]
                stored = code if code in condition.icd10 else condition.icd10[0]
                if stored != code:
                    self.adjusted.append(f"entry[{i}] Condition/{resource.get('id', '?')}: ICD-10-CM {code} is a "
                                         f"category, not a billable code; stored as {stored} ({check_icd10cm(stored)})")
                self.claim(None, f"condition {condition.id}", stored, f"entry[{i}]")
                return True
        code = resource.get("code") if isinstance(resource.get("code"), Mapping) else {}
        text = code.get("text")
        if not code.get("coding") and isinstance(text, str) and text.strip():  # "other condition": words only
            if (problem := other_condition_problem(text.strip())) is not None:
                raise FhirImportError(f"{where}.code.text", problem)
            self.claim(None, f"other condition {text.strip()}", text.strip(), f"entry[{i}]")
            return True
        return self.skip(i, resource, "condition not in ldncare's list (needs an ICD-10-CM code ldncare lists)")

    def request(self, i: int, resource: Mapping, where: str) -> bool:
        if not extensions_of(resource, EXT.plan_protocol):
            return self.skip(i, resource, "not an ldncare titration plan (no plan-protocol extension)")
        _, medication = self.target(i, resource.get("medicationReference"), f"{where}.medicationReference")
        self.claim(None, "plan", read_plan(resource, medication, where), f"entry[{i}]")
        return True

    def observation(self, i: int, resource: Mapping, where: str) -> bool:
        if resource.get("status") in NOT_DATA:
            return self.skip(i, resource, f"status {resource['status']!r}: no value to import")
        if self.is_symptom(resource):
            return self.symptom(i, resource, where)
        code = outcome_of(resource.get("code"))
        if code in ("phase", "diary"):
            return self.skip(i, resource, f"{code!r} is not an observation code")
        if code == "diary-day":
            return self.panel(i, resource, where)
        scored = []
        if code is not None:
            scored.append((code, resource, where))
        left_out = []
        for n, component in enumerate(resource.get("component", [])):
            outcome = outcome_of(component.get("code"))
            if outcome is not None and outcome not in ("diary-day", "phase", "diary"):
                scored.append((outcome, component, f"{where}.component[{n}]"))
            else:
                left_out.append(n)
        if not scored:
            return self.skip(i, resource, "observation code not in ldncare's diary outcomes (nor LOINC 72514-3)")
        if left_out:
            self.unknown.append(f"entry[{i}] Observation/{resource.get('id', '?')}: component(s) "
                                f"{', '.join(map(str, left_out))} not mapped by ldncare")
        values = []
        for outcome, holder, here in scored:
            value, place = self.value(outcome, holder, here), f"entry[{i}]" + here.removeprefix(where)
            if value is None:
                self.unknown.append(f"{place} Observation/{resource.get('id', '?')}: {outcome} has no exact value "
                                    "(valueQuantity without a comparator, valueInteger, or a number as valueString "
                                    "or as the answer's text)")
            else:
                values.append((outcome, value, place))
        if not values:
            return False
        if (effective := self.effective(resource, where)) is None:
            return self.skip(i, resource, "no effective date (effectiveDateTime, effectiveInstant or "
                                          "effectivePeriod), so no diary day")
        date = self.day(*effective, i)
        for outcome, value, place in values:
            kind = "pgic" if outcome == "pgic" else "factor" if outcome.startswith(FACTOR_PREFIX) else "score"
            self.claim(date, "pgic" if outcome == "pgic" else f"{kind} {outcome}", value, place)
        if resource.get("note"):
            self.unknown.append(f"entry[{i}] Observation/{resource.get('id', '?')}: note not imported (ldncare keeps "
                                "notes per day, on the day's panel)")
        return True

    @staticmethod
    def is_symptom(resource: Mapping) -> bool:
        """ldncare's own Observation of a symptom in the patient's words (text-only code, the words as valueString)."""
        code = resource.get("code") or {}
        return code.get("text") == SYMPTOM_TEXT and not code.get("coding") and isinstance(resource.get("valueString"), str)

    def symptom(self, i: int, resource: Mapping, where: str) -> bool:
        if (effective := self.effective(resource, where)) is None:
            return self.skip(i, resource, "no effective date, so no diary day")
        text = resource["valueString"]
        severities = [code for component in resource.get("component", [])
                      for code in codes_in(component.get("valueCodeableConcept"), ADVERSE_EVENT_SEVERITY)]
        severity = severities[0] if severities else None
        for field, problem in symptom_problems(text, severity).items():
            raise FhirImportError(f"{where}.{'valueString' if field == 'symptom' else 'component'}", problem)
        date = self.day(*effective, i)
        self.claim(date, "symptom", text.strip(), f"entry[{i}]")
        self.claim(date, "symptom severity", severity, f"entry[{i}]")
        return True

    def value(self, outcome: str, holder: Mapping, where: str) -> float | int | None:
        """The score (or PGIC) of an Observation or component; ``None`` when it records no value."""
        if "valueInteger" in holder:
            value, at = holder["valueInteger"], f"{where}.valueInteger"
        elif isinstance(holder.get("valueQuantity"), Mapping):
            quantity, at = holder["valueQuantity"], f"{where}.valueQuantity.value"
            unit = quantity.get("code") or ""
            if quantity.get("system") == UCUM and unit != "1" and not unit.startswith("{"):
                raise FhirImportError(f"{where}.valueQuantity", f"UCUM unit {unit!r} is not a score unit; allowed: "
                                                                "none, '1' or an annotation such as '{score}'")
            value = quantity.get("value") if quantity.get("comparator") is None else None  # "<5" is not a score
        elif isinstance(holder.get("valueString"), str) and _NUMBER.match(holder["valueString"].strip()):
            value, at = Decimal(holder["valueString"].strip()), f"{where}.valueString"
        elif (number := _number_in(holder.get("valueCodeableConcept"))) is not None:
            value, at = number, f"{where}.valueCodeableConcept"
        else:
            return None
        if value is None:
            return None
        if outcome == "pgic":
            if value != int(value) or not 1 <= value <= 7:
                raise FhirImportError(at, f"PGIC {value!r}; allowed: a whole number from 1 to 7")
            return int(value)
        if outcome.startswith(FACTOR_PREFIX):  # her own factor: the diary format's range
            if not math.isfinite(float(value)) or not 0 <= value <= MAX_FACTOR_VALUE:
                raise FhirImportError(at, f"factor {value!r}; allowed: a number from 0 to {MAX_FACTOR_VALUE:,.0f}")
            return float(value)
        if not math.isfinite(float(value)) or not 0 <= value <= 10:
            raise FhirImportError(at, f"score {value!r}; allowed: a number from 0 to 10")
        return float(value)

    def panel(self, i: int, resource: Mapping, where: str) -> bool:
        if (effective := self.effective(resource, where)) is None:
            return self.skip(i, resource, "no effective date (effectiveDateTime, effectiveInstant or "
                                          "effectivePeriod), so no diary day")
        date = self.day(*effective, i)
        self.claim(date, "day panel", _PANEL, f"entry[{i}]")
        for n, component in enumerate(resource.get("component", [])):
            if "phase" in codes_in(component.get("code"), DIARY_OUTCOME):
                phase = component.get("valueString", "")
                if phase not in PHASES and parse_period_label(phase) is None:
                    raise FhirImportError(f"{where}.component[{n}]", f"unknown phase {phase!r}; allowed: "
                                          f"{', '.join(PHASES)} or a blinded label like 'period 1, bottle A'")
                self.claim(date, "phase", phase, f"entry[{i}].component[{n}]")
        notes = "\n".join(n["text"] for n in resource.get("note", []) if n.get("text"))
        if len(notes) > MAX_NOTE_CHARS:
            raise FhirImportError(f"{where}.note", f"the day's note has {len(notes)} characters; allowed: at most "
                                                   f"{MAX_NOTE_CHARS}")
        if notes:
            self.claim(date, "notes", notes, f"entry[{i}].note")
        self.panels.append((i, date, resource.get("hasMember", [])))
        return True

    def administration(self, i: int, resource: Mapping, where: str) -> bool:
        if resource.get("status") != "completed":
            return self.skip(i, resource, f"status {resource.get('status')!r}: only a completed dose is a dose taken")
        naltrexone = self.is_naltrexone_in(i, resource, where)
        if naltrexone is None:
            return self.skip(i, resource, "its medication is not in the bundle, so it cannot be told to be naltrexone")
        if not naltrexone:
            return self.skip(i, resource, "not naltrexone (ldncare records LDN doses only)")
        if (effective := self.effective(resource, where)) is None:
            return self.skip(i, resource, "no effective date (effectiveDateTime, effectiveInstant or "
                                          "effectivePeriod), so no diary day")
        taken, at = effective
        dose = (resource.get("dosage") or {}).get("dose")
        if dose is None and len(taken) <= 10:
            return self.skip(i, resource, "neither an amount (dosage.dose) nor a time of day: nothing to record "
                                          "(a blank dose in the diary means no dose taken)")
        date = self.day(taken, at, i)
        if len(taken) > 10:
            try:
                clock = dt.time.fromisoformat(taken[11:16])
            except ValueError:
                raise FhirImportError(at, f"{taken!r} has no valid time of day") from None
            self.claim(date, "dose time", clock, f"entry[{i}]")
        if dose is not None:
            value = mg_at(dose, f"{where}.dosage.dose")
            if not 0 <= value <= MAX_DOSE_MG:
                raise FhirImportError(f"{where}.dosage.dose.value", f"dose {value} mg; allowed: 0 to {MAX_DOSE_MG:g} mg")
            self.claim(date, "dose", float(value), f"entry[{i}]")
        return True

    def is_naltrexone_in(self, i: int, resource: Mapping | None, where: str) -> bool | None:
        """Whether a Medication, or the medication of a resource, is naltrexone; ``None`` if it cannot be told."""
        if not isinstance(resource, Mapping):
            return None
        if resource.get("resourceType") == "Medication":
            ingredients = [x.get("itemCodeableConcept") for x in resource.get("ingredient", [])]
            return any(is_naltrexone(c) for c in [resource.get("code"), *ingredients])
        if "medicationCodeableConcept" in resource:
            return is_naltrexone(resource["medicationCodeableConcept"])
        _, target = self.target(i, resource.get("medicationReference"), f"{where}.medicationReference")
        return self.is_naltrexone_in(i, target, where) if target is not None else None

    def adverse_event(self, i: int, resource: Mapping, where: str) -> bool:
        if resource.get("actuality") == "potential":
            return self.skip(i, resource, "a potential event, not one that happened")
        event = resource.get("event")
        ids = codes_in(event, SIDE_EFFECT)
        try:
            side_effect = resolve_side_effect(ids[0]).id if ids else None
        except UnknownSideEffectError as exc:
            raise FhirImportError(f"{where}.event", str(exc)) from None
        if side_effect is None:
            names = [event.get("text")] + [c.get("display") for c in event.get("coding", [])] if event else []
            for name in filter(None, names):
                try:
                    side_effect = resolve_side_effect(name).id
                    break
                except UnknownSideEffectError:
                    continue
        if side_effect is None:
            return self.skip(i, resource, "event not a side effect ldncare knows (by code or name)")
        suspects = [self.is_naltrexone_in(i, self.target(i, x.get("instance"), f"{where}.suspectEntity")[1], where)
                    for x in resource.get("suspectEntity", [])]
        if suspects and not any(suspects):
            return self.skip(i, resource, "not attributed to naltrexone (the suspected medicine is another one, or "
                                          "not in the bundle)")
        severity = codes_in(resource.get("severity"), ADVERSE_EVENT_SEVERITY)
        if not severity:
            return self.skip(i, resource, "no severity (mild, moderate or severe) to record it with")
        if severity[0] not in SEVERITIES:
            raise FhirImportError(f"{where}.severity", f"severity {severity[0]!r}; allowed: {', '.join(SEVERITIES)}")
        key = "date" if "date" in resource else "detected"
        if key not in resource:
            return self.skip(i, resource, "no date (date or detected), so no diary day")
        date = self.day(resource.get(key), f"{where}.{key}", i)
        self.claim(date, f"side effect {side_effect}", severity[0], f"entry[{i}]")
        return True

    def diary_list(self, i: int, resource: Mapping, where: str) -> bool:
        if "diary" not in codes_in(resource.get("code"), DIARY_OUTCOME):
            return self.skip(i, resource, "not an ldncare diary list")
        outcomes = [e.get("valueCode") for e in extensions_of(resource, EXT.diary_outcome)]
        if self.outcomes is not None and outcomes != self.outcomes:
            raise FhirImportError(f"{where}.extension", "two diary lists with different outcomes; allowed: one")
        self.outcomes = outcomes
        return True


    def study(self, i: int, resource: Mapping, where: str) -> bool:
        ids = [x["value"] for x in resource.get("identifier", []) if x.get("system") == TRIAL_ID]
        if not ids:
            return self.skip(i, resource, "not an ldncare n-of-1 trial")
        self.claim(None, "trial", read_trial(resource, ids[0], where), f"entry[{i}]")
        return True


def read_bundle(data: Mapping, *, on_conflict: str, latest_day: dt.date) -> ImportResult:
    """Map a validated bundle (parsed JSON, references checked) to an :class:`ImportResult`."""
    return Reader(data, on_conflict=on_conflict, latest_day=latest_day).read()

