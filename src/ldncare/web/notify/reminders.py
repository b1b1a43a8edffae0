"""A patient's reminder settings: read (with the plan's dose time as the default) and save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ldncare.web.accounts.zones import time_zone_problem
from ldncare.web.notify.models import CHANNELS, ReminderSettings

__all__ = ["Reminders", "plan_dose_time", "reminder_stop", "reminders_get", "reminders_save"]


@dataclass(frozen=True)
class Reminders:
    time_zone: str
    checkin_time: dt.time | None
    dose_time: dt.time | None
    channels: tuple[str, ...]
    dose_time_from_plan: bool  # no dose time saved yet: the one shown is the plan's


def plan_dose_time(user, *, today: dt.date | None = None) -> dt.time | None:
    """The dose time of the current plan's step for ``today`` (or its first step), if any."""
    from ldncare.web.record.models import Plan

    plan = Plan.objects.filter(patient=user, is_current=True).order_by("-created_at").first()
    if plan is None or not plan.steps:
        return None
    today = today or dt.date.today()
    day = today.isoformat()
    step = next((s for s in plan.steps
                 if (s.get("start_date") or "") <= day <= (s.get("end_date") or "9999-12-31")),  # open-ended: no end
                plan.steps[0])
    try:
        return dt.time.fromisoformat(step["time"])
    except (KeyError, TypeError, ValueError):
        return None


def reminders_get(user) -> Reminders:
    saved = ReminderSettings.objects.filter(user=user).first()
    zone = user.time_zone
    if saved is None:
        return Reminders(time_zone=zone, checkin_time=None, dose_time=plan_dose_time(user), channels=(),
                         dose_time_from_plan=True)
    return Reminders(time_zone=zone, checkin_time=saved.checkin_time, dose_time=saved.dose_time,
                     channels=tuple(saved.channels or ()), dose_time_from_plan=False)


@transaction.atomic
def reminders_save(*, user, time_zone: str, checkin_time: dt.time | None, dose_time: dt.time | None,
                   channels: list[str]) -> Reminders:
    """Save the settings (and the person's time zone); ValidationError names the field at fault."""
    from ldncare.web.notify.push import push_configured

    errors: dict[str, str] = {}
    if problem := time_zone_problem(time_zone):
        errors["time_zone"] = problem
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        errors["channels"] = f"unknown channel(s) {', '.join(unknown)}; allowed: {', '.join(CHANNELS)}"
    elif "email" in channels and not user.email:
        errors["channels"] = "add an e-mail address to your account (Account, E-mail) before choosing e-mail reminders"
    elif "push" in channels and not push_configured():
        errors["channels"] = "this server does not send app notifications (Web Push is not set up); choose e-mail"
    if errors:
        raise ValidationError(errors)
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    saved, _ = ReminderSettings.objects.select_for_update().get_or_create(user=user)
    saved.checkin_time, saved.dose_time = checkin_time, dose_time
    saved.channels = [c for c in CHANNELS if c in channels]
    saved.save()
    return reminders_get(user)


def reminder_stop(*, user, kind: str) -> None:
    """The one-click stop of one kind of reminder (from the link in the message); for questionnaire
    reminders, every questionnaire schedule."""
    if kind == "questionnaire":
        from ldncare.web.questionnaires.services import questionnaire_schedules_stop

        questionnaire_schedules_stop(user=user)
        return
    field = {"checkin_reminder": "checkin_time", "dose_reminder": "dose_time"}[kind]
    ReminderSettings.objects.filter(user=user).update(**{field: None})
