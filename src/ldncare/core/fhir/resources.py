"""The one place that chooses the FHIR version: R4B (4.3.0) models from ``fhir.resources``.

``fhir.resources`` 8.x puts FHIR R5 at its root and R4B in the ``R4B`` subpackage. Most
clinic systems (EHRs, pharmacy systems) exchange FHIR R4, and R4B is wire-compatible with R4
for every resource ldncare writes (Patient, Condition, Medication, MedicationRequest,
MedicationAdministration, Observation, AdverseEvent, List, ResearchStudy, ResearchSubject,
Device, Provenance, Bundle). R5 renamed fields an R4 system would drop silently (R5
``MedicationRequest.medication`` vs R4 ``medicationReference``), so every other module of
:mod:`ldncare.core.fhir` imports its model classes from here and nowhere else.

>>> FHIR_VERSION
'4.3.0'
>>> model_class("Observation").__name__
'Observation'
"""

from __future__ import annotations

from fhir.resources.R4B import __fhir_version__, get_fhir_model_class
from fhir.resources.R4B.adverseevent import AdverseEvent, AdverseEventSuspectEntity
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.device import Device, DeviceDeviceName
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.list import List, ListEntry
from fhir.resources.R4B.medication import Medication, MedicationIngredient
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
)
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.ratio import Ratio
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.researchstudy import ResearchStudy
from fhir.resources.R4B.researchsubject import ResearchSubject
from fhir.resources.R4B.timing import Timing, TimingRepeat

__all__ = [
    "FHIR_VERSION",
    "AdverseEvent",
    "AdverseEventSuspectEntity",
    "Annotation",
    "Bundle",
    "BundleEntry",
    "CodeableConcept",
    "Coding",
    "Condition",
    "Device",
    "DeviceDeviceName",
    "Dosage",
    "DosageDoseAndRate",
    "Extension",
    "FHIRResourceModel",
    "Identifier",
    "List",
    "ListEntry",
    "Medication",
    "MedicationAdministration",
    "MedicationAdministrationDosage",
    "MedicationIngredient",
    "MedicationRequest",
    "Observation",
    "ObservationComponent",
    "Patient",
    "Period",
    "Provenance",
    "ProvenanceAgent",
    "Quantity",
    "Ratio",
    "Reference",
    "ResearchStudy",
    "ResearchSubject",
    "Timing",
    "TimingRepeat",
    "model_class",
]

FHIR_VERSION: str = __fhir_version__


def model_class(resource_type: str) -> type[FHIRResourceModel]:
    """The R4B model class of ``resource_type``; ``LookupError`` if FHIR R4B has no such type."""
    try:
        return get_fhir_model_class(resource_type)
    except (ValueError, KeyError, AttributeError, ImportError):
        raise LookupError(f"{resource_type!r} is not a FHIR {FHIR_VERSION} resource type") from None
