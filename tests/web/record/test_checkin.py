"""The daily check-in page: pre-filled, saves, edits a past day, validates, htmx fragment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _post(client, day, **values):
    data = {"date": day.isoformat(), "took_dose": "on", "ldn_dose_mg": "1.5", "dose_time": "22:00",
            "pain_score": "6", "fatigue_score": "5", "sleep_quality_score": "4", "mood_score": "7", **values}
    return client.post(f"/me/checkin/{day.isoformat()}/", data)


def test_check_in_saves_the_day_with_side_effects(client, patient):
    client.force_login(patient)
    today = timezone.localdate()
    response = _post(client, today, se_headache="mild", notes="fine")
    assert response.status_code == 200  # stays on the page to show the triage advice
    page = response.content.decode()
    assert "About the side effects you reported" in page
    assert "Headache (mild)" in page
    day = CheckIn.objects.get(patient=patient, date=today)
    assert day.ldn_dose_mg == Decimal("1.5")
    assert day.pain_score == 6
    assert day.dose_time == dt.time(22)
    assert [(s.side_effect_id, s.severity) for s in day.side_effects.all()] == [("headache", "mild")]


def test_editing_a_past_day_updates_it_in_place(client, patient):
    client.force_login(patient)
    day = timezone.localdate() - dt.timedelta(days=3)
    _post(client, day)
    page = client.get(f"/me/checkin/{day.isoformat()}/").content.decode()
    assert _checked(page, "pain_score") == "6"  # pre-filled with the saved pain score
    _post(client, day, pain_score="2", took_dose="")
    saved = CheckIn.objects.get(patient=patient, date=day)
    assert saved.pain_score == 2
    assert saved.ldn_dose_mg is None
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_next_day_is_prefilled_from_the_last_dose(client, patient):
    client.force_login(patient)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _post(client, yesterday, ldn_dose_mg="3")
    form = client.get("/me/checkin/").context["form"]
    assert form.initial["ldn_dose_mg"] == Decimal("3")
    assert form.initial["dose_time"] == dt.time(22)


def test_bad_values_are_refused_with_field_errors(client, patient):
    client.force_login(patient)
    today = timezone.localdate()
    response = _post(client, today, pain_score="11", ldn_dose_mg="80")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"pain_score", "ldn_dose_mg"}
    future = today + dt.timedelta(days=2)
    response = _post(client, future)
    assert response.status_code == 200
    assert f"Day {future.isoformat()} is in the future" in response.content.decode()  # shown, not silent
    assert not CheckIn.objects.exists()
    assert client.get("/me/checkin/not-a-date/").status_code == 404


def test_htmx_post_returns_the_fragment(client, patient):
    client.force_login(patient)
    response = client.post(f"/me/checkin/{timezone.localdate().isoformat()}/",
                           {"date": timezone.localdate().isoformat(), "pain_score": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body
    assert "<html" not in body


def test_page_uses_local_assets_only(client, patient):
    client.force_login(patient)
    body = client.get("/me/checkin/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "http://" not in body.replace("http://www.w3.org", "")
    assert "https://" not in body


def test_urgent_side_effect_gets_urgent_advice(client, patient):
    client.force_login(patient)
    response = _post(client, timezone.localdate(), se_allergic_reaction="severe")
    advice = response.context["advice"]
    assert [a["urgency"] for a in advice] == ["urgent_care"]


def test_clinician_builds_a_plan_from_a_protocol_and_the_check_in_uses_it(client, world):
    from ldncare.web.record.models import Plan

    owner, clinician = world["owner"], world["clin_ok"]
    client.force_login(clinician)
    start = timezone.localdate()
    response = client.post(f"/patients/{owner.public_id}/plan/", {
        "protocol": "article", "start_date": start.isoformat(), "concentration_mg_per_ml": "1", "send_to_pharmacy": "on",
    })
    assert response.status_code == 302
    plan = Plan.objects.get(patient=owner, is_current=True)
    assert plan.source == "clinician"
    assert plan.steps[0]["dose_mg"] == 1.5
    assert plan.steps[0]["device"]
    assert plan.sent_to_pharmacy == world["pharm_ok"].pharmacy
    client.force_login(owner)
    form = client.get("/me/checkin/").context["form"]
    assert form.initial["ldn_dose_mg"] == Decimal("1.5")
    ics = client.get("/me/plan/?format=ics")
    assert ics["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == len(plan.steps)


class _FormReader(HTMLParser):
    """What a browser submits from the check-in form: its inputs as rendered (checked radios and boxes)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "checkin" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "on")
            else:
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _browser_values(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    return reader.values


def _checked(page: str, name: str) -> str | None:
    return _browser_values(page).get(name)


SCORE_NAMES = ("pain_score", "fatigue_score", "sleep_quality_score", "mood_score")


def test_a_new_day_carries_no_score_and_no_dose_until_chosen(client, patient):
    from ldncare.web.record.models import Plan

    Plan.objects.create(patient=patient, source="patient", target_dose_mg=Decimal("1.5"), steps=[
        {"start_date": "2000-01-01", "end_date": None, "dose_mg": 1.5, "time": "22:00"}])
    client.force_login(patient)
    _post(client, timezone.localdate() - dt.timedelta(days=1))  # yesterday had scores
    page = client.get("/me/checkin/").content.decode()
    values = _browser_values(page)
    assert {values[name] for name in SCORE_NAMES} == {""}  # each score on "Not recorded"
    assert page.count("not recorded</output>") == 4
    assert "took_dose" not in values  # the plan's dose is offered, not ticked
    assert values["ldn_dose_mg"] == "1.5"
    client.post("/me/checkin/", values)  # saving the untouched form records nothing invented
    today = CheckIn.objects.get(patient=patient, date=timezone.localdate())
    assert [getattr(today, name) for name in SCORE_NAMES] == [None] * 4
    assert today.ldn_dose_mg is None


def test_editing_only_the_note_keeps_every_score_as_it_was(client, patient):
    """A day with one score and three blanks: re-saved with a new note, nothing else changes."""
    client.force_login(patient)
    day = timezone.localdate() - dt.timedelta(days=400)
    CheckIn.objects.create(patient=patient, date=day, pain_score=0, mood_score=None, ldn_dose_mg=None)
    page = client.get(f"/me/checkin/{day.isoformat()}/").content.decode()
    values = _browser_values(page)
    values["notes"] = "only the note changed"
    client.post(f"/me/checkin/{day.isoformat()}/", values)
    saved = CheckIn.objects.get(patient=patient, date=day)
    assert saved.notes == "only the note changed"
    assert (saved.pain_score, saved.fatigue_score, saved.sleep_quality_score, saved.mood_score) == (0, None, None, None)
    assert saved.ldn_dose_mg is None
    assert saved.pgic_score is None


def test_a_score_can_be_set_back_to_not_recorded(client, patient):
    client.force_login(patient)
    day = timezone.localdate()
    CheckIn.objects.create(patient=patient, date=day, pain_score=4)
    values = _browser_values(client.get("/me/checkin/").content.decode())
    assert values["pain_score"] == "4"
    values["pain_score"] = ""  # the "Not recorded" choice
    client.post(f"/me/checkin/{day.isoformat()}/", values)
    assert CheckIn.objects.get(patient=patient, date=day).pain_score is None


def test_the_day_picker_opens_any_day_from_2000_to_today(client, patient):
    client.force_login(patient)
    response = client.get("/me/checkin/", {"day": "2003-02-01"})
    assert response.status_code == 302
    assert response["Location"] == "/me/checkin/2003-02-01/"
    page = client.get("/me/checkin/2003-02-01/").content.decode()
    assert "Check-in for Saturday 1 February 2003" in page  # the heading has the year
    for bad, words in (("1999-12-31", "before 2000-01-01"), ((timezone.localdate() + dt.timedelta(days=1)).isoformat(),
                                                             "in the future")):
        for response in (client.get("/me/checkin/", {"day": bad}), client.get(f"/me/checkin/{bad}/")):
            assert response.status_code == 422
            body = response.content.decode()
            assert words in body
            assert "allowed: a day from 2000-01-01 to" in body
            assert 'class="form checkin"' not in body
    assert "Enter a valid date" in client.get("/me/checkin/", {"day": "31/12/2020"}).content.decode()


def test_the_diary_shows_years_and_names_and_reaches_every_day(client, patient):
    from ldncare.web.record.models import SideEffectReport

    client.force_login(patient)
    first = dt.date(2024, 1, 1)
    CheckIn.objects.bulk_create(CheckIn(patient=patient, date=first + dt.timedelta(days=n)) for n in range(200))
    SideEffectReport.objects.create(checkin=CheckIn.objects.get(patient=patient, date=first),
                                    side_effect_id="vivid_dreams", severity="mild")
    pages = [client.get("/me/diary/", {"page": n}).content.decode() for n in (1, 2, 3)]
    assert "Mon 1 Jan 2024" in pages[2]
    assert "Vivid dreams (mild)" in pages[2]
    assert "vivid_dreams" not in pages[2]
    assert "Page 1 of 3" in pages[0]


def test_the_plan_shows_days_with_the_year_and_device_names(client, patient):
    from ldncare.web.record.models import Plan

    Plan.objects.create(patient=patient, source="patient", target_dose_mg=Decimal("1.5"), steps=[
        {"start_date": "2026-12-01", "end_date": None, "dose_mg": 1.5, "time": "22:00", "volume_ml": 1.5,
         "device": "syringe-3ml"}])
    client.force_login(patient)
    page = client.get("/me/plan/").content.decode()
    assert "Tue 1 Dec 2026" in page
    assert "3 mL oral syringe" in page
    assert "(syringe-3ml)" not in page
