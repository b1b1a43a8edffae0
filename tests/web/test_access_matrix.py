"""The access-policy matrix: every endpoint × every actor, listed from the URL conf and the OpenAPI schema.

Endpoints come from the code, not from memory: ``test_every_endpoint_has_a_matrix_row`` fails
when a URL pattern or an API operation has no row here, so a new endpoint cannot be
forgotten. Each row says, for each actor, the expected class of answer:

* ``ok``    — served (2xx, or a redirect that is not to the login page);
* ``login`` — sent to sign in (web: redirect to the login page; API: 401);
* ``404``   — not found (the object is invisible to this actor);
* ``403``   — visible but not theirs to change (API writes by a consenting clinician).

Every request of every actor is checked for the owner's marked health values: an actor the
row does not list in ``sees`` must never receive them. Writes run inside a rolled-back
savepoint, so every actor meets the same world.
"""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from ldncare.web.access.models import AuditEvent
from ldncare.web.api import api

from .conftest import NOTE_MARKER, PLAN_MARKER

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ACTORS = ("anon", "owner", "stranger", "clin_ok", "clin_none", "clin_revoked", "pharm_ok", "pharm_other", "admin")
SIGNED_IN = ACTORS[1:]


def expect(default: str = "404", **by_actor: str) -> dict[str, str]:
    table = dict.fromkeys(ACTORS, default)
    table["anon"] = "login"
    table.update(by_actor)
    return table


PUBLIC = dict.fromkeys(ACTORS, "ok")
ANY_SIGNED_IN = expect("ok")
PATIENTS = expect(owner="ok", stranger="ok")  # /me/ pages: every patient has their own
CLINICIANS = expect(clin_ok="ok", clin_none="ok", clin_revoked="ok")
PHARMACISTS = expect(pharm_ok="ok", pharm_other="ok")
RECORD = expect(owner="ok", clin_ok="ok")
DIARY_WRITE_API = expect(owner="ok", clin_ok="403")
REMINDERS_API = expect("403", owner="ok", stranger="ok")  # a patient's own reminders; staff have none

SEES_DIARY = {"owner", "clin_ok"}
SEES_PLAN = {"owner", "clin_ok", "pharm_ok"}


def _email_link(w) -> str:
    """The token of a link confirming a new address for the record owner (only the owner may use it)."""
    from django.core import signing

    from ldncare.web.accounts.services import _EMAIL_LINK_SALT, _fingerprint

    owner = w["owner"]
    owner.refresh_from_db(fields=["email"])
    return signing.dumps({"u": owner.pk, "old": _fingerprint(owner.email), "new": "new-owner@example.org"},
                         salt=_EMAIL_LINK_SALT)


def _stop_token(w) -> str:
    """The one-click stop link of the owner's check-in reminders (the token is the authority)."""
    from ldncare.web.notify.messages import stop_token

    return stop_token(user=w["owner"], kind="checkin_reminder")


def _pid(w):
    return w["owner"].public_id


def _day(w):
    return w["checkin"].date.isoformat()


def _wearable_import(w):
    """A finished wearable import of the owner (its status is hers alone)."""
    from ldncare.web.tracking.models import WearableImport

    return WearableImport.objects.get_or_create(patient=w["owner"], file_name="export.zip", defaults={
        "file_format": "apple-zip", "path": "", "time_zone": "UTC", "state": "done"})[0]



# Booking (ldncare.web.booking): a free slot of the owner's clinician, and the owner's booked call.
def _slot(w, n: int = 0):
    import datetime as dt

    from django.utils import timezone

    from ldncare.web.booking.models import Slot

    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=n)
    return Slot.objects.get_or_create(clinician=w["clin_ok"], start_at=start,
                                      defaults={"end_at": start + dt.timedelta(minutes=20)})[0]


def _booking(w):
    from ldncare.web.booking.models import Booking

    return Booking.objects.get_or_create(slot=_slot(w, 9), patient=w["owner"], status="booked")[0]


