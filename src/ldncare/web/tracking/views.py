"""The page where a patient manages her own outcomes and factors (/me/tracking/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ldncare.web import policy
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.tracking import services
from ldncare.web.tracking.forms import TrackedItemForm
from ldncare.web.tracking.insights import insights_for
from ldncare.web.tracking.models import TrackedItem
from ldncare.web.tracking.selectors import items_of


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def manage(request):
    action = "read" if request.method == "GET" else "update"
    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary", action=action)
    form = TrackedItemForm(request.POST if request.method == "POST" and "toggle" not in request.POST else None)
    if request.method == "POST" and "toggle" in request.POST:
        item = get_object_or_404(TrackedItem, patient=patient, pk=request.POST.get("toggle"))
        services.tracked_item_save(request=request, patient=patient, kind=item.kind, name=item.name,
                                   anchor_low=item.anchor_low, anchor_high=item.anchor_high,
                                   active=not item.active, item=item)
        messages.success(request, f"{item.name}: {'shown in' if item.active else 'no longer asked in'} the check-in.")
        return redirect("tracking:manage")
    if form.is_bound and form.is_valid():
        try:
            item = services.tracked_item_save(request=request, patient=patient, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Added {item.name}: the check-in asks for it from now on.")
            return redirect("tracking:manage")
    items = items_of(patient)
    return render(request, "tracking/manage.html", {
        "form": form,
        "outcomes": [i for i in items if i.is_outcome],
        "factors": [i for i in items if not i.is_outcome],
    }, status=422 if form.is_bound and form.errors else 200)


@role_required(Role.PATIENT)
def my_insights(request):
    """'What goes with my good days?' for the signed-in patient."""
    patient = policy.get_patient_or_404(request, request.user.public_id, part="analysis")
    return render(request, "tracking/insights.html", insights_for(patient))


@login_required
def patient_insights(request, public_id):
    """The same page for a clinician the patient shares her record with (the analysis part; every
    refusal is audited by the policy)."""
    patient = policy.get_patient_or_404(request, public_id, part="analysis")
    own = request.user.pk == patient.pk
    return render(request, "tracking/insights.html",
                  {**insights_for(patient), "patient_name": "" if own else (patient.get_full_name() or patient.get_username())})
