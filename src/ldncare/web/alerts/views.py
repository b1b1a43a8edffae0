"""Acknowledging an alert from a page (the dashboard or the patient's record); thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ldncare.web import policy
from ldncare.web.alerts import services


@login_required
@require_POST
def acknowledge(request, uuid):
    alert = policy.get_alert_or_404(request, uuid, action="update")
    alert = services.alert_acknowledge(request=request, alert=alert)
    messages.success(request, f"Acknowledged: {alert.effect_name} ({alert.severity}), "
                              f"{alert.patient.get_full_name() or alert.patient.get_username()}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "access:clinic"
    return redirect(target)