def _consultation(w):
    from ldncare.web.booking.models import ConsultationRequest

    return ConsultationRequest.objects.get_or_create(practice=w["clin_ok"].practice, name="Visitor",
                                                     defaults={"email": "v@example.org", "preferred_times": "any"})[0]


# Care team (ldncare.web.clinic, ldncare.web.pharmacy): a prescription of the owner's plan to the
# chosen pharmacy, and a blinded trial whose key that pharmacy holds.
def _prescription(w):
    from ldncare.web.clinic.models import Prescription

    return Prescription.objects.get_or_create(
        plan=w["plan"], patient=w["owner"], pharmacy=w["plan"].sent_to_pharmacy,
        defaults={"prescriber": w["clin_ok"], "preparation": "capsules", "supply_start": w["checkin"].date,
                  "days_supply": 30, "quantity": 30, "quantity_unit": "capsules", "directions": "1 capsule daily"})[0]


# Alerts (ldncare.web.alerts): an urgent report of the owner's, for the clinician she shares with.
def _alert(w):
    from ldncare.web.alerts.models import Alert

    return Alert.objects.get_or_create(
        patient=w["owner"], recipient=w["clin_ok"], day=w["checkin"].date, report_key="allergic_reaction",
        level="urgent_care", defaults={"checkin": w["checkin"], "effect_name": "Allergic reaction",
                                       "severity": "severe", "title": "Get urgent medical care"})[0]


def _trial(w):
    import datetime as dt

    from ldncare.web.clinic.models import BlindedTrial
    from ldncare.web.record import core_bridge

    design, key = core_bridge.design_blinded_trial(pairs=2, period_weeks=4, start_date=dt.date(2026, 1, 5), dose_mg=4.5)
    return BlindedTrial.objects.get_or_create(
        patient=w["owner"], defaults={"trial_id": design["trial_id"], "pharmacy": w["plan"].sent_to_pharmacy,
                                      "design_json": design, "key_json": key})[0]


def PRESCRIBE_FORM(w):
    return {"preparation": "liquid", "concentration_mg_per_ml": "1", "supply_start": _day(w), "days_supply": "30"}
TRIAL_FORM = {"pairs": "3", "period_weeks": "4", "start_date": "2026-03-02", "dose_mg": "4.5"}
PREVIEW_FORM = {"protocol": "article", "start_date": "2026-03-02", "concentration_mg_per_ml": "1", "time": "22:00"}

SLOTS_FORM = {"first_date": "2099-01-05", "last_date": "2099-01-06", "weekdays": [0, 1], "day_start": "09:00",
              "day_end": "10:00", "minutes": "20"}
REQUEST_FORM = {"name": "Visitor", "email": "v@example.org", "preferred_times": "mornings", "message": "hello"}

CHECKIN_BODY = {"date": "2026-01-05", "ldn_dose_mg": 1.5, "pain_score": 4, "side_effects": [{"id": "headache", "severity": "mild"}]}

