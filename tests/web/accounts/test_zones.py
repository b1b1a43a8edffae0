"""Each person's time zone: read safely, made current per request, shown with its name."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from ldncare.web.accounts.zones import local_time_text, time_zone_problem, user_zone

MOMENT = dt.datetime(2026, 12, 4, 17, 30, tzinfo=dt.UTC)


def test_user_zone_reads_the_stored_name_and_falls_back_to_utc(patient):
    patient.time_zone = "Asia/Tokyo"
    assert user_zone(patient) == zoneinfo.ZoneInfo("Asia/Tokyo")
    patient.time_zone = "Mars/Olympus_Mons"
    assert user_zone(patient) == zoneinfo.ZoneInfo("UTC")


def test_a_time_says_which_zone_it_is_in():
    assert local_time_text(MOMENT, zoneinfo.ZoneInfo("Europe/Oslo")) == "Fri 4 Dec 2026, 18:30 CET (Europe/Oslo)"
    assert local_time_text(MOMENT, zoneinfo.ZoneInfo("UTC")) == "Fri 4 Dec 2026, 17:30 UTC"
    # A zone whose abbreviation is only an offset is named by its IANA name alone.
    assert local_time_text(MOMENT, zoneinfo.ZoneInfo("America/Sao_Paulo"), with_day=False) == "14:30 America/Sao_Paulo"


def test_time_zone_problem_names_what_is_allowed():
    assert time_zone_problem("Europe/Oslo") is None
    assert "IANA name" in time_zone_problem("Oslo")


def test_template_filters_use_the_one_date_format():
    rendered = Template("{% load ldncare_time %}{{ d|day }} | {{ m|when }}").render(
        Context({"d": dt.date(2026, 3, 1), "m": MOMENT}))
    assert rendered == "Sun 1 Mar 2026 | Fri 4 Dec 2026, 17:30 UTC"


@pytest.mark.django_db
def test_each_request_runs_in_the_signed_in_persons_zone(patient):
    patient.time_zone = "Pacific/Kiritimati"  # UTC+14: the first place where a day begins
    patient.save(update_fields=["time_zone"])
    seen = {}

    from ldncare.web.accounts.zones import UserTimeZoneMiddleware

    class Request:
        user = patient

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["day"] = timezone.localdate(MOMENT.replace(hour=11))
        return None

    UserTimeZoneMiddleware(view)(Request())
    assert seen == {"zone": "Pacific/Kiritimati", "day": dt.date(2026, 12, 5)}
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request


def test_sign_up_keeps_the_zone_and_account_changes_it(db, client):
    response = client.post("/accounts/signup/", {
        "username": "zoe", "email": "zoe@example.org", "password1": "a long pass phrase 42",
        "password2": "a long pass phrase 42", "time_zone": "America/New_York"})
    assert response.status_code == 302
    from ldncare.web.accounts.models import User

    zoe = User.objects.get(username="zoe")
    assert zoe.time_zone == "America/New_York"
    page = client.get("/accounts/security/").content.decode()
    assert '<option value="America/New_York" selected>' in page
    refused = client.post("/accounts/time-zone/", {"time_zone": "Atlantis/Capital"})
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
    assert client.post("/accounts/time-zone/", {"time_zone": "Asia/Tokyo"}).status_code == 302
    zoe.refresh_from_db()
    assert zoe.time_zone == "Asia/Tokyo"


def test_the_sign_up_page_asks_the_browser_for_the_zone(db, client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'data-from-browser="1"' in page  # site.js fills it from Intl.DateTimeFormat
    assert "Your time zone" in page
