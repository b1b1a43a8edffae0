"""The patient's record as FHIR R4B over the API: ``$everything`` (export) and ``$import``.

``GET /api/v1/fhir/Patient/{id}/$everything``: consent through :mod:`ldncare.web.policy`: the
patient, or a clinician with an active grant, may read it (the diary, plan and profile must all
be readable); anyone else gets 404, and every attempt is an ``AuditEvent`` row (action
``export``, channel ``api``). Dose times carry the patient's own time zone.

``POST /api/v1/fhir/Patient/{id}/$import`` (body: a Bundle): the patient adds a bundle to their
own record (action ``create``). Nothing is merged silently: ``on_conflict`` decides what happens
to an item the bundle gives twice, ``on_existing`` to a day the patient already has; a bundle
that cannot be imported answers 422 with one error per problem (``loc`` = the path in the body)
and writes nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Literal

from ninja import Router, Schema, Status

from ldncare.core.fhir import FhirImportError, ImportConflictError, bundle_to_json, import_bundle
from ldncare.web import policy
from ldncare.web.interop.services import RestoreError, export_patient_bundle, restore_record

router = Router(tags=["fhir"])

CHANNEL = "api"


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class ImportOut(Schema):
    days_written: int
    plan_steps: int
    conditions: list[str]
    kept_existing: list[str]
    conflicts: list[dict]
    unknown: list[str]
    adjusted: list[str]
    not_stored: list[str]


def _loc(path: str) -> list[str | int]:
    """``entry[3].resource.valueInteger`` → ``["body", "entry", 3, "resource", "valueInteger"]``."""
    parts: list[str | int] = ["body"]
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return parts


def _unprocessable(detail: str, errors: list[dict]):
    return Status(422, {"detail": detail, "errors": errors})


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


@router.post("/fhir/Patient/{patient_id}/$import", response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Add a FHIR R4B Bundle to the patient's own record (all or nothing, nothing merged silently)",
             url_name="fhir-patient-import",
             openapi_extra={"requestBody": {"required": True, "description": "A FHIR R4B Bundle (JSON)", "content": {
                 media: {"schema": {"type": "object", "required": ["resourceType"],
                                    "properties": {"resourceType": {"type": "string", "enum": ["Bundle"]}}}}
                 for media in ("application/fhir+json", "application/json")}}})
def patient_import(request, patient_id: uuid.UUID, on_conflict: Literal["refuse", "keep-first"] = "refuse",
                   on_existing: Literal["refuse", "keep-existing"] = "refuse"):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", action="create", channel=CHANNEL)
    try:
        result = import_bundle(request.body, on_conflict=on_conflict)
    except ImportConflictError as exc:
        return _unprocessable("The bundle gives some items more than once; nothing was written (allowed: one value "
                              "per item, or on_conflict=keep-first)",
                              [{"loc": ["body", "entry", c.date.isoformat() if c.date else "record", c.item],
                                "msg": str(c), "type": "conflict"} for c in exc.conflicts])
    except FhirImportError as exc:
        return _unprocessable("The bundle cannot be imported; nothing was written",
                              [{"loc": _loc(exc.path), "msg": exc.message, "type": "fhir"}])
    record = result.record
    for part, present in (("plan", record.plan is not None), ("profile", bool(record.conditions))):
        if present and not policy.can_write(request.user, patient, part):
            return Status(403, {"detail": f"The bundle holds a {part} you may not change; nothing was written",
                                "errors": []})
    try:
        report = restore_record(patient, record, on_existing=on_existing)
    except RestoreError as exc:
        return _unprocessable("The record cannot be stored; nothing was written",
                              [{"loc": ["body", "entry"], "msg": problem, "type": "record"} for problem in exc.problems])
    return {"days_written": report.days_written, "plan_steps": len(record.plan.steps) if record.plan else 0,
            "conditions": [c.id for c in record.conditions],
            "kept_existing": [d.isoformat() for d in report.kept_existing],
            "conflicts": [c.to_json() for c in result.conflicts], "unknown": list(result.unknown),
            "adjusted": list(result.adjusted), "not_stored": list(report.not_stored)}