# key: URL name (web) or "METHOD /api/v1/path" (API). Each: list of requests (method, path, data, expectations, sees).
WEB: dict[str, list[tuple]] = {
    "booking:request-handled": [("post", lambda w: f"/calls/requests/{_consultation(w).uuid}/answered/", {}, expect(clin_ok="ok", clin_none="ok", clin_revoked="ok"))],
    "clinic:prescribe": [
        ("get", lambda w: f"/patients/{_pid(w)}/prescribe/", None, expect(clin_ok="ok"), {"clin_ok"}),
        ("post", lambda w: f"/patients/{_pid(w)}/prescribe/", PRESCRIBE_FORM, expect(clin_ok="ok", pharm_ok="403"), {"clin_ok"}),
    ],
    "clinic:plan-preview": [("post", lambda w: f"/patients/{_pid(w)}/plan/preview/", PREVIEW_FORM, expect(clin_ok="ok"))],
    "clinic:trial-design": [
        ("get", lambda w: f"/patients/{_pid(w)}/trial/", None, expect(clin_ok="ok")),
        ("post", lambda w: f"/patients/{_pid(w)}/trial/", TRIAL_FORM, expect(clin_ok="ok", pharm_ok="403")),
    ],
    "clinic:visit-report": [("get", lambda w: f"/patients/{_pid(w)}/report/", None, expect(clin_ok="ok"), {"clin_ok"})],
    "clinic:visit-report-pdf": [("get", lambda w: f"/patients/{_pid(w)}/report.pdf", None, expect(clin_ok="ok"))],
    "clinic:my-trial": [("get", lambda w: "/me/trial/", None, PATIENTS)],
    "alerts:acknowledge": [("post", lambda w: f"/alerts/{_alert(w).uuid}/acknowledge/", {}, expect(clin_ok="ok", owner="403"))],
    "pharmacy:index": [("get", lambda w: "/pharmacy/", None, PHARMACISTS)],
    "pharmacy:queue": [("get", lambda w: "/pharmacy/queue/", None, PHARMACISTS, {"pharm_ok"})],
    "pharmacy:worksheet": [
        ("get", lambda w: f"/pharmacy/queue/{_prescription(w).uuid}/", None, expect(pharm_ok="ok")),
        ("post", lambda w: f"/pharmacy/queue/{_prescription(w).uuid}/", {"lot_number": "L1", "beyond_use_date": "2099-01-01"}, expect(pharm_ok="ok")),
    ],
    "pharmacy:details": [("get", lambda w: "/pharmacy/details/", None, PHARMACISTS),
                         ("post", lambda w: "/pharmacy/details/", {"phone": "0113 496 0000"}, PHARMACISTS)],
    "pharmacy:trials": [("get", lambda w: "/pharmacy/trials/", None, PHARMACISTS)],
    "pharmacy:trial-key": [("get", lambda w: f"/pharmacy/trials/{_trial(w).trial_id}/", None, expect(pharm_ok="ok"))],
    "booking:calls": [("get", lambda w: "/calls/", None, expect(owner="ok", stranger="ok", clin_ok="ok", clin_none="ok", clin_revoked="ok"))],
    "booking:slots-create": [("post", lambda w: "/calls/slots/", SLOTS_FORM, CLINICIANS)],
    "booking:book": [("post", lambda w: f"/calls/slots/{_slot(w).uuid}/book/", {}, expect(owner="ok"))],
    "booking:cancel": [("post", lambda w: f"/calls/{_booking(w).uuid}/cancel/", {}, expect(owner="ok", clin_ok="ok"))],
    "booking:move": [("get", lambda w: f"/calls/{_booking(w).uuid}/move/", None, expect(owner="ok"))],
    "booking:ics": [("get", lambda w: f"/calls/{_booking(w).uuid}/invitation.ics", None, expect(owner="ok", clin_ok="ok"))],
    "booking:request": [("get", lambda w: "/schedule-a-call/", None, PUBLIC), ("post", lambda w: "/schedule-a-call/", REQUEST_FORM, PUBLIC)],
    "booking:request-sent": [("get", lambda w: "/schedule-a-call/sent/", None, PUBLIC)],
    "home": [("get", lambda w: "/", None, PUBLIC)],
    "pwa:manifest": [("get", lambda w: "/manifest.webmanifest", None, PUBLIC)],
    "pwa:service-worker": [("get", lambda w: "/sw.js", None, PUBLIC)],
    "library:index": [("get", lambda w: "/library/", None, PUBLIC)],
    "library:search": [("get", lambda w: "/library/search/?q=crohn", None, PUBLIC)],
    "library:condition": [("get", lambda w: "/library/conditions/crohns-disease/", None, PUBLIC)],
    # public route; 404 for everyone because no condition pools two trials on one effect measure today
    "library:forest": [("get", lambda w: "/library/conditions/fibromyalgia/forest.svg", None, dict.fromkeys(ACTORS, "404"))],
    "library:citations": [("get", lambda w: "/library/conditions/crohns-disease/citations.ris", None, PUBLIC)],
    "library:study": [("get", lambda w: "/library/studies/smith2011-crohns-rct/", None, PUBLIC)],
    "library:side-effects": [("get", lambda w: "/library/side-effects/", None, PUBLIC)],
    "library:alternatives": [("get", lambda w: "/library/alternatives/", None, PUBLIC)],
    "library:about": [("get", lambda w: "/library/about/", None, PUBLIC)],
    "library:claims": [("get", lambda w: "/library/claims/", None, PUBLIC)],
    "simulator:page": [("get", lambda w: "/simulator/?dose_mg=1.5&days=1", None, PUBLIC)],
    "login": [("get", lambda w: "/accounts/login/", None, PUBLIC)],
    "logout": [("post", lambda w: "/accounts/logout/", {}, PUBLIC)],
    "password_change": [("get", lambda w: "/accounts/password_change/", None, ANY_SIGNED_IN)],
    "password_change_done": [("get", lambda w: "/accounts/password_change/done/", None, ANY_SIGNED_IN)],
    "password_reset": [("get", lambda w: "/accounts/password_reset/", None, PUBLIC)],
    "password_reset_done": [("get", lambda w: "/accounts/password_reset/done/", None, PUBLIC)],
    "password_reset_confirm": [("get", lambda w: "/accounts/reset/MQ/set-password/", None, PUBLIC)],
    "password_reset_complete": [("get", lambda w: "/accounts/reset/done/", None, PUBLIC)],
    "accounts:signup": [("get", lambda w: "/accounts/signup/", None, PUBLIC)],
    # A staff enrolment link (ldncare staff-add): a link that is not valid answers 400 to everyone.
    "accounts:enrol": [("get", lambda w: "/accounts/enrol/not-a-valid-link/", None, dict.fromkeys(ACTORS, "400"))],
    "accounts:tokens": [("get", lambda w: "/accounts/tokens/", None, ANY_SIGNED_IN)],
    "accounts:security": [("get", lambda w: "/accounts/security/", None, ANY_SIGNED_IN)],
    "accounts:time-zone": [("post", lambda w: "/accounts/time-zone/", {"time_zone": "Europe/Oslo"}, ANY_SIGNED_IN)],
    "accounts:email-change": [("get", lambda w: "/accounts/email/", None, ANY_SIGNED_IN),
                              ("post", lambda w: "/accounts/email/", {"email": "new@example.org", "password": "wrong-password"}, ANY_SIGNED_IN)],
    "accounts:email-confirm": [("get", lambda w: f"/accounts/email/confirm/{_email_link(w)}/", None,
                                expect("400", owner="ok"))],
    "accounts:second-factor": [("get", lambda w: "/accounts/2fa/", None, ANY_SIGNED_IN),
                               ("post", lambda w: "/accounts/2fa/", {"code": "000000"}, ANY_SIGNED_IN)],
    "accounts:second-factor-setup": [("get", lambda w: "/accounts/2fa/setup/", None, ANY_SIGNED_IN),
                                     ("post", lambda w: "/accounts/2fa/setup/", {"code": "000000"}, ANY_SIGNED_IN)],
    "accounts:second-factor-reset": [("get", lambda w: "/accounts/2fa/reset/", None, ANY_SIGNED_IN),
                                     ("post", lambda w: "/accounts/2fa/reset/", {"password": "wrong-password", "code": "000000"}, ANY_SIGNED_IN)],
    "accounts:second-factor-recovery": [("get", lambda w: "/accounts/2fa/recovery/", None, ANY_SIGNED_IN),
                                        ("post", lambda w: "/accounts/2fa/recovery/", {"code": "aaaa-bbbb-cccc-dddd"}, ANY_SIGNED_IN)],
    "accounts:recovery-codes": [("get", lambda w: "/accounts/2fa/recovery-codes/", None, ANY_SIGNED_IN),
                                ("post", lambda w: "/accounts/2fa/recovery-codes/", {"password": "wrong-password"}, ANY_SIGNED_IN)],
    "accounts:sessions-end-others": [("post", lambda w: "/accounts/sessions/end-others/", {}, ANY_SIGNED_IN)],
    "accounts:token-revoke": [("post", lambda w: f"/accounts/tokens/{w['token'].pk}/revoke/", {}, expect(owner="ok"))],
    "access:sharing": [("get", lambda w: "/me/sharing/", None, PATIENTS)],
    "access:invite": [("post", lambda w: "/me/sharing/invite/", {"email": ""}, PATIENTS)],
    "access:choose-pharmacy": [("post", lambda w: "/me/sharing/pharmacy/", lambda w: {"pharmacy": w["grant_pharmacy"].pharmacy_id}, PATIENTS)],
    "access:revoke": [("post", lambda w: f"/me/sharing/{w['grant_pharmacy'].pk}/revoke/", {}, expect(owner="ok"))],
    "access:access-log": [("get", lambda w: "/me/access-log/", None, PATIENTS)],
    "notify:reminders": [("get", lambda w: "/me/reminders/", None, PATIENTS),
                         ("post", lambda w: "/me/reminders/", {"time_zone": "UTC", "checkin_time": "20:00"}, PATIENTS)],
    "notify:stop": [("get", lambda w: f"/reminders/stop/{_stop_token(w)}/", None, PUBLIC)],
    "access:clinic": [("get", lambda w: "/clinic/", None, CLINICIANS)],
    "access:redeem": [("post", lambda w: "/clinic/redeem/", {"code": "AAAA-BBBB"}, CLINICIANS)],
    "record:onboarding": [
        ("get", lambda w: "/me/onboarding/", None, PATIENTS),
        ("post", lambda w: "/me/onboarding/", {"hepatic": "none", "medicines": "paracetamol"}, PATIENTS),
    ],
    "record:checkin": [("get", lambda w: "/me/checkin/", None, PATIENTS)],
    "record:checkin-offline": [("get", lambda w: "/me/checkin/offline/", None, PATIENTS)],
    "record:offline-session": [("get", lambda w: "/me/checkin/offline/session/", None, PATIENTS)],
    "record:checkin-day": [
        ("get", lambda w: f"/me/checkin/{_day(w)}/", None, PATIENTS, {"owner"}),
        ("post", lambda w: f"/me/checkin/{_day(w)}/", {"date": "2026-01-02", "pain_score": 3}, PATIENTS),
    ],
    "record:diary": [("get", lambda w: "/me/diary/", None, PATIENTS, {"owner"})],
    "record:progress": [("get", lambda w: "/me/progress/", None, PATIENTS, {"owner"})],
    "record:plan": [
        ("get", lambda w: "/me/plan/", None, PATIENTS, {"owner"}),
        ("post", lambda w: "/me/plan/", {"target_dose_mg": "4.5", "step0_start": "2026-01-01", "step0_dose_mg": "1.5"}, PATIENTS),
    ],
    "record:conditions": [("get", lambda w: "/me/conditions/", None, PATIENTS)],
    "record:my-data": [("get", lambda w: "/me/data/", None, PATIENTS)],
    "record:diary-csv": [("get", lambda w: "/me/data/diary.csv", None, PATIENTS, {"owner"})],
    "record:account-delete": [("post", lambda w: "/me/data/delete/", {"confirm": "DELETE", "password": "x"}, expect(owner="422", stranger="422"))],
    "record:patient": [("get", lambda w: f"/patients/{_pid(w)}/", None, RECORD, SEES_DIARY | {"clin_ok"})],
    "record:patient-plan": [
        ("get", lambda w: f"/patients/{_pid(w)}/plan/", None, expect(clin_ok="ok")),
        ("post", lambda w: f"/patients/{_pid(w)}/plan/", {"target_dose_mg": "3", "step0_start": "2026-02-01", "step0_dose_mg": "1"}, expect(clin_ok="ok", pharm_ok="403")),
    ],
    "tracking:manage": [("get", lambda w: "/me/tracking/", None, PATIENTS),
                        ("post", lambda w: "/me/tracking/", {"kind": "yes_no", "name": "Walk"}, PATIENTS)],
    "tracking:insights": [("get", lambda w: "/me/insights/", None, PATIENTS)],
    "tracking:patient-insights": [("get", lambda w: f"/patients/{_pid(w)}/insights/", None, RECORD)],
    "tracking:patient-tracking": [
        ("get", lambda w: f"/patients/{_pid(w)}/tracking/", None, expect(clin_ok="ok")),
        ("post", lambda w: f"/patients/{_pid(w)}/tracking/", {"kind": "yes_no", "name": "Walk"}, expect(clin_ok="ok")),
    ],
    "tracking:import": [("get", lambda w: "/me/tracking/import/", None, PATIENTS),
                        ("post", lambda w: "/me/tracking/import/", {}, expect(owner="422", stranger="422"))],
    "tracking:import-status": [("get", lambda w: f"/me/tracking/import/{_wearable_import(w).uuid}/status.json", None,
                                expect(owner="ok"))],
    "questionnaires:index": [("get", lambda w: "/me/questionnaires/", None, PATIENTS)],
    "questionnaires:answer": [("get", lambda w: "/me/questionnaires/pgic/", None, PATIENTS),
                              ("post", lambda w: "/me/questionnaires/pgic/", {"item1": "4"}, PATIENTS)],
    "questionnaires:schedule": [("post", lambda w: "/me/questionnaires/pgic/schedule/",
                                 {"pgic-frequency": "weekly", "pgic-weekday": "0", "pgic-time": "09:00"}, PATIENTS)],
    "questionnaires:patient-results": [("get", lambda w: f"/patients/{_pid(w)}/questionnaires/", None, RECORD)],
}

