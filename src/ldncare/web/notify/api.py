"""``/api/v1/me/reminders`` and ``/api/v1/me/push-subscriptions``."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import ConfigDict, field_validator

from ldncare.web.notify.models import CHANNELS, PushSubscription
from ldncare.web.notify.reminders import reminders_get, reminders_save

router = Router(tags=["reminders"])
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class RemindersIO(Schema):
    model_config = ConfigDict(extra="forbid")
    time_zone: str = Field(..., max_length=64, description="IANA time zone name, e.g. Asia/Tokyo")
    checkin_time: str | None = Field(None, description='Daily check-in reminder, "HH:MM" local time, or null for none')
    dose_time: str | None = Field(None, description='Daily dose reminder, "HH:MM" local time, or null for none')
    channels: list[str] = Field(default_factory=list, description=f"Any of {', '.join(CHANNELS)}; empty for none")

    @field_validator("checkin_time", "dose_time")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value):
            raise ValueError('a time is "HH:MM" (24-hour, e.g. 21:30) or null')
        return value


class PushSubscriptionIn(Schema):
    """``PushSubscription.toJSON()`` as the browser gives it."""

    model_config = ConfigDict(extra="forbid")
    endpoint: str = Field(..., max_length=1000, pattern=r"^https?://")
    expirationTime: float | None = Field(None, description="When the push service ends the subscription (ms); unused")  # noqa: N815 - the browser's name
    keys: dict[str, str]

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        if not value.get("p256dh") or not value.get("auth") or len(value["p256dh"]) > 200 or len(value["auth"]) > 100:
            raise ValueError("keys needs p256dh and auth as the browser's PushSubscription gives them")
        return value


class PushKeyOut(Schema):
    public_key: str = Field(..., description="The VAPID public key for PushManager.subscribe(applicationServerKey)")


def _patient(request):
    if not request.user.is_patient:
        raise PermissionDenied("Reminders are for patients.")
    return request.user


def _out(reminders) -> dict:
    return {"time_zone": reminders.time_zone,
            "checkin_time": reminders.checkin_time.strftime("%H:%M") if reminders.checkin_time else None,
            "dose_time": reminders.dose_time.strftime("%H:%M") if reminders.dose_time else None,
            "channels": list(reminders.channels)}


@router.get("/me/reminders", response=RemindersIO, summary="My reminder settings (dose time defaults to the plan's)")
def reminders_read(request):
    return _out(reminders_get(_patient(request)))


@router.put("/me/reminders", response={200: RemindersIO, 422: dict}, summary="Set my reminders and time zone")
def reminders_write(request, payload: RemindersIO):
    user = _patient(request)
    try:
        saved = reminders_save(
            user=user, time_zone=payload.time_zone,
            checkin_time=dt.time.fromisoformat(payload.checkin_time) if payload.checkin_time else None,
            dose_time=dt.time.fromisoformat(payload.dose_time) if payload.dose_time else None,
            channels=payload.channels)
    except DjangoValidationError as exc:
        raise ValidationError([{"loc": ["body", "payload", field], "msg": "; ".join(msgs), "type": "value_error"}
                               for field, msgs in exc.message_dict.items()]) from None
    return _out(saved)


@router.get("/me/push-key", response={200: PushKeyOut, 404: dict}, summary="The server's Web Push public key")
def push_key(request):
    from django.conf import settings

    from ldncare.web.notify.push import push_configured

    if not push_configured():
        return Status(404, {"detail": "This server does not send app notifications (Web Push is not set up)."})
    return {"public_key": settings.VAPID_PUBLIC_KEY}


@router.post("/me/push-subscriptions", response={201: dict}, summary="Register this browser for app notifications")
def push_subscribe(request, payload: PushSubscriptionIn):
    user = _patient(request)
    PushSubscription.objects.update_or_create(
        endpoint=payload.endpoint, defaults={"user": user, "p256dh": payload.keys["p256dh"], "auth": payload.keys["auth"]})
    return Status(201, {"endpoint": payload.endpoint})


@router.delete("/me/push-subscriptions", response={204: None}, summary="Stop app notifications to this browser")
def push_unsubscribe(request, endpoint: str):
    PushSubscription.objects.filter(user=request.user, endpoint=endpoint).delete()
    return Status(204, None)
