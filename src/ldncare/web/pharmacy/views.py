"""Pharmacist pages: the queue, the printable worksheet and label, dispensing records, trial keys.

Only prescriptions addressed to the pharmacist's pharmacy by a patient who chose it
(:func:`ldncare.web.policy.prescriptions_visible_to`); never a diary.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ldncare.web import policy
from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.clinic.models import BlindedTrial
from ldncare.web.pharmacy import services
from ldncare.web.record import core_bridge

pharmacist_only = role_required(Role.PHARMACIST)


class DispensingForm(forms.Form):
    lot_number = forms.CharField(max_length=40, label="Lot number")
    beyond_use_date = forms.DateField(label="Beyond-use date", widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, max_length=1000, label="Notes", widget=forms.Textarea(attrs={"rows": 2}))


@pharmacist_only
def index(request):
    """``/pharmacy/``: the pharmacist's start page is the queue."""
    return redirect("pharmacy:queue")


@pharmacist_only
def queue(request):
    """The pharmacy's prescriptions (waiting first, then dispensed), and the current plans that
    patients shared with the pharmacy without a prescription (nothing to compound from yet)."""
    prescriptions = list(policy.prescriptions_visible_to(request.user).prefetch_related("dispensings"))
    for p in prescriptions:
        audit(request, subject=p.patient, object_type="prescription", object_id=p.uuid, action="read",
              outcome=AuditEvent.Outcome.ALLOWED)
    waiting = [p for p in prescriptions if not p.dispensings.all()]
    done = [p for p in prescriptions if p.dispensings.all()]
    prescribed = {p.plan_id for p in prescriptions}
    shared = policy.plans_visible_to(request.user).filter(is_current=True).exclude(pk__in=prescribed)
    plans = policy.audit_listed_plans(request, shared)
    trials = {t.patient_id: t for t in policy.trial_keys_visible_to(request.user)}
    for plan in plans:
        plan.held_trial = trials.get(plan.patient_id)
    return render(request, "pharmacy/queue.html", {"waiting": waiting, "done": done, "plans": plans})


def _prescription_or_404(request, uuid, action="read"):
    prescription = policy.prescriptions_visible_to(request.user).filter(uuid=uuid).first()
    policy.require(request, allowed=prescription is not None, patient=prescription.patient if prescription else None,
                   object_type="prescription", object_id=str(uuid), action=action)
    return prescription


@pharmacist_only
@require_http_methods(["GET", "POST"])
def worksheet(request, uuid):
    """The compounding worksheet and label (core calculator, with the BUD); print-ready; dispense form."""
    prescription = _prescription_or_404(request, uuid, "read" if request.method == "GET" else "create")
    today = timezone.localdate()
    compounding = core_bridge.compound_prescription(prescription, today=today)
    bud = min((p["beyond_use_date"] for p in compounding["preparations"]), default=None)
    form = DispensingForm(request.POST or None, initial={"beyond_use_date": bud})
    if request.method == "POST" and form.is_valid():
        try:
            services.dispensing_record(request=request, prescription=prescription, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Dispensing recorded.")
            return redirect("pharmacy:worksheet", uuid=prescription.uuid)
    return render(request, "pharmacy/worksheet.html", {
        "p": prescription, "compounding": compounding, "form": form, "today": today,
        "dispensings": prescription.dispensings.select_related("pharmacist"),
    })


@pharmacist_only
def trials(request):
    """Blinded trials whose key this pharmacy holds."""
    items = list(policy.trial_keys_visible_to(request.user))
    return render(request, "pharmacy/trials.html", {"trials": items})


@login_required
def trial_key(request, trial_id):
    """The allocation key, dispensing list and bottle labels of one trial (pharmacy only, audited).

    Anyone else gets 404; the attempt is audited against the trial's patient, so a clinician
    or patient trying to unblind shows in the patient's access log.
    """
    trial = policy.trial_keys_visible_to(request.user).filter(trial_id=trial_id).first()
    subject = trial.patient if trial else BlindedTrial.objects.filter(trial_id=trial_id).select_related("patient").first()
    policy.require(request, allowed=trial is not None, patient=getattr(subject, "patient", subject),
                   object_type="trial_key", object_id=trial_id)
    key, dispensing = core_bridge.trial_dispensing(trial.key_json)
    return render(request, "pharmacy/trial_key.html", {"trial": trial, "key": key, "dispensing": dispensing})
