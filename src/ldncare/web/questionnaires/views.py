"""The patient's questionnaires page (/me/questionnaires/): answer a form, see the history, set a
reminder schedule; and the same results for a clinician she shares her record with."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ldncare.core.response.questionnaires import (
    UnknownQuestionnaireError,
    get_questionnaire,
    load_not_included,
)
from ldncare.web import policy
from ldncare.web.access.views import role_required
from ldncare.web.accounts.models import Role
from ldncare.web.questionnaires import services
from ldncare.web.questionnaires.forms import AnswersForm, ScheduleForm
from ldncare.web.questionnaires.selectors import histories_of


def _questionnaire_or_404(instrument: str):
    try:
        return get_questionnaire(instrument)
    except UnknownQuestionnaireError:
        raise Http404("No such questionnaire") from None


def _schedule_form(history, data=None) -> ScheduleForm:
    schedule = history.schedule
    initial = ({"frequency": schedule.frequency, "weekday": schedule.weekday, "day_of_month": schedule.day_of_month,
                "time": schedule.time} if schedule else {"frequency": services.OFF})
    return ScheduleForm(data, initial=initial, instrument=history.questionnaire.id)


def _index(request, patient, *, bound: ScheduleForm | None = None, status: int = 200):
    from ldncare.web.notify.reminders import reminders_get

    histories = histories_of(patient)
    forms = {h.questionnaire.id: (bound if bound is not None and bound.prefix == h.questionnaire.id
                                  else _schedule_form(h)) for h in histories}
    return render(request, "questionnaires/index.html", {
        "histories": [(h, forms[h.questionnaire.id]) for h in histories],
        "not_included": load_not_included(),
        "channels": reminders_get(patient).channels,
        "time_zone": patient.time_zone,
    }, status=status)


@role_required(Role.PATIENT)
def index(request):
    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary")
    return _index(request, patient)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def answer(request, instrument: str):
    questionnaire = _questionnaire_or_404(instrument)
    action = "read" if request.method == "GET" else "create"
    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary", action=action)
    form = AnswersForm(request.POST if request.method == "POST" else None, questionnaire=questionnaire)
    if form.is_bound and form.is_valid():
        try:
            result = services.questionnaire_result_save(request=request, patient=patient, instrument=instrument,
                                                        answers=form.answers())
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                form.add_error(None, errors)
        else:
            messages.success(request, f"Saved. {questionnaire.name}: {_summary(result, questionnaire)}")
            return redirect(reverse("questionnaires:index") + f"#q-{instrument}")
    return render(request, "questionnaires/answer.html", {"questionnaire": questionnaire, "form": form},
                  status=422 if form.is_bound and form.errors else 200)


@role_required(Role.PATIENT)
@require_POST
def schedule(request, instrument: str):
    _questionnaire_or_404(instrument)
    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary", action="update")
    form = ScheduleForm(request.POST, instrument=instrument)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.questionnaire_schedule_save(
                request=request, patient=patient, instrument=instrument, frequency=data["frequency"],
                weekday=data["weekday"], day_of_month=data["day_of_month"], time=data["time"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            name = get_questionnaire(instrument).name
            messages.success(request, f"{name}: reminders {saved.rule.describe()}." if saved
                             else f"{name}: no reminders.")
            return redirect(reverse("questionnaires:index") + f"#q-{instrument}")
    return _index(request, patient, bound=form, status=422)


@login_required
def patient_results(request, public_id):
    """A patient's results as a clinician she shares her record with sees them (read only; every
    refusal is audited by the policy)."""
    patient = policy.get_patient_or_404(request, public_id, part="diary")
    return render(request, "questionnaires/patient.html", {
        "patient": patient, "histories": [h for h in histories_of(patient) if h.results]})


def _summary(result, questionnaire) -> str:
    if result.t_score is None:
        return f"{result.raw_score} of {len(questionnaire.items[0].options)}, “{result.interpretation}”."
    return (f"T-score {result.t_score} (SE {result.se}), raw score {result.raw_score}"
            + (f", {result.interpretation}." if result.interpretation else "."))
