"""Clinician pages: prescriptions, plan preview, blinded trials, the visit report; the patient's trial card.

Thin: the policy decides (and audits), services write, ``core_bridge`` computes.
"""

from __future__ import annotations

import base64
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ldncare.web import policy
from ldncare.web.access.grants import active_pharmacy
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.clinic import services
from ldncare.web.clinic.forms import PrescriptionForm, TrialForm
from ldncare.web.record import core_bridge
from ldncare.web.record.charts import progress_svg
from ldncare.web.record.forms import ProtocolPlanForm
from ldncare.web.record.models import Profile


def _clinician_patient(request, public_id, *, part: str, action: str):
    """The patient, if the requester is a clinician allowed to ``action`` their ``part`` (else 404, audited)."""
    patient = policy.get_patient_or_404(request, public_id, part=part, action=action)
    if request.user.role != Role.CLINICIAN:
        raise Http404("Not found")
    return patient


@login_required
@require_http_methods(["GET", "POST"])
def prescribe(request, public_id):
    """Send the current plan to the patient's chosen pharmacy as a prescription."""
    patient = _clinician_patient(request, public_id, part="plan", action="read" if request.method == "GET" else "create")
    plan = policy.plans_visible_to(request.user).filter(patient=patient, is_current=True).first()
    pharmacy = active_pharmacy(patient)
    first_day = plan.steps[0]["start_date"] if plan is not None and plan.steps else None
    standing = core_bridge.contraindications(Profile.objects.filter(patient=patient).first())
    form = PrescriptionForm(request.POST or None, initial={"supply_start": first_day or timezone.localdate()},
                            contraindicated=bool(standing))
    if request.method == "POST" and plan is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.prescription_send(request=request, patient=patient, plan=plan, preparation=d["preparation"],
                                       supply_start=d["supply_start"], days_supply=d["days_supply"],
                                       concentration_mg_per_ml=d.get("concentration_mg_per_ml"),
                                       override_reason=d.get("override_reason", ""))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Prescription sent to {pharmacy}.")
            return redirect("record:patient", public_id=patient.public_id)
    sent = policy.prescriptions_visible_to(request.user).filter(patient=patient)
    return render(request, "clinic/prescribe.html", {"patient": patient, "plan": plan, "pharmacy": pharmacy,
                                                     "form": form, "sent": sent, "contraindications": standing})


def _form_errors(form, exc: ValidationError) -> None:
    """A service's errors on the form: under their field when the form has it, else at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_POST
def plan_preview(request, public_id):
    """The steps and simulated day of a protocol plan, before it is saved (htmx fragment)."""
    patient = _clinician_patient(request, public_id, part="plan", action="read")
    form = ProtocolPlanForm(request.POST)
    preview, error = None, None
    if form.is_valid():
        d = form.cleaned_data
        try:
            preview = core_bridge.preview_plan(
                protocol=d["protocol"], start_date=d["start_date"], target_mg=d.get("target_mg"),
                weight_kg=d.get("weight_kg"), time=d.get("time"), concentration_mg_per_ml=d["concentration_mg_per_ml"])
        except ValueError as exc:
            error = str(exc)
    else:
        error = "Check the form: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
    return render(request, "clinic/plan_preview.html", {
        "patient": patient, "preview": preview, "error": error,
        "contraindications": core_bridge.contraindications(Profile.objects.filter(patient=patient).first())})


@login_required
@require_http_methods(["GET", "POST"])
def trial_design(request, public_id):
    """Design a blinded n-of-1 trial; the allocation key goes to the patient's pharmacy only."""
    patient = _clinician_patient(request, public_id, part="plan", action="read" if request.method == "GET" else "create")
    plan = policy.plans_visible_to(request.user).filter(patient=patient, is_current=True).first()
    form = TrialForm(request.POST or None, initial={
        "start_date": timezone.localdate(), "dose_mg": plan.target_dose_mg if plan else 4.5})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            trial = services.trial_create(request=request, patient=patient, pairs=d["pairs"],
                                          period_weeks=d["period_weeks"], start_date=d["start_date"],
                                          dose_mg=float(d["dose_mg"]))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Blinded trial {trial.trial_id} designed; the key is held by {trial.pharmacy}.")
            return redirect("clinic:trial-design", public_id=patient.public_id)
    trials = [{"trial": t, "design": core_bridge.trial_design(t.design_json)}
              for t in policy.trials_visible_to(request.user).filter(patient=patient)]
    return render(request, "clinic/trial_design.html",
                  {"patient": patient, "form": form, "trials": trials, "pharmacy": active_pharmacy(patient)})


