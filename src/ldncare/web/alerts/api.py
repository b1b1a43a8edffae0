"""Alerts in the JSON API: the open alerts of every patient I may see, and acknowledging one.

Reads and acknowledgements are audited (one row per patient whose alerts are listed).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from typing import Literal

from ninja import Router, Schema

from ldncare.web import policy
from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.alerts import services
from ldncare.web.alerts.models import Alert

router = Router(tags=["alerts"])

CHANNEL = "api"


class AlertPatientOut(Schema):
    id: uuid_module.UUID
    name: str


class AlertOut(Schema):
    id: uuid_module.UUID
    patient: AlertPatientOut
    kind: str
    level: Literal["urgent_care", "contact_prescriber"]
    title: str
    effect: str
    effect_name: str
    severity: str
    reported_text: str
    day: dt.date
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


def alert_out(alert: Alert) -> dict:
    """One alert as the API shows it (also used in ``GET /patients``)."""
    return {
        "id": alert.uuid, "patient": {"id": alert.patient.public_id,
                                      "name": alert.patient.get_full_name() or alert.patient.get_username()},
        "kind": alert.kind, "level": alert.level, "title": alert.title, "effect": alert.report_key,
        "effect_name": alert.effect_name, "severity": alert.severity, "reported_text": alert.reported_text,
        "day": alert.day, "created_at": alert.created_at, "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": alert.acknowledged_by.get_username() if alert.acknowledged_by else None,
    }


def audit_listed(request, alerts: list[Alert], *, channel: str = CHANNEL) -> list[Alert]:
    """Audit the read of listed alerts: one row per patient."""
    for patient in {a.patient_id: a.patient for a in alerts}.values():
        audit(request, subject=patient, object_type="alert", object_id=patient.public_id, action="read",
              outcome=AuditEvent.Outcome.ALLOWED, channel=channel)
    return alerts


@router.get("/alerts", response=list[AlertOut],
            summary="Alerts for me (clinicians) or about me (patients), most urgent first")
def alerts_list(request, state: Literal["open", "acknowledged", "all"] = "open"):
    alerts = policy.alerts_visible_to(request.user).most_urgent_first()
    if state == "open":
        alerts = alerts.filter(acknowledged_at__isnull=True)
    elif state == "acknowledged":
        alerts = alerts.filter(acknowledged_at__isnull=False)
    return [alert_out(a) for a in audit_listed(request, list(alerts[:500]))]


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, 403: ErrorOut},
             summary="Acknowledge an alert (the clinician it is for); the first acknowledgement stands")
def alert_acknowledge(request, alert_id: uuid_module.UUID):
    alert = policy.get_alert_or_404(request, alert_id, action="update", channel=CHANNEL)
    return alert_out(services.alert_acknowledge(request=request, alert=alert, channel=CHANNEL))
