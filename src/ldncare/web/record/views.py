"""The patient's journey pages, and the record as a clinician sees it. Thin: forms, policy, services."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ldncare.core.response.diary import format_diary
from ldncare.web import policy
from ldncare.web.access.grants import active_pharmacy
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.accounts.templatetags.ldncare_time import day_text
from ldncare.web.alerts.selectors import alerts_told
from ldncare.web.record import core_bridge, services
from ldncare.web.record.charts import chart_table, progress_chart
from ldncare.web.record.forms import (
    CheckInForm,
    DayPickerForm,
    DeleteAccountForm,
    OnboardingForm,
    PlanForm,
    ProtocolPlanForm,
    checkin_day_problem,
)
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport
from ldncare.web.record.services import DuplicateDayError
from ldncare.web.record.vocab import conditions, side_effects
from ldncare.web.tracking.selectors import checkin_tracked_form, with_tracked
from ldncare.web.tracking.services import tracked_values_save

patient_only = role_required(Role.PATIENT)
OUTCOME_CHOICES = (("pain", "Pain"), ("fatigue", "Fatigue"), ("sleep_quality", "Sleep quality"), ("mood", "Mood"))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _own(request, part: str, action: str = "read"):
    """The signed-in patient, after the policy agreed (and the access was audited)."""
    return policy.get_patient_or_404(request, request.user.public_id, part=part, action=action)


@patient_only
def onboarding(request):
    patient = _own(request, "profile", "read" if request.method == "GET" else "update")
    # Not created by looking: the safety check speaks only once the person has answered (profile_save).
    profile = Profile.objects.filter(patient=patient).first()
    initial = {} if profile is None else {
        "conditions": profile.condition_ids, "other_conditions": "\n".join(profile.other_conditions),
        "medicines": "\n".join(profile.medicines),
        "pregnant": profile.pregnant, "breastfeeding": profile.breastfeeding, "hepatic": profile.hepatic,
        "planned_surgery_on": profile.planned_surgery_on,
    }
    form = OnboardingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            profile = services.profile_save(
                request=request, patient=patient, condition_ids_=d["conditions"], medicines=form.medicine_list(),
                pregnant=d["pregnant"], breastfeeding=d["breastfeeding"], hepatic=d["hepatic"],
                planned_surgery_on=d["planned_surgery_on"], other_conditions=d["other_conditions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved. Here is what ldncare found.")
    screen = core_bridge.screen_profile(profile) if profile is not None else None
    return render(request, "record/onboarding.html", {"form": form, "profile": profile, "screen": screen})


def _checkin_initial(patient, day: dt.date) -> dict:
    """A new day: the plan's dose for the day (else the last one taken) offered, not recorded.

    Scores start "not recorded" and "I took my LDN dose" unticked: saving records only what
    the person chose (the offered dose counts once they tick the box).
    """
    initial = {"date": day, "took_dose": False}
    last = CheckIn.objects.filter(patient=patient, date__lt=day).order_by("-date").first()
    if last is not None:
        initial.update(ldn_dose_mg=last.ldn_dose_mg, dose_time=last.dose_time)
    planned = core_bridge.planned_dose(Plan.objects.filter(patient=patient, is_current=True).first(), day)
    if planned is not None:
        initial.update(ldn_dose_mg=planned[0], dose_time=planned[1])
    return initial


@patient_only
@require_http_methods(["GET", "POST"])
def checkin(request, day: str | None = None):
    """The 30-second daily check-in (today, or any day from 2000 to today to fill in or edit)."""
    patient = _own(request, "diary", "read" if request.method == "GET" else "update")
    if day is None and "day" in request.GET:  # the day picker
        picker = DayPickerForm(request.GET)
        if picker.is_valid():
            return redirect("record:checkin-day", day=picker.cleaned_data["day"].isoformat())
        return render(request, "record/checkin.html", {"picker": picker, "day": None}, status=422)
    try:
        the_day = dt.date.fromisoformat(day) if day else timezone.localdate()
    except ValueError:
        raise Http404("Not found") from None
    picker = DayPickerForm(initial={"day": the_day})
    if (problem := checkin_day_problem(the_day)) is not None:
        picker = DayPickerForm({"day": the_day.isoformat()})
        picker.is_valid()
        if request.method == "GET":
            return render(request, "record/checkin.html", {"picker": picker, "day": None, "problem": problem},
                          status=422)
    existing = CheckIn.objects.filter(patient=patient, date=the_day).prefetch_related("side_effects").first()
    if existing is not None:
        initial = {
            "date": existing.date, "took_dose": existing.ldn_dose_mg is not None, "ldn_dose_mg": existing.ldn_dose_mg,
            "dose_time": existing.dose_time, "pgic_score": existing.pgic_score, "notes": existing.notes,
            "symptom": existing.symptom, "symptom_severity": existing.symptom_severity,
            **{f"se_{s.side_effect_id}": s.severity for s in existing.side_effects.all()},
            **{n: getattr(existing, n) for n in ("pain_score", "fatigue_score", "sleep_quality_score", "mood_score")},
        }
    else:
        initial = _checkin_initial(patient, the_day)
    form = CheckInForm(request.POST or None, initial=initial)
    tracked_form = checkin_tracked_form(patient, existing, request.POST or None)  # her own outcomes and factors
    saved = None
    advice, told = [], []
    if request.method == "POST" and form.is_valid() and tracked_form.is_valid():
        try:
            with transaction.atomic():  # the day and its own outcomes/factors, or neither
                saved = services.checkin_save(request=request, patient=patient, data=form.to_data())
                tracked_values_save(request=request, patient=patient, checkin=saved, values=tracked_form.values())
        except (ValidationError, DuplicateDayError) as exc:
            saved = None
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            advice = core_bridge.triage_checkin(saved)
            told = alerts_told(saved) if advice else []
            if not _is_htmx(request) and not advice:
                messages.success(request, f"Saved your check-in for {day_text(saved.date)}.")
                return redirect("record:progress")
    context = {"form": form, "tracked_form": tracked_form, "day": the_day, "saved": saved, "advice": advice, "told": told,
               "editing": existing is not None, "picker": picker, "offline_advice": offline_advice()}
    if _is_htmx(request):
        return render(request, "record/checkin_form.html", context)
    return render(request, "record/checkin.html", context)


@cache
def offline_advice() -> dict[str, dict]:
    """The day-0 triage of every side effect and severity that needs action now (one of
    ``ALERT_OUTCOMES``), keyed ``"<id>:<severity>"``, each with its ``rank`` in that order (0 = most
    urgent, offline.js shows the cards in it): offline.js shows it at once when such a report is saved
    offline, before it can be sent (the server triages it again, with the dose history).

    ``"symptom-text:<severity>"`` is the answer for a symptom typed in the person's own words: the
    device cannot read the words (the core's free-text triage runs on the server), so it gives the
    core's answer for text it has not recognised (contact the prescriber, with the urgent-care line).
    """
    from ldncare.web.record.core_bridge.advice import ALERT_OUTCOMES, triage_report, triage_symptom

    keys = ("name", "severity", "urgency", "headline", "explanation")
    table = {}
    for severity in SideEffectReport.Severity.values:
        cards = [(f"{term.id}:{severity}", triage_report(term.id, severity, 0)) for term in side_effects()]
        cards.append((f"symptom-text:{severity}", triage_symptom("", severity, 0)))
        for key, card in cards:
            if card is not None and card["urgency"] in ALERT_OUTCOMES:
                table[key] = {k: card[k] for k in keys} | {"rank": ALERT_OUTCOMES.index(card["urgency"])}
    return table


@patient_only
@require_http_methods(["GET"])
def checkin_offline(request):
    """The check-in the installed app opens without a connection (static/ldncare/offline.js).

    An empty form, no health data: the service worker keeps a copy of this page only. The check-in
    is kept in the browser (IndexedDB) and sent through the JSON API when the device is online.
    """
    _own(request, "diary")
    return render(request, "record/checkin_offline.html", {"form": CheckInForm(initial={"took_dose": False}),
                                                          "offline_advice": offline_advice()})


@patient_only
@require_http_methods(["GET"])
def offline_session(request):
    """For offline.js before it sends waiting check-ins: whose they may be, and a fresh CSRF token.

    Same-origin JSON only (no CORS): another site cannot read it, so the API's session + CSRF check
    stays as strong as for the pages' own forms.
    """
    response = JsonResponse({"patient_id": str(request.user.public_id), "csrf_token": get_token(request),
                             "diary_url": reverse("api-v1:diary_create", kwargs={"patient_id": request.user.public_id})})
    response["Cache-Control"] = "no-store"
    return response


@patient_only
def diary(request):
    patient = _own(request, "diary")
    page = Paginator(CheckIn.objects.filter(patient=patient).prefetch_related("side_effects"), 90).get_page(
        request.GET.get("page"))
    return render(request, "record/diary.html", {"days": page.object_list, "page": page})


@patient_only
def progress(request):
    patient = _own(request, "diary")
    outcome = request.GET.get("outcome", "pain")
    if outcome not in dict(OUTCOME_CHOICES):
        outcome = "pain"
    diary = core_bridge.load_diary(CheckIn.objects.filter(patient=patient))
    plan = Plan.objects.filter(patient=patient, is_current=True).first()
    profile = Profile.objects.filter(patient=patient).first()
    # A blinded trial replaces the open-label verdict: progress while it runs, its own result after.
    trial = policy.trials_visible_to(request.user).filter(patient=patient).first()
    trial_state = (core_bridge.trial_state(trial, diary, today=timezone.localdate(), outcome=outcome)
                   if trial is not None else None)
    context = {
        "patient": patient, "n_days": len(diary.days),
        "outcome": outcome, "outcomes": OUTCOME_CHOICES, "trial": trial_state,
        "analysis": core_bridge.analyze_diary(diary, outcome=outcome,
                                              conditions=profile.condition_ids if profile else ())
        if diary.days and trial_state is None else None,
        "day_curve": core_bridge.day_curve(diary.days, plan),
    } | _chart_context(diary.days)
    return render(request, "record/progress.html", context)


def _chart_context(days) -> dict:  # noqa: ANN001
    """The interactive diary chart and its table (includes/chart.html) from the core's diary days;
    nothing without check-ins."""
    if not days:
        return {"chart": None, "chart_table": None}
    spec = progress_chart(days)
    return {"chart": spec, "chart_table": chart_table(spec)}


def _plan_form_save(request, patient, form, *, source: str):
    d = form.cleaned_data
    pharmacy = active_pharmacy(patient) if d.get("send_to_pharmacy") else None
    return services.plan_save(
        request=request, patient=patient, author=request.user, source=source, steps=d["steps"],
        target_dose_mg=d["target_dose_mg"], notes=d.get("notes", ""), sent_to_pharmacy=pharmacy,
    )


@patient_only
def my_plan(request):
    patient = _own(request, "plan", "read" if request.method == "GET" else "create")
    plan = Plan.objects.filter(patient=patient, is_current=True).first()
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _plan_form_save(request, patient, form, source=Plan.Source.PATIENT)
        messages.success(request, "Plan saved, marked as entered by you.")
        return redirect("record:plan")
    if request.GET.get("format") == "ics" and plan is not None:
        ics = core_bridge.plan_ics(plan)
        if ics is not None:
            response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="ldn-plan.ics"'
            return response
    return render(request, "record/plan.html", {
        "plan": plan, "form": form, "pharmacy": active_pharmacy(patient), "ics_available": core_bridge.HAS_ICS,
    })


@patient_only
def my_conditions(request):
    patient = _own(request, "profile")
    profile = Profile.objects.filter(patient=patient).first()
    chosen = set(profile.condition_ids) if profile else set()
    items = [(c, core_bridge.evidence(c.id)) for c in conditions() if c.id in chosen]
    return render(request, "record/conditions.html",
                  {"items": items, "other_conditions": profile.other_conditions if profile else []})


@patient_only
def my_data(request):
    _own(request, "export")
    return render(request, "record/my_data.html", {"form": DeleteAccountForm(user=request.user)})


@patient_only
def diary_export(request):
    patient = policy.get_patient_or_404(request, request.user.public_id, part="export", action="export")
    checkins = CheckIn.objects.filter(patient=patient).prefetch_related("side_effects")
    text = format_diary(with_tracked(core_bridge.to_diary(checkins, safe_text=True), patient, checkins))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ldncare-diary-{timezone.localdate():%Y%m%d}.csv"'
    return response


@patient_only
@require_http_methods(["POST"])
def account_delete(request):
    patient = _own(request, "grants", "delete")
    form = DeleteAccountForm(request.POST, user=patient)
    if not form.is_valid():
        return render(request, "record/my_data.html", {"form": form}, status=422)
    services.account_delete(request=request, patient=patient)
    logout(request)
    messages.success(request, "Your account and all its data have been deleted.")
    return redirect("home")


@login_required
def patient(request, public_id):
    """The record as a clinician (or the patient) sees it; pharmacists and admins get 404."""
    patient = policy.get_patient_or_404(request, public_id, part="diary")
    alerts = list(policy.alerts_visible_to(request.user).filter(patient=patient).most_urgent_first()[:50])
    profile = Profile.objects.filter(patient=patient).first()
    return render(request, "record/patient.html", {
        "patient": patient,
        "open_alerts": [a for a in alerts if a.is_open and a.recipient_id == request.user.pk],
        "told": alerts if request.user.pk == patient.pk else [],
        "profile": profile,
        "contraindications": core_bridge.contraindications(profile) if request.user.role == Role.CLINICIAN else [],
        "plan": policy.plans_visible_to(request.user).filter(patient=patient, is_current=True).first(),
        "days": policy.checkins_visible_to(request.user).filter(patient=patient)[:14],
    } | _chart_context(core_bridge.load_diary(policy.checkins_visible_to(request.user).filter(patient=patient)).days))


@login_required
@require_http_methods(["GET", "POST"])
def patient_plan(request, public_id):
    """A clinician writes the patient's plan (only with an active grant)."""
    patient = policy.get_patient_or_404(request, public_id, part="plan",
                                        action="read" if request.method == "GET" else "create")
    if request.user.role != Role.CLINICIAN:
        raise Http404("Not found")
    from_protocol = request.method == "POST" and "protocol" in request.POST
    form = PlanForm(request.POST if request.method == "POST" and not from_protocol else None)
    # Its own ids: both forms have a "send to pharmacy" box, and a label must name one control.
    protocol_form = ProtocolPlanForm(request.POST if from_protocol else None, auto_id="protocol_%s")
    standing = core_bridge.contraindications(Profile.objects.filter(patient=patient).first())
    if from_protocol and protocol_form.is_valid() and not _send_refused(protocol_form, standing):
        d = protocol_form.cleaned_data
        try:
            built = core_bridge.build_protocol_plan(
                protocol=d["protocol"], start_date=d["start_date"], target_mg=d.get("target_mg"),
                weight_kg=d.get("weight_kg"), time=d.get("time"),
                concentration_mg_per_ml=d["concentration_mg_per_ml"])
        except ValueError as exc:
            protocol_form.add_error(None, str(exc))
        else:
            services.plan_save(
                request=request, patient=patient, author=request.user, source=Plan.Source.CLINICIAN,
                steps=built["steps"], target_dose_mg=built["target_mg"], protocol=built["protocol"],
                notes=built["notes"][:2000],
                sent_to_pharmacy=active_pharmacy(patient) if d.get("send_to_pharmacy") else None,
            )
            messages.success(request, "Plan saved from the protocol.")
            return redirect("record:patient", public_id=patient.public_id)
    elif request.method == "POST" and not from_protocol and form.is_valid() and not _send_refused(form, standing):
        _plan_form_save(request, patient, form, source=Plan.Source.CLINICIAN)
        messages.success(request, "Plan saved.")
        return redirect("record:patient", public_id=patient.public_id)
    return render(request, "record/patient_plan.html",
                  {"patient": patient, "form": form, "protocol_form": protocol_form, "contraindications": standing})


def _send_refused(form, standing: list[dict]) -> bool:
    """The prescribing guard on the plan builder: while a contraindication stands, a plan is not sent
    to the pharmacy from here (nothing is saved); "Send a prescription" takes the override's reason."""
    if not (standing and form.cleaned_data.get("send_to_pharmacy")):
        return False
    form.add_error("send_to_pharmacy", (
        f"Not sent: the safety screen shows a contraindication ({core_bridge.findings_summary(standing)}). "
        "Untick this box to save the plan, then use “Send a prescription”, where sending needs your reason "
        "for overriding the contraindication."))
    return True
