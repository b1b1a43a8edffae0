"""Popular searches are counted per normalised query and day, never per person."""

from __future__ import annotations

import datetime as dt

import pytest

from ldncare.web.library.models import PopularSearch
from ldncare.web.library.popular import MIN_COUNT, WINDOW_DAYS, count_search, popular_searches

pytestmark = pytest.mark.django_db


def test_the_counter_has_no_column_that_could_identify_a_person():
    columns = {f.name for f in PopularSearch._meta.get_fields()}
    assert columns == {"id", "query", "day", "count"}
    assert PopularSearch._meta.get_field("day").get_internal_type() == "DateField"  # a day bucket, not a time


def test_searches_by_signed_in_users_store_nothing_about_them(client, patient, password):
    client.force_login(patient)
    client.get("/library/search/", {"q": "Crohn's"}, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Agent/1.0")
    client.logout()
    client.get("/library/search/", {"q": "crohns"}, REMOTE_ADDR="198.51.100.9")
    rows = list(PopularSearch.objects.values())
    assert rows == [{"id": rows[0]["id"], "query": "crohns", "day": rows[0]["day"], "count": 2}]
    stored = repr(rows)
    for secret in (patient.username, "203.0.113.7", "198.51.100.9", "Agent/1.0"):
        assert secret not in stored


def test_only_queries_with_results_are_counted(client):
    client.get("/library/search/", {"q": "zzqqxx"})
    client.get("/library/search/", {"q": ""})
    assert PopularSearch.objects.count() == 0


def test_popular_list_needs_more_than_one_search_and_forgets_old_days(client):
    today = dt.date(2026, 11, 24)
    for _ in range(3):
        count_search("Fibromyalgia", today=today)
    count_search("headache", today=today)  # asked once: not shown
    count_search("crohn", today=today - dt.timedelta(days=WINDOW_DAYS))  # outside the window
    count_search("crohn", today=today - dt.timedelta(days=WINDOW_DAYS + 1))
    assert popular_searches(today=today) == [("fibromyalgia", 3)]
    assert MIN_COUNT == 2


def test_popular_searches_appear_on_the_library_page(client):
    for _ in range(2):
        client.get("/library/search/", {"q": "crohn"})
    html = client.get("/library/").content.decode()
    assert "Popular searches" in html
    assert 'href="/library/search/?q=crohn"' in html
