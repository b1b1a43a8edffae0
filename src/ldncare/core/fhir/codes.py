"""Code systems, extension URLs and code checks of the ldncare FHIR mapping.

External code systems are used only where a code could be verified: ICD-10-CM for
conditions (checked with ``simple-icd-10-cm``), LOINC 72514-3 for pain severity 0-10,
UCUM for units and the HL7 adverse-event severity and provenance participant codes.
Everything else (the other diary outcomes, PGIC, phases, side effects, the compounded
preparation) uses ldncare's own code systems under ``https://ldncare.org/fhir/`` and is
listed in ``docs/interoperability.md``: a local code is honest, a guessed LOINC code is not.

>>> check_icd10cm("K50.90")
"Crohn's disease, unspecified, without complications"
>>> outcome_codings("pain")[0].code
'72514-3'
>>> [c.system for c in outcome_codings("fatigue")]
['https://ldncare.org/fhir/CodeSystem/diary-outcome']
"""

from __future__ import annotations

import simple_icd_10_cm as icd10cm

from ldncare.core.fhir.resources import Coding

__all__ = [
    "ADVERSE_EVENT_SEVERITY",
    "BASE",
    "CONDITION",
    "DIARY_OUTCOME",
    "EXT",
    "ICD10CM",
    "LOINC",
    "LOINC_OUTCOMES",
    "MEDICATION",
    "PARTICIPANT_TYPE",
    "PSEUDONYM",
    "SIDE_EFFECT",
    "TRIAL_ID",
    "UCUM",
    "InvalidCodeError",
    "check_icd10cm",
    "outcome_codings",
]

BASE = "https://ldncare.org/fhir"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ADVERSE_EVENT_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

DIARY_OUTCOME = f"{BASE}/CodeSystem/diary-outcome"
"""Local codes of diary items: ``pain``, ``fatigue``, ``sleep_quality``, ``mood``, extra outcome
columns by name, ``pgic``, ``phase``, ``diary-day`` (the day's panel) and ``diary`` (the List)."""
CONDITION = f"{BASE}/CodeSystem/condition"
"""Condition ids of ``ldncare.core.knowledge`` (``crohns-disease``, ...)."""
SIDE_EFFECT = f"{BASE}/CodeSystem/side-effect"
"""Side-effect ids of ``ldncare.core.knowledge`` (``headache``, ``vivid_dreams``, ...)."""
MEDICATION = f"{BASE}/CodeSystem/medication"
"""``ldn-compounded``: low-dose naltrexone, compounded oral liquid."""
PSEUDONYM = f"{BASE}/NamingSystem/pseudonym"
TRIAL_ID = f"{BASE}/NamingSystem/n-of-1-trial"


class _Extensions:
    """URLs of ldncare's extensions (``StructureDefinition`` canonical URLs), one attribute each."""

    __slots__ = ()
    diary_outcome = f"{BASE}/StructureDefinition/diary-outcome"
    plan_body_weight = f"{BASE}/StructureDefinition/plan-body-weight"
    plan_protocol = f"{BASE}/StructureDefinition/plan-protocol"
    plan_protocol_name = f"{BASE}/StructureDefinition/plan-protocol-name"
    plan_target_dose = f"{BASE}/StructureDefinition/plan-target-dose"
    plan_timing = f"{BASE}/StructureDefinition/plan-timing"
    step_device = f"{BASE}/StructureDefinition/step-device"
    step_volume = f"{BASE}/StructureDefinition/step-volume"
    trial_discard_days = f"{BASE}/StructureDefinition/trial-discard-days"
    trial_dose = f"{BASE}/StructureDefinition/trial-dose"
    trial_pairs = f"{BASE}/StructureDefinition/trial-pairs"
    trial_period = f"{BASE}/StructureDefinition/trial-period"
    trial_period_weeks = f"{BASE}/StructureDefinition/trial-period-weeks"


EXT = _Extensions()
"""``EXT.plan_protocol`` → ``https://ldncare.org/fhir/StructureDefinition/plan-protocol``; a
misspelt name is an ``AttributeError``, never a new URL."""

LOINC_OUTCOMES: dict[str, tuple[str, str]] = {
    "pain": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
}
"""Diary outcomes with a verified LOINC code (the others are local codes only)."""


class InvalidCodeError(ValueError):
    """A code is not in its code system."""


def check_icd10cm(code: str) -> str:
    """The ICD-10-CM description of ``code`` (dotted form); raises :class:`InvalidCodeError`."""
    if not isinstance(code, str) or not icd10cm.is_valid_item(code) or "." not in code and len(code) != 3:
        raise InvalidCodeError(f"{code!r} is not an ICD-10-CM code; allowed: a code in dotted form such as K50.90")
    return icd10cm.get_description(code)


def outcome_codings(outcome: str) -> list[Coding]:
    """The codings of a diary outcome: LOINC first where one is verified, then the local code."""
    codings = []
    if outcome in LOINC_OUTCOMES:
        code, display = LOINC_OUTCOMES[outcome]
        codings.append(Coding(system=LOINC, code=code, display=display))
    codings.append(Coding(system=DIARY_OUTCOME, code=outcome, display=outcome.replace("_", " ")))
    return codings
