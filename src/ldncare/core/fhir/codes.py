"""Code systems, extension URLs and code checks of the ldncare FHIR mapping.

External code systems are used only where a code could be verified: ICD-10-CM for
conditions (checked with ``simple-icd-10-cm``; exported only as billable leaf codes), LOINC
72514-3 for pain severity 0-10, RxNorm 7243 (the ingredient naltrexone) and UNII Z6375YW9SF
(naltrexone hydrochloride) for the medication, UCUM for units and the HL7 adverse-event
severity and provenance participant codes. Everything else (the other diary outcomes, PGIC,
phases, side effects, the compounded preparation) uses ldncare's own code systems under
``https://ldncare.org/fhir/`` and is listed in ``docs/interoperability.md``: a local code is
honest, a guessed code is not. Each external code's source is noted where it is defined.

>>> check_icd10cm("K50.90")
"Crohn's disease, unspecified, without complications"
>>> outcome_codings("pain")[0].code
'72514-3'
>>> [c.system for c in outcome_codings("fatigue")]
['https://ldncare.org/fhir/CodeSystem/diary-outcome']
>>> outcome_of({"coding": [{"system": "http://loinc.org", "code": "72514-3"}]})
'pain'
"""

from __future__ import annotations

from collections.abc import Mapping

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
    "NALTREXONE_CODES",
    "NALTREXONE_HCL_UNII",
    "NALTREXONE_RXNORM",
    "PARTICIPANT_TYPE",
    "PSEUDONYM",
    "RXNORM",
    "SIDE_EFFECT",
    "SYMPTOM_TEXT",
    "TRIAL_ID",
    "UCUM",
    "UNII",
    "InvalidCodeError",
    "check_icd10cm",
    "is_billable_icd10cm",
    "is_naltrexone",
    "outcome_codings",
    "outcome_of",
]

BASE = "https://ldncare.org/fhir"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UNII = "http://fdasis.nlm.nih.gov"
"""The UNII code system URI of HL7 Terminology (https://terminology.hl7.org/CodeSystem-UNII.html)."""
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


SYMPTOM_TEXT = "Symptom in the patient's own words"
"""``Observation.code.text`` (no coding: no code is invented for a person's words) of a symptom typed
at "Something else?"; ldncare's import reads its own such Observation back as the day's symptom."""

NALTREXONE_RXNORM = ("7243", "naltrexone")
"""RxNorm ingredient (TTY IN) naltrexone: the PharmGKB/ClinPGx drug record PA450588
(https://www.pharmgkb.org/chemical/PA450588) maps it to RxNorm 7243, DrugBank DB00704 and
ATC N07BB04. An interaction checker matches opioid antagonists at this ingredient level."""
NALTREXONE_HCL_UNII = ("Z6375YW9SF", "NALTREXONE HYDROCHLORIDE")
"""FDA UNII of naltrexone hydrochloride, the salt LDN is compounded from: openFDA NDC directory,
e.g. https://api.fda.gov/drug/ndc.json?search=packaging.package_ndc:%2268071-3654-3%22
(active ingredient NALTREXONE HYDROCHLORIDE, unii Z6375YW9SF); DailyMed labels give
"NALTREXONE HYDROCHLORIDE (UNII: Z6375YW9SF) (NALTREXONE - UNII:5S6W795CQM)"."""
NALTREXONE_CODES = {(RXNORM, NALTREXONE_RXNORM[0]), (UNII, NALTREXONE_HCL_UNII[0]), (UNII, "5S6W795CQM"),
                    (MEDICATION, "ldn-compounded")}
"""Codings that identify naltrexone on import (ingredient, salt, base, ldncare's own code)."""


def is_naltrexone(concept: Mapping | None) -> bool:
    """Whether a CodeableConcept (parsed JSON) names naltrexone: a known code, or the word in a text or display.

    >>> is_naltrexone({"coding": [{"system": RXNORM, "code": "7243"}]}), is_naltrexone({"text": "Ibuprofen"})
    (True, False)
    """
    if not isinstance(concept, Mapping):
        return False
    codings = [c for c in concept.get("coding", []) if isinstance(c, Mapping)]
    if any((c.get("system"), c.get("code")) in NALTREXONE_CODES for c in codings):
        return True
    words = [concept.get("text")] + [c.get("display") for c in codings]
    return any(isinstance(w, str) and "naltrexone" in w.lower() for w in words)


class InvalidCodeError(ValueError):
    """A code is not in its code system."""


def check_icd10cm(code: str) -> str:
    """The ICD-10-CM description of ``code`` (dotted form); raises :class:`InvalidCodeError`."""
    if not isinstance(code, str) or not icd10cm.is_valid_item(code) or "." not in code and len(code) != 3:
        raise InvalidCodeError(f"{code!r} is not an ICD-10-CM code; allowed: a code in dotted form such as K50.90")
    return icd10cm.get_description(code)


def is_billable_icd10cm(code: str) -> bool:
    """Whether a valid ICD-10-CM code is a leaf (billable) code, not a category header.

    G35 (multiple sclerosis) became a header on 1 October 2025 (FY2026), with leaf codes
    G35.A, G35.B0-B2, G35.C0-C2 and G35.D (multiple sclerosis, unspecified).

    >>> is_billable_icd10cm("G35"), is_billable_icd10cm("G35.D")
    (False, True)
    """
    return icd10cm.is_leaf(code)


def outcome_of(concept: Mapping | None) -> str | None:
    """The diary outcome a CodeableConcept (parsed JSON) names: ldncare's local code first, then LOINC."""
    if not isinstance(concept, Mapping):
        return None
    codings = [c for c in concept.get("coding", []) if isinstance(c, Mapping)]
    for coding in codings:
        if coding.get("system") == DIARY_OUTCOME and isinstance(coding.get("code"), str):
            return coding["code"]
    by_loinc = {code: outcome for outcome, (code, _display) in LOINC_OUTCOMES.items()}
    for coding in codings:
        if coding.get("system") == LOINC and coding.get("code") in by_loinc:
            return by_loinc[coding["code"]]
    return None


def outcome_codings(outcome: str) -> list[Coding]:
    """The codings of a diary outcome: LOINC first where one is verified, then the local code."""
    codings = []
    if outcome in LOINC_OUTCOMES:
        code, display = LOINC_OUTCOMES[outcome]
        codings.append(Coding(system=LOINC, code=code, display=display))
    codings.append(Coding(system=DIARY_OUTCOME, code=outcome, display=outcome.replace("_", " ")))
    return codings
