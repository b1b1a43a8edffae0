"""My data: the diary as CSV in the documented format, and deleting the account with its data."""

from __future__ import annotations

import csv
import io

import pytest

from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.models import User
from ldncare.web.record.core_bridge import DIARY_COLUMNS
from ldncare.web.record.models import CheckIn

from ..conftest import NOTE_MARKER

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_csv_export_has_the_documented_columns(client, world):
    client.force_login(world["owner"])
    response = client.get("/me/data/diary.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(rows[0].keys()) == DIARY_COLUMNS
    assert rows[0]["ldn_dose_mg"] == "1.5"
    assert rows[0]["side_effects"] == "vivid_dreams:mild"
    assert rows[0]["notes"] == NOTE_MARKER
    assert AuditEvent.objects.filter(action="export", subject_id=world["owner"].pk).exists()


def test_csv_export_neutralises_formulas(client, patient):
    CheckIn.objects.create(patient=patient, date="2026-01-01", notes="=HYPERLINK(\"http://x\")")
    client.force_login(patient)
    text = client.get("/me/data/diary.csv").content.decode()
    assert "'=HYPERLINK" in text


def test_csv_export_never_writes_control_characters(client, patient):
    # a note stored before control characters were refused (ldncare.core.text) is written without them
    CheckIn.objects.create(patient=patient, date="2026-01-02", notes="bell\x07 escape\x1b[31m red")
    client.force_login(patient)
    text = client.get("/me/data/diary.csv").content.decode()
    assert "bell escape[31m red" in text
    assert "\x07" not in text and "\x1b" not in text  # noqa: PT018


def test_deleting_the_account_needs_confirmation_and_removes_the_data(client, world, password):
    owner = world["owner"]
    client.force_login(owner)
    assert client.post("/me/data/delete/", {"confirm": "delete", "password": password}).status_code == 422
    assert User.objects.filter(pk=owner.pk).exists()
    response = client.post("/me/data/delete/", {"confirm": "DELETE", "password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not CheckIn.objects.filter(notes=NOTE_MARKER).exists()
    assert AuditEvent.objects.filter(subject_id=owner.pk, object_type="account", action="delete").exists()


def test_conditions_page_shows_certainty_and_links_to_studies(client, world):
    client.force_login(world["owner"])
    page = client.get("/me/conditions/").content.decode()
    assert "Certainty of the evidence: low" in page
    assert "https://pubmed.ncbi.nlm.nih.gov/" in page or "https://doi.org/" in page


def test_progress_analyses_the_chosen_outcome(client, world):
    client.force_login(world["owner"])
    page = client.get("/me/progress/?outcome=sleep_quality").content.decode()
    assert "with a sleep_quality score" in page
    assert client.get("/me/progress/?outcome=nonsense").status_code == 200
