"""Her own outcomes and factors: the patient's page (/me/tracking/), a clinician's page for a consenting
patient (/patients/<id>/tracking/), and the wearable import (/me/tracking/import/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_http_methods

from ldncare.web import policy
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.tracking import imports, services
from ldncare.web.tracking.forms import TrackedItemForm, WearableUploadForm
from ldncare.web.tracking.insights import insights_for
from ldncare.web.tracking.models import TrackedItem, WearableImport
from ldncare.web.tracking.selectors import imports_of, items_of


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
    if form.is_bound and (item := _item_form_post(request, patient, form)) is not None:
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


def _item_form_post(request, patient, form, *, added_by=None) -> TrackedItem | None:
    """Add the item from a valid ``form`` (service errors become form errors); ``None`` if refused."""
    if not form.is_valid():
        return None
    try:
        return services.tracked_item_save(request=request, patient=patient, added_by=added_by, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def patient_tracking(request, public_id):
    """A clinician the patient shares her record with adds or switches off outcomes and factors for her
    (never their values). Pharmacists, other clinicians and strangers: 404; the policy audits."""
    patient = policy.get_patient_or_404(request, public_id, part="tracking",
                                        action="read" if request.method == "GET" else "update")
    if request.user.role != Role.CLINICIAN:
        raise Http404("Not found")
    toggling = request.method == "POST" and "toggle" in request.POST
    form = TrackedItemForm(request.POST if request.method == "POST" and not toggling else None)
    if toggling:
        item = get_object_or_404(TrackedItem, patient=patient, pk=request.POST.get("toggle"))
        services.tracked_item_save(request=request, patient=patient, kind=item.kind, name=item.name,
                                   anchor_low=item.anchor_low, anchor_high=item.anchor_high,
                                   active=not item.active, item=item)
        messages.success(request, f"{item.name}: {'asked in' if item.active else 'no longer asked in'} her check-in.")
        return redirect("tracking:patient-tracking", public_id=patient.public_id)
    if form.is_bound and (item := _item_form_post(request, patient, form, added_by=request.user)) is not None:
        messages.success(request, f"Added {item.name}: her check-in asks for it from now on.")
        return redirect("tracking:patient-tracking", public_id=patient.public_id)
    items = items_of(patient)
    return render(request, "tracking/patient_tracking.html", {
        "patient": patient, "patient_name": patient.get_full_name() or patient.get_username(), "form": form,
        "outcomes": [i for i in items if i.is_outcome], "factors": [i for i in items if not i.is_outcome],
    }, status=422 if form.is_bound and form.errors else 200)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def wearable_import(request):
    """Upload an Apple Health export or a date,metric,value CSV; the worker imports it (progress shown)."""
    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary",
                                        action="read" if request.method == "GET" else "update")
    form = WearableUploadForm(request.POST, request.FILES) if request.method == "POST" else WearableUploadForm()
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            limit = settings.WEARABLE_IMPORT_MAX_BYTES
            form.is_valid()
            form.errors.pop("file", None)  # "this field is required": the file was stopped, not missing
            form.add_error("file", f"The file is bigger than {filesizeformat(limit)}; the largest file ldncare "
                                   f"takes is {filesizeformat(limit)} (the Health app's export.zip is much smaller "
                                   "than its export.xml: upload the zip).")
        elif form.is_valid():
            try:
                job = imports.wearable_import_create(request=request, patient=patient,
                                                     uploaded=form.cleaned_data["file"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{job.file_name} uploaded: it is being imported.")
                return redirect("tracking:import")
    status = 200
    if form.errors:
        status = 413 if getattr(request, "upload_too_large", False) else 422
    return render(request, "tracking/import.html", {
        "form": form, "imports": imports_of(patient), "max_bytes": settings.WEARABLE_IMPORT_MAX_BYTES,
        "wearable_items": [i for i in items_of(patient) if i.wearable],
    }, status=status)


@role_required(Role.PATIENT)
def wearable_import_status(request, import_uuid):
    """``{"state", "percent", "bytes_read", "total_bytes", "days_imported", "days_unchanged", "message"}``."""
    # Progress counts only (no health values): not audited on every poll; her own imports only.
    job = get_object_or_404(WearableImport, patient=request.user, uuid=import_uuid)
    return JsonResponse({
        "state": job.state, "state_text": job.get_state_display(), "percent": job.percent,
        "bytes_read": job.bytes_read, "total_bytes": job.total_bytes, "finished": job.finished,
        "days_imported": job.days_imported, "days_unchanged": job.days_unchanged,
        "values_skipped": job.values_skipped, "message": job.message,
    })
