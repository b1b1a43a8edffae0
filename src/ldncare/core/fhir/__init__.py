"""Interoperability: the patient's LDN record in and out as HL7 FHIR R4B.

Mapping of core records (patient, conditions, plan, doses, scores, side effects, blinded
trial design) to and from FHIR resources, validated with ``fhir.resources``. The FHIR
version (R4B, what clinic systems speak) is chosen once, in :mod:`ldncare.core.fhir.resources`.
The mapping table is in ``docs/interoperability.md``.

>>> import datetime as dt
>>> from ldncare.core.response import parse_diary
>>> record = PatientRecord(pseudonym="p-1", conditions=(condition_entry("fibromyalgia"),),
...                        diary=parse_diary("date,ldn_dose_mg,dose_time,pain\\n2026-01-05,1.5,22:30,4\\n"))
>>> bundle = export_bundle(record, timezone="Europe/Amsterdam",
...                        recorded=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
>>> import_bundle(bundle_to_json(bundle)).record == record
True
"""

from ldncare.core.fhir.bundle import bundle_to_json, stable_id, unresolved_references
from ldncare.core.fhir.codes import InvalidCodeError, check_icd10cm
from ldncare.core.fhir.export import ExportError, export_bundle
from ldncare.core.fhir.imports import (
    MAPPED_TYPES,
    MAX_BUNDLE_BYTES,
    MAX_DEPTH,
    ON_CONFLICT,
    Conflict,
    FhirImportError,
    ImportConflictError,
    ImportResult,
    import_bundle,
)
from ldncare.core.fhir.record import (
    ConditionEntry,
    PatientRecord,
    PlanFormatError,
    PlanStep,
    PrescribedPlan,
    condition_entry,
    trial_design_from_json,
)
from ldncare.core.fhir.resources import FHIR_VERSION

__all__ = [
    "FHIR_VERSION",
    "MAPPED_TYPES",
    "MAX_BUNDLE_BYTES",
    "MAX_DEPTH",
    "ON_CONFLICT",
    "ConditionEntry",
    "Conflict",
    "ExportError",
    "FhirImportError",
    "ImportConflictError",
    "ImportResult",
    "InvalidCodeError",
    "PatientRecord",
    "PlanFormatError",
    "PlanStep",
    "PrescribedPlan",
    "bundle_to_json",
    "check_icd10cm",
    "condition_entry",
    "export_bundle",
    "import_bundle",
    "stable_id",
    "trial_design_from_json",
    "unresolved_references",
]
