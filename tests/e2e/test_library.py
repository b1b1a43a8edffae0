"""A visitor finds the Crohn's disease evidence by searching, in a real browser."""

from __future__ import annotations

import re

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e



def test_visitor_searches_crohn_and_reaches_the_crohns_page(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Evidence library").first.click()
    page.wait_for_url(live_server.url + "/library/")
    page.get_by_label("Search the library", exact=True).fill("crohn")
    page.keyboard.press("Enter")  # keyboard only
    page.wait_for_url(re.compile(r".*/library/search/\?q=crohn$"))
    first = page.locator("ol.hits li a").first
    assert first.inner_text() == "Crohn's disease"
    first.click()
    page.wait_for_url(live_server.url + "/library/conditions/crohns-disease/")
    assert page.locator("h1").inner_text() == "Crohn's disease"
    assert page.get_by_role("heading", name=re.compile("Certainty of the evidence")).is_visible()
    assert page.locator("table.studies tbody tr").count() >= 5


def test_library_pages_are_labelled_with_one_h1(live_server, page):
    for path in ("/library/", "/library/search/?q=", "/library/conditions/fibromyalgia/",
                 "/library/studies/smith2011-crohns-rct/", "/library/side-effects/", "/library/alternatives/",
                 "/library/about/", "/library/claims/"):
        page.goto(live_server.url + path)
        assert_accessible(page, path)
    page.goto(live_server.url + "/library/search/?q=")
    assert page.get_by_role("alert").inner_text().startswith("Type a word")
