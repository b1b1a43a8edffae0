"""Sharing (consent), the patient's access log, and the clinician's list (the pharmacist's pages are in ``pharmacy``)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ldncare.web import policy
from ldncare.web.access import services
from ldncare.web.access.forms import InviteForm, PharmacyForm, RedeemForm
from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import Role


def role_required(role: str):
    """Pages of one role; anyone else gets 404 (the page does not exist for them)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.role != role:
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@role_required(Role.PATIENT)
def sharing(request, invite_code: str | None = None):
    grants = Grant.objects.filter(patient=request.user).select_related("clinician", "pharmacy", "clinician__practice")
    return render(request, "access/sharing.html", {
        "grants": grants,
        "invite_form": InviteForm(),
        "pharmacy_form": PharmacyForm(),
        "invite_code": invite_code,
        "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
    })


@role_required(Role.PATIENT)
@require_POST
def invite(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give a valid e-mail address, or none.")
        return redirect("access:sharing")
    _, code = services.consent_invite(request=request, patient=request.user, email=form.cleaned_data["email"])
    return sharing(request, invite_code=code)


@role_required(Role.PATIENT)
@require_POST
def choose_pharmacy(request):
    form = PharmacyForm(request.POST)
    if form.is_valid():
        services.pharmacy_choose(request=request, patient=request.user, pharmacy=form.cleaned_data["pharmacy"])
        messages.success(request, f"{form.cleaned_data['pharmacy']} will receive the prescriptions you send it.")
    else:
        messages.error(request, "Please choose a pharmacy from the list.")
    return redirect("access:sharing")


@role_required(Role.PATIENT)
@require_POST
def revoke(request, grant_id: int):
    try:
        services.consent_revoke(request=request, patient=request.user, grant_id=grant_id)
    except Grant.DoesNotExist:
        raise Http404("Not found") from None
    messages.success(request, "Access withdrawn. It ends now.")
    return redirect("access:sharing")


# Parts of the record in the access log, in words (other object types: their name with spaces).
_OBJECT_WORDS = {
    "sign_in_lockout": "sign-in locked after failed attempts", "checkin": "check-in", "notify_alert": "alert e-mailed",
    "notify_prescription": "prescription announced to the pharmacy", "safety_override": "safety override",
}


@role_required(Role.PATIENT)
def access_log(request):
    """Who looked at or changed my record, and who was refused: identical accesses within one
    minute (same person, part, action, result and address) are one row with a count."""
    events = AuditEvent.objects.filter(subject_id=request.user.pk).exclude(actor_id=request.user.pk)[:2000]
    rows: list[dict] = []
    for event in events:  # newest first
        minute = timezone.localtime(event.recorded_at).replace(second=0, microsecond=0)
        key = (minute, event.actor_username, event.actor_role, event.object_type, event.action, event.outcome,
               event.ip_address, event.channel)
        if rows and rows[-1]["key"] == key:
            rows[-1]["count"] += 1
        else:
            rows.append({"key": key, "minute": minute, "event": event, "count": 1,
                         "what": _OBJECT_WORDS.get(event.object_type, event.object_type.replace("_", " "))})
    return render(request, "access/access_log.html", {"rows": rows[:200], "zone": timezone.get_current_timezone_name()})


@role_required(Role.CLINICIAN)
def clinic(request):
    from ldncare.web.clinic.services import patient_alerts
    from ldncare.web.record import core_bridge

    patients = policy.patients_visible_to(request.user).order_by("username")
    rows = patient_alerts(request, patients, today=timezone.localdate())
    open_alerts = sorted((a for r in rows for a in r["open_alerts"]),
                         key=lambda a: (core_bridge.urgency_rank(a.level), -a.created_at.timestamp()))
    return render(request, "access/clinic.html", {"patients": patients, "rows": rows, "form": RedeemForm(),
                                                  "open_alerts": open_alerts, "show_patient": True})


@role_required(Role.CLINICIAN)
@require_POST
def redeem(request):
    form = RedeemForm(request.POST)
    if form.is_valid():
        try:
            grant = services.consent_accept(request=request, clinician=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"You can now see the record of {grant.patient.get_username()}.")
    return redirect("access:clinic")
