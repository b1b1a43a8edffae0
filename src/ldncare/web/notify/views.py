"""The reminders page and the one-click stop link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ldncare.web.accounts.zones import time_zone_names
from ldncare.web.notify.forms import RemindersForm
from ldncare.web.notify.messages import stop_token_read
from ldncare.web.notify.push import push_configured
from ldncare.web.notify.reminders import reminder_stop, reminders_get, reminders_save

_KIND_WORDS = {"checkin_reminder": "check-in reminders", "dose_reminder": "dose reminders",
               "questionnaire": "questionnaire reminders"}


@login_required
def reminders(request):
    if not request.user.is_patient:
        raise Http404("Reminders are for patients.")
    current = reminders_get(request.user)
    initial = {"time_zone": current.time_zone, "checkin_time": current.checkin_time, "dose_time": current.dose_time,
               "channels": list(current.channels)}
    form = RemindersForm(request.POST or None, initial=initial, push_available=push_configured())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reminders_save(user=request.user, time_zone=data["time_zone"], checkin_time=data["checkin_time"],
                           dose_time=data["dose_time"], channels=data["channels"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Reminders saved.")
            return redirect("notify:reminders")
    return render(request, "notify/reminders.html", {
        "form": form, "dose_time_from_plan": current.dose_time_from_plan and current.dose_time is not None,
        "push_configured": push_configured(), "time_zone_names": sorted(time_zone_names())})


@csrf_exempt  # the signed token is the authority; RFC 8058 one-click POSTs come from mail clients
@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """GET: a page with one button (link scanners must not turn reminders off); POST: turn them off."""
    try:
        public_id, kind = stop_token_read(token)
        user = get_user_model().objects.get(public_id=public_id)
        words = _KIND_WORDS[kind]
    except (signing.BadSignature, KeyError, ValueError, get_user_model().DoesNotExist):
        return render(request, "notify/stop.html", {"invalid": True}, status=400)
    if request.method == "POST":
        reminder_stop(user=user, kind=kind)
        return render(request, "notify/stop.html", {"done": True, "words": words})
    return render(request, "notify/stop.html", {"words": words})