# One pain score from another system (LOINC only): the patient may add it to their own record.
FHIR_BUNDLE = {"resourceType": "Bundle", "type": "collection", "entry": [{
    "fullUrl": "urn:uuid:3f1c2a8e-0000-4000-8000-0000000000a1",
    "resource": {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-03-01", "valueInteger": 4,
                 "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}}}]}
API_LOGIN = "login"
API: dict[str, list[tuple]] = {
    "GET /api/v1/booking/slots": [("get", lambda w: "/api/v1/booking/slots", None, ANY_SIGNED_IN)],
    "POST /api/v1/booking/slots": [("post", lambda w: "/api/v1/booking/slots", {**SLOTS_FORM, "minutes": 20}, expect("403", clin_ok="ok", clin_none="ok", clin_revoked="ok"))],
    "GET /api/v1/booking/bookings": [("get", lambda w: "/api/v1/booking/bookings", None, ANY_SIGNED_IN)],
    "POST /api/v1/booking/bookings": [("post", lambda w: "/api/v1/booking/bookings", lambda w: {"slot_id": str(_slot(w).uuid)}, expect("403", owner="ok", stranger="404"))],
    "POST /api/v1/booking/bookings/{booking_id}/cancel": [("post", lambda w: f"/api/v1/booking/bookings/{_booking(w).uuid}/cancel", {}, expect(owner="ok", clin_ok="ok"))],
    "POST /api/v1/booking/bookings/{booking_id}/move": [("post", lambda w: f"/api/v1/booking/bookings/{_booking(w).uuid}/move", lambda w: {"slot_id": str(_slot(w, 1).uuid)}, expect(owner="ok", clin_ok="403"))],
    "GET /api/v1/booking/bookings/{booking_id}/ics": [("get", lambda w: f"/api/v1/booking/bookings/{_booking(w).uuid}/ics", None, expect(owner="ok", clin_ok="ok"))],
    "GET /api/v1/health": [("get", lambda w: "/api/v1/health", None, PUBLIC)],
    "GET /api/v1/me": [("get", lambda w: "/api/v1/me", None, ANY_SIGNED_IN)],
    "POST /api/v1/auth/token": [("post", lambda w: "/api/v1/auth/token", {"username": "nobody", "password": "wrong-password"}, dict.fromkeys(ACTORS, "login"))],
    "DELETE /api/v1/auth/token": [("delete", lambda w: "/api/v1/auth/token", None, expect("400"))],
    "GET /api/v1/patients": [("get", lambda w: "/api/v1/patients", None, ANY_SIGNED_IN)],
    "GET /api/v1/patients/{patient_id}/diary": [("get", lambda w: f"/api/v1/patients/{_pid(w)}/diary", None, RECORD, SEES_DIARY)],
    "GET /api/v1/fhir/Patient/{patient_id}/$everything": [("get", lambda w: f"/api/v1/fhir/Patient/{_pid(w)}/$everything", None, RECORD, SEES_DIARY)],
    "POST /api/v1/fhir/Patient/{patient_id}/$import": [("post", lambda w: f"/api/v1/fhir/Patient/{_pid(w)}/$import", FHIR_BUNDLE, DIARY_WRITE_API)],
    "POST /api/v1/patients/{patient_id}/diary": [("post", lambda w: f"/api/v1/patients/{_pid(w)}/diary", CHECKIN_BODY, DIARY_WRITE_API)],
    "GET /api/v1/patients/{patient_id}/diary/{entry_id}": [("get", lambda w: f"/api/v1/patients/{_pid(w)}/diary/{w['checkin'].uuid}", None, RECORD, SEES_DIARY)],
    "PUT /api/v1/patients/{patient_id}/diary/{entry_id}": [("put", lambda w: f"/api/v1/patients/{_pid(w)}/diary/{w['checkin'].uuid}", CHECKIN_BODY, DIARY_WRITE_API)],
    "DELETE /api/v1/patients/{patient_id}/diary/{entry_id}": [("delete", lambda w: f"/api/v1/patients/{_pid(w)}/diary/{w['checkin'].uuid}", None, DIARY_WRITE_API)],
    "GET /api/v1/patients/{patient_id}/plan": [("get", lambda w: f"/api/v1/patients/{_pid(w)}/plan", None, expect(owner="ok", clin_ok="ok", pharm_ok="ok"), SEES_PLAN)],
    "GET /api/v1/patients/{patient_id}/analysis": [("get", lambda w: f"/api/v1/patients/{_pid(w)}/analysis", None, RECORD)],
    "POST /api/v1/screen": [("post", lambda w: "/api/v1/screen", {"medicines": ["tramadol"]}, ANY_SIGNED_IN)],
    "POST /api/v1/plan-preview": [("post", lambda w: "/api/v1/plan-preview", {"start_date": "2026-01-01"}, ANY_SIGNED_IN)],
    "POST /api/v1/compound/liquid": [("post", lambda w: "/api/v1/compound/liquid", {"dose_mg": 4.5, "days": 30}, ANY_SIGNED_IN)],
    "POST /api/v1/simulate": [("post", lambda w: "/api/v1/simulate", {"dose_mg": 4.5, "days": 2}, ANY_SIGNED_IN)],
    "GET /api/v1/evidence/{condition_id}": [("get", lambda w: "/api/v1/evidence/fibromyalgia", None, PUBLIC)],
    "GET /api/v1/alerts": [("get", lambda w: "/api/v1/alerts", None, ANY_SIGNED_IN)],
    "GET /api/v1/me/reminders": [("get", lambda w: "/api/v1/me/reminders", None, REMINDERS_API)],
    "PUT /api/v1/me/reminders": [("put", lambda w: "/api/v1/me/reminders", {"time_zone": "UTC", "checkin_time": "20:00",
                                  "dose_time": None, "channels": []}, REMINDERS_API)],
    "GET /api/v1/me/push-key": [("get", lambda w: "/api/v1/me/push-key", None, expect("404"))],  # Web Push not set up
    "POST /api/v1/me/push-subscriptions": [("post", lambda w: "/api/v1/me/push-subscriptions", {
        "endpoint": "https://push.example.org/x", "keys": {"p256dh": "B" * 87, "auth": "a" * 22}}, REMINDERS_API)],
    "DELETE /api/v1/me/push-subscriptions": [("delete", lambda w: "/api/v1/me/push-subscriptions?endpoint=https://push.example.org/x",
                                              None, ANY_SIGNED_IN)],
    "POST /api/v1/alerts/{alert_id}/acknowledge": [("post", lambda w: f"/api/v1/alerts/{_alert(w).uuid}/acknowledge", {}, expect(clin_ok="ok", owner="403"))],
    "GET /api/v1/prescriptions": [("get", lambda w: "/api/v1/prescriptions", None, ANY_SIGNED_IN, SEES_PLAN)],
}
# A stranger's diary day, addressed through the owner's record or their own, is never reachable.
CROSS_OWNER = [
    ("get", lambda w: f"/api/v1/patients/{_pid(w)}/diary/{w['stranger_checkin'].uuid}", None, expect("404")),
    ("get", lambda w: f"/api/v1/patients/{w['stranger'].public_id}/diary", None, expect(stranger="ok")),
    ("put", lambda w: f"/api/v1/patients/{w['stranger'].public_id}/diary/{w['checkin'].uuid}", CHECKIN_BODY, expect("404")),
]


def web_endpoint_names() -> set[str]:
    """Every named URL pattern outside the admin site and the API (which has its own list)."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) in {"admin/", "api/v1/"}:
                    continue
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                assert p.name, f"URL pattern {p.pattern} has no name, so it cannot be in the matrix"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def test_every_endpoint_has_a_matrix_row():
    assert web_endpoint_names() == set(WEB), "web endpoints and the matrix differ"
    assert api_operations() == set(API), "API operations and the matrix differ"


def test_admin_site_holds_no_health_data():
    from django.contrib import admin

    registered = {m._meta.label for m in admin.site._registry}
    assert registered <= {"accounts.User", "accounts.Practice", "accounts.Pharmacy", "auth.Group",
                          "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog", "otp_totp.TOTPDevice",
                          "accounts.RecoveryCodeDevice"}


def _classify(response, api_call: bool) -> str:
    code = response.status_code
    if api_call and code == 401:
        return "login"
    if code == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if code in (404, 403, 422, 400):
        return str(code)
    if 200 <= code < 400:
        return "ok"
    return str(code)


def _run(client, world, method, path_of, data, table, sees=frozenset(), api_call=False):
    failures = []
    path = path_of(world)
    data = data(world) if callable(data) else data
    for actor in ACTORS:
        AccessAttempt.objects.all().delete()  # failed sign-ins (django-axes) are counted across requests
        client.logout()
        user = world[actor]
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            before = AuditEvent.objects.count()
            if api_call and data is not None:
                response = getattr(client, method)(path, data=json.dumps(data), content_type="application/json")
            elif data is not None:
                response = getattr(client, method)(path, data=data)
            else:
                response = getattr(client, method)(path)
            got = _classify(response, api_call)
            if got != table[actor]:
                failures.append(f"{actor}: {method.upper()} {path} → {response.status_code} ({got}), expected {table[actor]}")
            body = response.content.decode("utf-8", "replace")
            if actor not in sees and (NOTE_MARKER in body or PLAN_MARKER in body):
                failures.append(f"{actor}: {method.upper()} {path} leaked the owner's health values")
            if got == "404" and "/patients/" in path and AuditEvent.objects.count() == before:
                failures.append(f"{actor}: denied {method.upper()} {path} wrote no audit row")
            transaction.set_rollback(True)
    return failures


@pytest.mark.parametrize("name", sorted(WEB))
def test_web_endpoint_matrix(client, world, name):
    failures = []
    for request in WEB[name]:
        method, path_of, data, table, *rest = request
        failures += _run(client, world, method, path_of, data, table, rest[0] if rest else frozenset())
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(API))
def test_api_endpoint_matrix(client, world, name):
    failures = []
    for request in API[name]:
        method, path_of, data, table, *rest = request
        failures += _run(client, world, method, path_of, data, table, rest[0] if rest else frozenset(), api_call=True)
    assert not failures, "\n".join(failures)


def test_cross_owner_ids_are_never_reachable(client, world):
    failures = []
    for method, path_of, data, table in CROSS_OWNER:
        failures += _run(client, world, method, path_of, data, table, api_call=True)
    assert not failures, "\n".join(failures)