@role_required(Role.PATIENT)
def my_trial(request):
    """The patient's blinded trial: which period and bottle today, never which bottle holds LDN."""
    patient = policy.get_patient_or_404(request, request.user.public_id, part="plan")
    today = timezone.localdate()
    trials = [{"trial": t, "design": core_bridge.trial_design(t.design_json),
               "now": core_bridge.current_trial_period(t.design_json, today)}
              for t in policy.trials_visible_to(request.user).filter(patient=patient)]
    return render(request, "clinic/my_trial.html", {"trials": trials, "today": today})


def _report_context(request, public_id) -> dict:
    """Everything the visit report shows (the policy audits the read)."""
    patient = _clinician_patient(request, public_id, part="analysis", action="read")
    checkins = list(policy.checkins_visible_to(request.user).filter(patient=patient).prefetch_related("side_effects"))
    plans = list(policy.plans_visible_to(request.user).filter(patient=patient))
    profile = Profile.objects.filter(patient=patient).first()
    current = next((p for p in plans if p.is_current), None)
    today = timezone.localdate()
    condition_ids = profile.condition_ids if profile else ()
    # A blinded trial replaces the open-label verdicts: progress while it runs, its own result after.
    trial = policy.trials_visible_to(request.user).filter(patient=patient).first()
    trial_state = (core_bridge.trial_state(trial, core_bridge.to_diary(checkins) if checkins else None, today=today,
                                           audience="clinician") if trial is not None else None)
    analyses = []
    if checkins and trial_state is None:
        for outcome, label in (("pain", "Pain"), ("fatigue", "Fatigue"), ("sleep_quality", "Sleep quality"),
                               ("mood", "Mood")):
            result = core_bridge.analyze(checkins, outcome=outcome, audience="clinician")
            if result is not None:
                analyses.append({"label": label, **result})
    return {
        "trial": trial_state,
        "condition_evidence": core_bridge.condition_evidence(condition_ids, audience="clinician"),
        "condition_names": [core_bridge.condition_name(c) for c in condition_ids],
        "patient": patient, "profile": profile, "today": today, "n_days": len(checkins),
        "first_day": checkins[-1].date if checkins else None, "last_day": checkins[0].date if checkins else None,
        "chart_b64": base64.b64encode(progress_svg(checkins).encode("utf-8")).decode("ascii") if checkins else "",
        "analyses": analyses, "screen": core_bridge.screen_profile(profile) if profile else None,
        "alerts": core_bridge.care_alerts(profile=profile, checkins=checkins, plan=current, today=today,
                                          in_trial=trial_state is not None and trial_state["phase"] != "unblinded"),
        "plans": plans, "day_curve": core_bridge.day_curve(checkins, current),
        "prescriptions": policy.prescriptions_visible_to(request.user).filter(patient=patient),
        "reported": list(policy.alerts_visible_to(request.user).filter(patient=patient).most_urgent_first()[:50]),
    }


@login_required
def visit_report(request, public_id):
    """A printable visit report: chart, analysis, safety findings, side effects, plan history."""
    return render(request, "clinic/visit_report.html", _report_context(request, public_id))


@login_required
def visit_report_pdf(request, public_id):
    """The visit report as a PDF (WeasyPrint), charts included."""
    import weasyprint

    context = _report_context(request, public_id)
    context["pdf"] = True
    html = render_to_string("clinic/visit_report_pdf.html", context, request=request)
    styles = [weasyprint.CSS(string=Path(finders.find(f"clinic/{name}")).read_text(encoding="utf-8"))
              for name in ("care.css", "report-pdf.css")]
    # Fetch nothing from the network or the disk: the report's images are inline data: URLs.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=styles)
    response = HttpResponse(pdf, content_type="application/pdf")
    patient = context["patient"]
    response["Content-Disposition"] = f'attachment; filename="visit-report-{patient.public_id}-{context["today"]:%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
