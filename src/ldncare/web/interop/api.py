"""``GET /api/v1/fhir/Patient/{id}/$everything``: the patient's record as a FHIR R4B Bundle.

Consent through :mod:`ldncare.web.policy`: the patient, or a clinician with an active grant,
may read it (the diary, plan and profile must all be readable); anyone else gets 404, and
every attempt is an ``AuditEvent`` row (action ``export``, channel ``api``).
"""

from __future__ import annotations

import json
import uuid

from ninja import Router, Schema

from ldncare.core.fhir import bundle_to_json
from ldncare.web import policy
from ldncare.web.interop.services import export_patient_bundle

router = Router(tags=["fhir"])

CHANNEL = "api"


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


@router.get("/fhir/Patient/{patient_id}/$everything", response={200: dict, 404: ErrorOut},
            summary="The patient's LDN record as a FHIR R4B Bundle (conditions, plan, diary)",
            url_name="fhir-patient-everything")
def patient_everything(request, patient_id: uuid.UUID):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", action="export", channel=CHANNEL)
    for part in ("plan", "profile"):
        if not policy.can_read(request.user, patient, part):
            policy.require(request, allowed=False, patient=patient, object_type=part, object_id=str(patient_id),
                           action="export", channel=CHANNEL)
    return json.loads(bundle_to_json(export_patient_bundle(patient)))
