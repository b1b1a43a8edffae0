"""The demo clinic: what it creates, the diaries' statuses by the core analysis, idempotence,
reset deleting only demo data, the banner, and the trial key seen by the pharmacy only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from ldncare.core import response
from ldncare.web.accounts.models import Pharmacy, Practice
from ldncare.web.booking.models import Booking, Slot
from ldncare.web.clinic.models import BlindedTrial
from ldncare.web.demo.models import DemoObject
from ldncare.web.demo.services import DEMO_PASSWORD, demo_clinic_create, format_logins
from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, Plan

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def clinic(db):
    return demo_clinic_create(today=TODAY)


def _user(username):
    return get_user_model().objects.get(username=username)


def test_the_clinic_has_its_people_records_and_marks(clinic):
    User = get_user_model()
    assert clinic.created
    assert Practice.objects.count() == 1
    assert Pharmacy.objects.count() == 1
    assert sorted(User.objects.values_list("role", flat=True)) == ["clinician", "patient", "patient", "patient", "pharmacist"]
    assert DemoObject.objects.filter(kind="user").count() == 5
    assert _user("demo-clinician").practice.name.startswith("Demo")
    assert _user("demo-responder").check_password(DEMO_PASSWORD)
    for username in ("demo-responder", "demo-nonresponder", "demo-trial"):
        days = CheckIn.objects.filter(patient=_user(username))
        first, last = days.earliest().date, days.latest().date
        assert (TODAY - last).days <= 3  # diaries run up to today (a day may be unrecorded)
        assert 120 <= (last - first).days <= 183  # 4 to 6 months
        assert days.count() > 100  # ~10 % of days left out, as real diaries are
        assert Plan.objects.filter(patient=_user(username), is_current=True, sent_to_pharmacy__isnull=False).count() == 1
    assert Slot.objects.filter(clinician=_user("demo-clinician")).count() > 20
    assert Booking.objects.filter(patient=_user("demo-responder"), status="booked").count() == 1
    text = format_logins(clinic)
    assert DEMO_PASSWORD in text
    assert "demo-pharmacist" in text
    assert "two-step sign-in" in text  # staff demo accounts enrol a second factor like real ones


def _status(username, outcome="pain"):
    checkins = CheckIn.objects.filter(patient=_user(username)).prefetch_related("side_effects")
    return response.analyze_response(core_bridge.to_diary(checkins), outcome).status


def test_the_core_analysis_finds_the_responder_and_the_non_responder(clinic):
    assert _status("demo-responder") == "likely_responder"
    assert _status("demo-responder", "fatigue") == "likely_responder"
    assert _status("demo-nonresponder") == "likely_non_responder"
    courses = response.side_effect_courses(core_bridge.to_diary(
        CheckIn.objects.filter(patient=_user("demo-nonresponder")).prefetch_related("side_effects")))
    assert any(c.name == "headache" and c.flag == "persisting" for c in courses)


def test_the_plans_come_from_the_dosing_core(clinic):
    plan = Plan.objects.get(patient=_user("demo-responder"))
    assert plan.protocol == "article"
    assert [s["dose_mg"] for s in plan.steps][:3] == [1.5, 3.0, 4.5]


def test_the_trial_key_is_held_for_the_pharmacy_only(clinic, client):
    item = BlindedTrial.objects.get()
    key = response.AllocationKey.model_validate(item.key_json)
    assert sorted(key.allocation.values()) == ["ldn", "ldn", "ldn", "placebo", "placebo", "placebo"]
    trial_plan = Plan.objects.get(patient=_user("demo-trial"), is_current=True)
    assert "placebo" not in str(trial_plan.steps)
    placebo_bottle = next(b for b, arm in key.allocation.items() if arm == "placebo")
    client.force_login(_user("demo-pharmacist"))
    page = client.get(f"/pharmacy/trials/{item.trial_id}/").content.decode()
    assert item.trial_id in page
    assert response.dispensing_list(key)[ord(placebo_bottle) - ord("A")].contents in page
    for username in ("demo-trial", "demo-clinician"):
        client.force_login(_user(username))
        assert client.get(f"/pharmacy/trials/{item.trial_id}/").status_code == 404


def test_demo_accounts_see_the_banner_others_do_not(clinic, client, patient):
    client.force_login(_user("demo-responder"))
    assert "Demo data." in client.get("/").content.decode()
    client.force_login(patient)
    assert "Demo data." not in client.get("/").content.decode()


def test_create_is_idempotent(clinic):
    users, checkins = get_user_model().objects.count(), CheckIn.objects.count()
    again = demo_clinic_create(today=TODAY)
    assert not again.created
    assert again.checkins == checkins
    assert (get_user_model().objects.count(), CheckIn.objects.count()) == (users, checkins)


def test_reset_deletes_only_demo_data(clinic, patient, clinician):
    real_practice = Practice.objects.create(name="Real Practice")
    CheckIn.objects.create(patient=patient, date=TODAY, pain_score=4)
    old_ids = set(DemoObject.objects.filter(kind="user").values_list("object_pk", flat=True))
    rebuilt = demo_clinic_create(reset=True, today=TODAY)
    assert rebuilt.created
    new_ids = set(DemoObject.objects.filter(kind="user").values_list("object_pk", flat=True))
    assert not old_ids & new_ids
    assert not get_user_model().objects.filter(pk__in=old_ids).exists()
    assert CheckIn.objects.filter(patient__pk__in=old_ids).count() == 0
    assert CheckIn.objects.filter(patient=patient).count() == 1
    assert get_user_model().objects.filter(pk__in=[patient.pk, clinician.pk]).count() == 2
    assert Practice.objects.filter(pk=real_practice.pk).exists()
    assert Practice.objects.count() == 2
    assert get_user_model().objects.count() == 7


def test_the_demo_records_open_in_the_patient_and_clinician_pages(clinic, client):
    client.force_login(_user("demo-trial"))
    plan_page = client.get("/me/plan/")
    assert plan_page.status_code == 200
    assert "bottle" in plan_page.content.decode().lower()
    client.force_login(_user("demo-clinician"))
    for username in ("demo-responder", "demo-nonresponder", "demo-trial"):
        page = client.get(f"/patients/{_user(username).public_id}/")
        assert page.status_code == 200, username
