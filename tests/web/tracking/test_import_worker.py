"""The wearable import runs in the worker (the database queue), once, whatever the number of runs."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ldncare.web.notify.worker import run_database_worker
from ldncare.web.tracking.models import ImportedValue, WearableImport

from .conftest import export_zip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_password_hashing", "import_dir")]


def _burst() -> dict:
    return run_database_worker(burst=True, interval_s=1, stop=threading.Event())


def test_the_worker_imports_an_uploaded_zip_and_a_second_upload_changes_nothing(client, patient, oslo_export):
    patient.time_zone = "Europe/Oslo"
    patient.save()
    client.force_login(patient)
    upload = export_zip(oslo_export)
    assert client.post("/me/tracking/import/", {"file": SimpleUploadedFile("export.zip", upload)}).status_code == 302
    assert WearableImport.objects.get().state == "queued"
    assert _burst()["tasks_run"] >= 1
    first = WearableImport.objects.get()
    assert (first.state, first.days_imported, first.days_unchanged) == ("done", 2, 0)
    values = sorted(ImportedValue.objects.values_list("date", "item__slug", "value"))
    assert len(values) == 5
    assert _burst()["tasks_run"] == 0  # nothing left to do
    client.post("/me/tracking/import/", {"file": SimpleUploadedFile("export.zip", upload)})
    _burst()
    second = WearableImport.objects.order_by("-created_at").first()
    assert (second.state, second.days_imported, second.days_unchanged) == ("done", 0, 2)
    assert sorted(ImportedValue.objects.values_list("date", "item__slug", "value")) == values
