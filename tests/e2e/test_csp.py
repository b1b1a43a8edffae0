"""In a real browser, the Content-Security-Policy blocks nothing ldncare itself needs, and the
behaviours moved out of inline handlers (static/ldncare/site.js) still work."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    return found


def test_pages_run_under_the_policy_without_violations(live_server, page, patient, password):
    violations = _violations(page)
    response = page.goto(live_server.url + "/simulator/?dose_mg=3&days=2")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#chart-conc.chart-ready canvas")  # charts.js drew the chart with uPlot
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(patient.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    from ldncare.web.record.models import CheckIn

    CheckIn.objects.create(patient=patient, date="2026-01-05", pain_score=4, ldn_dose_mg="1.5")
    page.goto(live_server.url + "/me/progress/")
    page.wait_for_selector("#progress-chart.chart-ready canvas")  # the diary chart, drawn under the policy
    CheckIn.objects.filter(patient=patient).delete()
    page.goto(live_server.url + "/me/checkin/")
    assert page.locator("#id_pain_score-out").inner_text() == "not recorded"
    page.get_by_role("group", name="Pain").get_by_label("7", exact=True).check()
    assert page.locator("#id_pain_score-out").inner_text() == "7"  # site.js updates the legend
    page.locator("#id_ldn_dose_mg").fill("1.5")
    assert page.locator("#id_took_dose").is_checked()  # typing a dose ticks "I took my dose"
    page.locator("#id_ldn_dose_mg").fill("")
    assert not page.locator("#id_took_dose").is_checked()
    assert violations == []
