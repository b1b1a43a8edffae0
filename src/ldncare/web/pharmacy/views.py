"""Pharmacist pages: the queue, the printable worksheet and label, dispensing records, trial keys.

Only prescriptions addressed to the pharmacist's pharmacy by a patient who chose it
(:func:`ldncare.web.policy.prescriptions_visible_to`); never a diary.
"""

from __future__ import annotations

import datetime as dt

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
    preparation = forms.TypedChoiceField(coerce=int, label="Preparation")
    lot_number = forms.CharField(max_length=40, label="Lot number")
    made_on = forms.DateField(label="Made on", widget=forms.DateInput(attrs={"type": "date"}))
    beyond_use_date = forms.DateField(label="Beyond-use date", widget=forms.DateInput(attrs={"type": "date"}))
    supplied_until = forms.DateField(
        required=False, label="Supplied until (only for a shorter supply)",
        help_text="Leave empty when the bottle lasts to the preparation's last day of use.",
        widget=forms.DateInput(attrs={"type": "date"}))
    checked_by = forms.ModelChoiceField(queryset=None, label="Checked by", empty_label="Choose…")
    notes = forms.CharField(required=False, max_length=1000, label="Notes", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, preparations=(), pharmacy=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["preparation"].choices = [
            (p["number"], f"{p['number']}: {p['dose_mg']:g} mg, {p['next_first_use']:%d %b} to {p['last_use']:%d %b %Y}")
            for p in preparations if p["state"] != services.STATE_DISPENSED]
        self.fields["checked_by"].queryset = get_user_model().objects.filter(
            role=Role.PHARMACIST, pharmacy=pharmacy, is_active=True).order_by("last_name", "first_name", "username")
        self.fields["checked_by"].label_from_instance = lambda u: u.get_full_name() or u.username


class FillWeightForm(forms.Form):
    fill_weight_mg = forms.DecimalField(
        label="Measured fill weight (mg of filler per capsule)", min_value=1, max_value=2000, decimal_places=1,
        required=False, help_text="Fill 10 empty capsules with the filler alone, weigh, subtract the 10 shells, "
                                  "divide by 10. Empty: the default (capsule volume × filler bulk density).")


class PharmacyDetailsForm(forms.Form):
    phone = forms.CharField(max_length=40, label="Phone number on labels")
    address = forms.CharField(max_length=200, required=False, label="Address (optional)")


@pharmacist_only
def index(request):
    """``/pharmacy/``: the pharmacist's start page is the queue."""
    return redirect("pharmacy:queue")


@pharmacist_only
def queue(request):
    """The pharmacy's prescriptions (waiting or partly dispensed first, then dispensed), and the current
    plans that patients shared with the pharmacy without a prescription (nothing to compound from yet)."""
    prescriptions = list(policy.prescriptions_visible_to(request.user).prefetch_related("dispensings"))
    today = timezone.localdate()
    for p in prescriptions:
        audit(request, subject=p.patient, object_type="prescription", object_id=p.uuid, action="read",
              outcome=AuditEvent.Outcome.ALLOWED)
        p.state, p.done, p.total = services.prescription_state(p, today=today)
    waiting = [p for p in prescriptions if p.state != services.STATE_DISPENSED]
    done = [p for p in prescriptions if p.state == services.STATE_DISPENSED]
    prescribed = {p.plan_id for p in prescriptions}
    shared = policy.plans_visible_to(request.user).filter(is_current=True).exclude(pk__in=prescribed)
    plans = policy.audit_listed_plans(request, shared)
    trials = {t.patient_id: t for t in policy.trial_keys_visible_to(request.user)}
    for plan in plans:
        plan.held_trial = trials.get(plan.patient_id)
    return render(request, "pharmacy/queue.html", {"waiting": waiting, "done": done, "plans": plans,
                                                   "details": _details(request.user.pharmacy)})


def _details(pharmacy):
    from ldncare.web.pharmacy.models import PharmacyDetails

    return PharmacyDetails.objects.filter(pharmacy=pharmacy).first() if pharmacy else None


def _prescription_or_404(request, uuid, action="read"):
    prescription = policy.prescriptions_visible_to(request.user).filter(uuid=uuid).first()
    policy.require(request, allowed=prescription is not None, patient=prescription.patient if prescription else None,
                   object_type="prescription", object_id=str(uuid), action=action)
    return prescription


def _labels(prescription, compounding, pharmacy, details, today):
    """Each preparation's complete label: with its dispensing record when there is one."""
    common = {"rx_number": services.rx_number(prescription), "patient_name": prescription.patient.get_full_name(),
              "prescriber_name": prescription.prescriber.get_full_name() if prescription.prescriber else "",
              "pharmacy_name": pharmacy.name if pharmacy else "", "pharmacy_phone": details.phone if details else ""}
    for prep in compounding["preparations"]:
        last = prep["records"][-1] if prep["records"] else None
        prep["full_label"] = core_bridge.prescription_label(
            prep, **common, dispensed_on=timezone.localdate(last.dispensed_at) if last else max(today, prep["prepared_on"]),
            beyond_use_date=last.beyond_use_date if last else prep["beyond_use_date"],
            lot_number=last.lot_number if last else "")


@pharmacist_only
@require_http_methods(["GET", "POST"])
def worksheet(request, uuid):
    """The prescription's preparations, each with its dates, worksheet and complete label; print-ready;
    the dispensing form records one preparation at a time."""
    prescription = _prescription_or_404(request, uuid, "read" if request.method == "GET" else "create")
    today = timezone.localdate()
    requested = request.POST.get("formula") or request.GET.get("formula")
    fill = FillWeightForm(request.GET or None) if prescription.preparation == "capsules" else None
    fill_weight = fill.cleaned_data["fill_weight_mg"] if fill is not None and fill.is_valid() else None
    compounding = services.prescription_preparations(prescription, today=today, formula=requested,
                                                     fill_weight_mg=fill_weight)
    pharmacy = request.user.pharmacy
    details = _details(pharmacy)
    open_preps = [p for p in compounding["preparations"] if p["state"] != services.STATE_DISPENSED]
    first_open = open_preps[0] if open_preps else None
    initial = {"made_on": today, "checked_by": None}
    if first_open:
        initial.update(preparation=first_open["number"],
                       beyond_use_date=today + dt.timedelta(days=first_open["bud_days"]))
    form = DispensingForm(request.POST or None, initial=initial, preparations=compounding["preparations"],
                          pharmacy=pharmacy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dispensing_record(request=request, prescription=prescription, preparation_number=data["preparation"],
                                       lot_number=data["lot_number"], made_on=data["made_on"],
                                       beyond_use_date=data["beyond_use_date"], checked_by=data["checked_by"],
                                       supplied_until=data["supplied_until"], formula=compounding["formula"],
                                       notes=data["notes"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Dispensing of preparation {data['preparation']} recorded.")
            return redirect("pharmacy:worksheet", uuid=prescription.uuid)
    _labels(prescription, compounding, pharmacy, details, today)
    return render(request, "pharmacy/worksheet.html", {
        "p": prescription, "compounding": compounding, "form": form, "today": today, "details": details,
        "fill_form": fill,
        "rx_number": services.rx_number(prescription), "open_preps": open_preps,
        "legacy": [d for d in prescription.dispensings.all() if d.preparation_number is None],
    })


@pharmacist_only
@require_http_methods(["GET", "POST"])
def details(request):
    """The pharmacy's label details (phone, address), set by its pharmacists."""
    if request.user.pharmacy is None:
        return redirect("pharmacy:queue")
    current = _details(request.user.pharmacy)
    form = PharmacyDetailsForm(request.POST or None, initial={"phone": getattr(current, "phone", ""),
                                                              "address": getattr(current, "address", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.pharmacy_details_save(request=request, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Label details saved.")
            return redirect("pharmacy:queue")
    return render(request, "pharmacy/details.html", {"form": form})


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
    details = _details(trial.pharmacy)
    made = core_bridge.trial_compounding(trial.key_json, made_from=timezone.localdate(trial.created_at), label_common={
        "rx_number": trial.trial_id, "patient_name": trial.patient.get_full_name(),
        "prescriber_name": trial.designed_by.get_full_name() if trial.designed_by else "",
        "pharmacy_name": trial.pharmacy.name, "pharmacy_phone": details.phone if details else ""})
    return render(request, "pharmacy/trial_key.html", {"trial": trial, "key": made["key"], "bottles": made["bottles"],
                                                       "worksheets": made["worksheets"]})
