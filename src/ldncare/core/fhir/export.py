"""Export a :class:`~ldncare.core.fhir.record.PatientRecord` as a FHIR R4B collection Bundle.

The mapping (each row is documented in ``docs/interoperability.md``):

* Patient: pseudonymous, only an identifier in the ldncare pseudonym naming system.
* Condition: ICD-10-CM code (checked with ``simple-icd-10-cm``) and the ldncare condition id; a
  condition beyond ldncare's library ("other condition") as ``code.text`` only, in the person's words,
  with no coding (none is invented).
* Medication: the compounded LDN oral liquid with its strength (mg per mL), coded RxNorm 7243
  (naltrexone) and, for its ingredient, UNII Z6375YW9SF (naltrexone hydrochloride), with
  ldncare's local code alongside.
* MedicationRequest: the titration plan, one ``dosageInstruction`` per step with
  ``timing.repeat.boundsPeriod`` (first and last day), ``timeOfDay`` and the dose in mg (UCUM).
* List (the diary) → one Observation panel per day (phase, notes) with member Observations
  for the scores (LOINC 72514-3 for pain, local codes otherwise, ``outcome:<name>`` for the person's
  own outcomes), her own factors (local code ``factor:<name>``, unit ``1``; her words as the text) and PGIC.
* MedicationAdministration: a logged dose, ``effectiveDateTime`` = the time taken.
* AdverseEvent: a reported side effect (ldncare side-effect code, HL7 severity).
* Observation (text only): a symptom in the patient's own words ("Something else?"), the words as
  ``valueString`` and its severity (HL7 adverse-event severity) as a component; no code is invented
  for it and it is not attributed to the medication.
* ResearchStudy + ResearchSubject: the blinded n-of-1 design (periods, bottles), no allocation.
* Provenance: the diary entered by the patient; everything assembled by ldncare.

Constructing the ``fhir.resources`` models validates every resource; identities are
``urn:uuid`` UUIDs derived from the pseudonym, so the same record gives the same bundle.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ldncare.core.fhir.bundle import stable_id, unresolved_references, urn
from ldncare.core.fhir.codes import (
    ADVERSE_EVENT_SEVERITY,
    BASE,
    CONDITION,
    DIARY_OUTCOME,
    EXT,
    ICD10CM,
    MEDICATION,
    NALTREXONE_HCL_UNII,
    NALTREXONE_RXNORM,
    PARTICIPANT_TYPE,
    PSEUDONYM,
    RXNORM,
    SIDE_EFFECT,
    SYMPTOM_TEXT,
    TRIAL_ID,
    UCUM,
    UNII,
    check_icd10cm,
    outcome_codings,
)
from ldncare.core.fhir.record import PatientRecord, PrescribedPlan
from ldncare.core.fhir.resources import (
    AdverseEvent,
    Bundle,
    CodeableConcept,
    Coding,
    Condition,
    Device,
    Dosage,
    Extension,
    FHIRResourceModel,
    Identifier,
    List,
    Medication,
    MedicationAdministration,
    MedicationRequest,
    Observation,
    Patient,
    Provenance,
    Quantity,
    Reference,
    ResearchStudy,
    ResearchSubject,
)
from ldncare.core.knowledge import load_conditions, resolve_side_effect
from ldncare.core.response import Diary, DiaryDay, TrialDesign
from ldncare.core.text import strip_control_characters

__all__ = ["MEDICATION_CODE", "MEDICATION_DISPLAY", "ExportError", "export_bundle"]

MEDICATION_CODE = "ldn-compounded"
MEDICATION_DISPLAY = "Low-dose naltrexone hydrochloride, compounded oral liquid"
DEVICE_SYSTEM = f"{BASE}/CodeSystem/measuring-device"
SURVEY = Coding(system="http://terminology.hl7.org/CodeSystem/observation-category", code="survey", display="Survey")


class ExportError(ValueError):
    """A record that cannot be exported (the message says what and what is allowed)."""


def _mg(value: Decimal | float) -> Quantity:
    return Quantity(value=_decimal(value), unit="mg", system=UCUM, code="mg")


def _decimal(value: Decimal | float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def _ref(resource: FHIRResourceModel) -> Reference:
    return Reference(reference=urn(resource.id), type=resource.get_resource_type())


def _coded(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


class _Builder:
    def __init__(self, record: PatientRecord, zone: ZoneInfo) -> None:
        self.record, self.zone = record, zone
        self.entries: list[FHIRResourceModel] = []
        self.diary_targets: list[FHIRResourceModel] = []
        self.care_targets: list[FHIRResourceModel] = []

    def id(self, *parts: object) -> str:
        return stable_id(self.record.pseudonym, *parts)

    def add(self, resource: FHIRResourceModel, *, diary: bool = False, care: bool = False) -> FHIRResourceModel:
        self.entries.append(resource)
        if diary:
            self.diary_targets.append(resource)
        if care:
            self.care_targets.append(resource)
        return resource


def export_bundle(record: PatientRecord, *, timezone: str = "UTC", recorded: dt.datetime | None = None,
                  prescriber: str | None = None) -> Bundle:
    """The patient's record as a FHIR R4B ``collection`` Bundle.

    ``timezone`` (an IANA name) is where the diary's wall-clock dose times were taken: FHIR
    needs an offset on every time. ``recorded`` (timezone-aware; default now) stamps the
    Bundle and the Provenance. ``prescriber`` names who wrote the plan, if known.

    >>> import datetime as dt
    >>> from ldncare.core.response import parse_diary
    >>> diary = parse_diary("date,ldn_dose_mg,dose_time,pain\\n2026-01-05,1.5,22:30,4\\n")
    >>> bundle = export_bundle(PatientRecord(pseudonym="p-1", diary=diary),
    ...                        recorded=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    >>> sorted({e.resource.get_resource_type() for e in bundle.entry})
    ['Device', 'List', 'Medication', 'MedicationAdministration', 'Observation', 'Patient', 'Provenance']
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportError(f"unknown time zone {timezone!r}; allowed: an IANA name such as Europe/Amsterdam or UTC") from None
    prescriber = strip_control_characters(prescriber) if prescriber else prescriber
    recorded = recorded or dt.datetime.now(dt.UTC)
    if recorded.tzinfo is None:
        raise ExportError("the recorded time needs a time zone")
    b = _Builder(record, zone)
    patient = b.add(Patient(id=b.id("patient"), identifier=[Identifier(system=PSEUDONYM, value=record.pseudonym)]))
    device = b.add(Device(id=b.id("device"), deviceName=[{"name": "ldncare", "type": "user-friendly-name"}],
                          type=CodeableConcept(text="software application")))
    names = {c.id: c.name for c in load_conditions()}
    for entry in record.conditions:
        display = check_icd10cm(entry.icd10)
        b.add(Condition(
            id=b.id("condition", entry.id, entry.icd10), subject=_ref(patient),
            code=CodeableConcept(coding=[Coding(system=ICD10CM, code=entry.icd10, display=display),
                                         Coding(system=CONDITION, code=entry.id, display=names.get(entry.id))],
                                 text=names.get(entry.id, entry.id))), care=True)
    for text in record.other_conditions:  # beyond the library: the person's words, no coding (none is known)
        b.add(Condition(id=b.id("condition", "other", text), subject=_ref(patient), code=CodeableConcept(text=text)),
              care=True)
    medication = b.add(_medication(b, record.plan), care=True)
    request = b.add(_request(b, record.plan, patient, medication, prescriber), care=True) if record.plan else None
    if record.diary is not None:
        _diary(b, record.diary, patient, medication, request)
    if record.trial is not None:
        study = b.add(_study(b, record.trial), care=True)
        b.add(ResearchSubject(id=b.id("trial", record.trial.trial_id, "subject"), status="on-study",
                              study=_ref(study), individual=_ref(patient)), care=True)
    stamp = recorded.isoformat()
    assembler = {"type": _coded(PARTICIPANT_TYPE, "assembler", "Assembler"), "who": _ref(device)}
    if b.diary_targets:
        b.add(Provenance(id=b.id("provenance", "diary"), target=[_ref(r) for r in b.diary_targets], recorded=stamp,
                         agent=[{"type": _coded(PARTICIPANT_TYPE, "author", "Author"), "who": _ref(patient)},
                                assembler]))
    if b.care_targets:
        agents = [assembler]
        if prescriber:
            agents.insert(0, {"type": _coded(PARTICIPANT_TYPE, "author", "Author"), "who": {"display": prescriber}})
        b.add(Provenance(id=b.id("provenance", "care"), target=[_ref(r) for r in b.care_targets], recorded=stamp,
                         agent=agents))
    bundle = Bundle(id=b.id("bundle"), type="collection", timestamp=stamp,
                    entry=[{"fullUrl": urn(r.id), "resource": r} for r in b.entries])
    dangling = unresolved_references(bundle)
    if dangling:  # pragma: no cover - a mapping bug, never input
        raise AssertionError(f"unresolved references in the exported bundle: {dangling}")
    return bundle


def _medication(b: _Builder, plan: PrescribedPlan | None) -> Medication:
    # Standard codes first (an interaction checker sees an opioid antagonist), the local code kept alongside.
    salt = CodeableConcept(coding=[Coding(system=UNII, code=NALTREXONE_HCL_UNII[0], display=NALTREXONE_HCL_UNII[1])],
                           text="naltrexone hydrochloride")
    ingredient = {"itemCodeableConcept": salt, "isActive": True}
    if plan is not None and plan.concentration_mg_per_ml is not None:
        ingredient["strength"] = {"numerator": _mg(plan.concentration_mg_per_ml),
                                  "denominator": Quantity(value=1, unit="mL", system=UCUM, code="mL")}
    return Medication(id=b.id("medication"),
                      code=CodeableConcept(coding=[Coding(system=RXNORM, code=NALTREXONE_RXNORM[0], display=NALTREXONE_RXNORM[1]),
                                                   Coding(system=MEDICATION, code=MEDICATION_CODE, display=MEDICATION_DISPLAY)],
                                           text=MEDICATION_DISPLAY),
                      form=CodeableConcept(text="oral liquid (compounded)"), ingredient=[ingredient])


def _request(b: _Builder, plan: PrescribedPlan, patient: Patient, medication: Medication,
             prescriber: str | None) -> MedicationRequest:
    extension = [
        Extension(url=EXT.plan_protocol, valueCode=plan.protocol),
        Extension(url=EXT.plan_target_dose, valueQuantity=_mg(plan.target_mg)),
    ]
    if plan.protocol_name is not None:
        extension.append(Extension(url=EXT.plan_protocol_name, valueString=plan.protocol_name))
    if plan.timing is not None:
        extension.append(Extension(url=EXT.plan_timing, valueCode=plan.timing))
    if plan.weight_kg is not None:
        extension.append(Extension(url=EXT.plan_body_weight,
                                   valueQuantity=Quantity(value=plan.weight_kg, unit="kg", system=UCUM, code="kg")))
    dosages = []
    for number, step in enumerate(plan.steps, start=1):
        step_extension = []
        if step.volume_ml is not None:
            step_extension.append(Extension(url=EXT.step_volume, valueQuantity=Quantity(
                value=step.volume_ml, unit="mL", system=UCUM, code="mL")))
        if step.device is not None:
            step_extension.append(Extension(url=EXT.step_device, valueCoding=Coding(
                system=DEVICE_SYSTEM, code=step.device, display=step.device_name)))
        dosages.append(Dosage(
            sequence=number, extension=step_extension or None,
            text=(f"{step.dose_mg} mg" + (f" ({step.volume_ml} mL)" if step.volume_ml is not None else "")
                  + f" by mouth once daily at {step.time}, from {step.start_date.isoformat()}"
                  + (f" to {step.end_date.isoformat()}" if step.end_date else "")),
            timing={"repeat": {"boundsPeriod": {"start": step.start_date.isoformat(),
                                                "end": step.end_date.isoformat() if step.end_date else None},
                               "frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": [f"{step.time}:00"]}},
            route=CodeableConcept(text="by mouth"),
            doseAndRate=[{"doseQuantity": _mg(step.dose_mg)}],
            maxDosePerPeriod=None if plan.max_mg is None else {
                "numerator": _mg(plan.max_mg), "denominator": Quantity(value=1, unit="d", system=UCUM, code="d")},
        ))
    return MedicationRequest(
        id=b.id("medication-request"), status="active", intent="order", subject=_ref(patient),
        medicationReference=_ref(medication), extension=extension, dosageInstruction=dosages,
        requester={"display": prescriber} if prescriber else None,
        note=[{"text": "Titration plan from ldncare. Not medical advice: the prescriber decides every dose."}])


def _diary(b: _Builder, diary: Diary, patient: Patient, medication: Medication,
           request: MedicationRequest | None) -> None:
    panels = []
    for day in diary.days:
        panels.append(_day(b, day, patient, medication, request))
    b.add(List(id=b.id("diary"), status="current", mode="working", title="ldncare diary",
               code=_coded(DIARY_OUTCOME, "diary", "diary"), subject=_ref(patient),
               extension=[Extension(url=EXT.diary_outcome, valueCode=o) for o in diary.outcomes] or None,
               entry=[{"item": _ref(p)} for p in panels]), diary=True)


def _day(b: _Builder, day: DiaryDay, patient: Patient, medication: Medication,
         request: MedicationRequest | None) -> Observation:
    date = day.date.isoformat()
    members = []
    for outcome, score in day.scores.items():
        members.append(b.add(Observation(
            id=b.id("day", date, "score", outcome), status="final", category=[CodeableConcept(coding=[SURVEY])],
            code=CodeableConcept(coding=outcome_codings(outcome),
                                 text=b.record.names.get(outcome) or outcome.replace("_", " ")),
            subject=_ref(patient), effectiveDateTime=date,
            valueQuantity=Quantity(value=_decimal(score), unit="{score}", system=UCUM, code="{score}")), diary=True))
    for factor, number in day.factors.items():  # her own factors: local code factor:<name>, her words as text
        members.append(b.add(Observation(
            id=b.id("day", date, "factor", factor), status="final", category=[CodeableConcept(coding=[SURVEY])],
            code=CodeableConcept(coding=[Coding(system=DIARY_OUTCOME, code=factor, display=factor.replace("_", " "))],
                                 text=b.record.names.get(factor) or factor.replace("_", " ")),
            subject=_ref(patient), effectiveDateTime=date,
            valueQuantity=Quantity(value=_decimal(number), unit="1", system=UCUM, code="1")), diary=True))
    if day.pgic is not None:
        members.append(b.add(Observation(
            id=b.id("day", date, "pgic"), status="final", category=[CodeableConcept(coding=[SURVEY])],
            code=CodeableConcept(coding=[Coding(system=DIARY_OUTCOME, code="pgic",
                                                display="Patient Global Impression of Change (1-7)")]),
            subject=_ref(patient), effectiveDateTime=date, valueInteger=day.pgic), diary=True))
    panel = Observation(
        id=b.id("day", date), status="final", category=[CodeableConcept(coding=[SURVEY])],
        code=_coded(DIARY_OUTCOME, "diary-day", "diary day"), subject=_ref(patient), effectiveDateTime=date,
        hasMember=[_ref(m) for m in members] or None,
        component=[{"code": _coded(DIARY_OUTCOME, "phase", "phase"), "valueString": day.phase}] if day.phase else None,
        note=[{"text": notes}] if (notes := strip_control_characters(day.notes)) else None)
    b.add(panel, diary=True)
    if day.ldn_dose_mg is not None or day.dose_time is not None:
        taken = date if day.dose_time is None else dt.datetime.combine(day.date, day.dose_time, b.zone).isoformat()
        b.add(MedicationAdministration(
            id=b.id("day", date, "dose"), status="completed", medicationReference=_ref(medication),
            subject=_ref(patient), effectiveDateTime=taken, request=_ref(request) if request else None,
            dosage={"dose": _mg(day.ldn_dose_mg)} if day.ldn_dose_mg is not None else None), diary=True)
    for side_effect, severity in day.side_effects:
        b.add(AdverseEvent(
            id=b.id("day", date, "side-effect", side_effect), actuality="actual", subject=_ref(patient),
            date=date, recorder=_ref(patient),
            event=_coded(SIDE_EFFECT, side_effect, resolve_side_effect(side_effect).name),
            severity=_coded(ADVERSE_EVENT_SEVERITY, severity, severity.capitalize()),
            suspectEntity=[{"instance": _ref(medication)}]), diary=True)
    if symptom := strip_control_characters(day.symptom):
        b.add(Observation(
            id=b.id("day", date, "symptom"), status="final", category=[CodeableConcept(coding=[SURVEY])],
            code=CodeableConcept(text=SYMPTOM_TEXT), subject=_ref(patient), effectiveDateTime=date,
            valueString=symptom,
            component=[{"code": CodeableConcept(text="severity"),
                        "valueCodeableConcept": _coded(ADVERSE_EVENT_SEVERITY, day.symptom_severity,
                                                       day.symptom_severity.capitalize())}]
            if day.symptom_severity else None), diary=True)
    return panel


def _study(b: _Builder, trial: TrialDesign) -> ResearchStudy:
    periods = [
        Extension(url=EXT.trial_period, extension=[
            Extension(url="number", valueInteger=p.number),
            Extension(url="pair", valueInteger=p.pair),
            Extension(url="bottle", valueString=p.bottle),
            Extension(url="period", valuePeriod={"start": p.start_date.isoformat(), "end": p.end_date.isoformat()}),
            Extension(url="analysisStart", valueDate=p.analysis_start.isoformat()),
        ])
        for p in trial.periods
    ]
    return ResearchStudy(
        id=b.id("trial", trial.trial_id), status="active",
        identifier=[Identifier(system=TRIAL_ID, value=trial.trial_id)],
        title="Blinded n-of-1 trial: low-dose naltrexone versus placebo",
        description=("Paired periods, LDN and placebo in random order within each pair. The allocation key is "
                     "held by the pharmacist and is not part of this record."),
        period={"start": trial.start_date.isoformat(), "end": trial.end_date.isoformat()},
        arm=[{"name": "ldn", "description": f"low-dose naltrexone {trial.dose_mg:g} mg"},
             {"name": "placebo", "description": "identical-looking placebo"}],
        extension=[
            Extension(url=EXT.trial_pairs, valueInteger=trial.pairs),
            Extension(url=EXT.trial_period_weeks, valueInteger=trial.period_weeks),
            Extension(url=EXT.trial_discard_days, valueInteger=trial.discard_days),
            Extension(url=EXT.trial_dose, valueQuantity=_mg(trial.dose_mg)),
            *periods,
        ])
