"""The wearable import service: an uploaded export (xml, zip) or CSV read into her daily wearable factors,
in her time zone, idempotent, storing only what the file holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from ldncare.web.access.models import AuditEvent
from ldncare.web.tracking.imports import (
    wearable_import_create,
    wearable_import_run,
    wearable_values_save,
)
from ldncare.web.tracking.models import ImportedValue, TrackedItem, WearableImport

from .conftest import OSLO_RECORDS, export_xml, export_zip, health_record

pytestmark = pytest.mark.usefixtures("fast_password_hashing", "import_dir")


def _request(user):
    request = RequestFactory().post("/me/tracking/import/")
    request.user = user
    return request


def _import(patient, name: str, content: bytes) -> WearableImport:
    job = wearable_import_create(request=_request(patient), patient=patient,
                                 uploaded=SimpleUploadedFile(name, content))
    assert wearable_import_run(job.pk) in {"done", "failed"}
    job.refresh_from_db()
    return job


def _stored(patient) -> dict:
    return {(v.date, v.item.slug): v.value for v in ImportedValue.objects.filter(item__patient=patient)}


def test_an_export_zip_is_read_per_local_day_and_twice_changes_nothing(patient, oslo_export):
    patient.time_zone = "Europe/Oslo"
    patient.save()
    first = _import(patient, "export.zip", export_zip(oslo_export))
    assert (first.state, first.file_format) == ("done", "apple-zip")
    assert (first.days_imported, first.days_unchanged, first.percent) == (2, 0, 100)
    assert first.total_bytes == len(oslo_export)  # progress counts the xml inside the zip
    stored = _stored(patient)
    assert stored == {
        (dt.date(2026, 3, 1), "steps"): Decimal("5000.00"),
        (dt.date(2026, 3, 2), "steps"): Decimal("120.00"),
        (dt.date(2026, 3, 2), "sleep_hours"): Decimal("7.50"),
        (dt.date(2026, 3, 2), "resting_heart_rate"): Decimal("60.00"),
        (dt.date(2026, 3, 2), "hrv_sdnn_ms"): Decimal("41.50"),
    }
    assert not Path(first.path or "/nonexistent").exists()
    assert first.path == ""
    items = {i.slug: i for i in TrackedItem.objects.filter(patient=patient)}
    assert {s: (i.name, i.kind, i.wearable) for s, i in items.items()} == {
        "sleep_hours": ("Sleep hours", "hours", "sleep_hours"), "steps": ("Steps", "count", "steps"),
        "resting_heart_rate": ("Resting heart rate (bpm)", "measure", "resting_heart_rate"),
        "hrv_sdnn_ms": ("HRV (SDNN, ms)", "measure", "hrv_sdnn_ms")}
    again = _import(patient, "export.zip", export_zip(oslo_export))
    assert (again.state, again.days_imported, again.days_unchanged) == ("done", 0, 2)
    assert _stored(patient) == stored
    assert TrackedItem.objects.filter(patient=patient).count() == 4


def test_the_same_export_in_another_time_zone_puts_the_night_step_on_the_first(patient, oslo_export):
    patient.time_zone = "UTC"
    patient.save()
    _import(patient, "export.xml", oslo_export)
    assert _stored(patient)[(dt.date(2026, 3, 1), "steps")] == Decimal("5120.00")


def test_only_the_days_and_factors_of_the_file_are_touched(patient):
    _import(patient, "steps.csv", b"date,metric,value\n2026-02-01,steps,8000\n2026-02-02,sleep_hours,7.25\n")
    job = _import(patient, "more.csv", b"date,metric,value\n2026-02-01,steps,8100\n2026-02-03,steps,9000\n")
    assert (job.file_format, job.days_imported, job.days_unchanged) == ("csv", 2, 0)
    assert _stored(patient) == {(dt.date(2026, 2, 1), "steps"): Decimal("8100.00"),
                                (dt.date(2026, 2, 2), "sleep_hours"): Decimal("7.25"),
                                (dt.date(2026, 2, 3), "steps"): Decimal("9000.00")}
    # nothing for a day or factor the files did not contain
    assert not ImportedValue.objects.filter(item__slug__in=["resting_heart_rate", "hrv_sdnn_ms"]).exists()


def test_a_value_the_factor_cannot_hold_is_skipped_and_counted(patient):
    job = _import(patient, "big.csv", b"date,metric,value\n2026-02-01,steps,150000\n2026-02-01,sleep_hours,8\n")
    assert (job.days_imported, job.values_skipped) == (1, 1)
    assert _stored(patient) == {(dt.date(2026, 2, 1), "sleep_hours"): Decimal("8.00")}


def test_her_own_steps_factor_is_taken_over_not_doubled(patient):
    own = TrackedItem.objects.create(patient=patient, kind="count", slug="steps", name="My steps")
    wearable_values_save(patient=patient, daily={dt.date(2026, 2, 1): {"factor:steps": 10.0}}, source="csv")
    own.refresh_from_db()
    assert (own.name, own.wearable) == ("My steps", "steps")
    assert TrackedItem.objects.filter(patient=patient, slug="steps").count() == 1


def test_a_broken_file_fails_with_a_message_and_stores_nothing(patient):
    job = _import(patient, "export.xml", b"<HealthData>" + health_record(
        "QuantityTypeIdentifierStepCount", "2026-03-01 09:00:00 +0100", "2026-03-01 09:30:00 +0100", "3").encode())
    assert job.state == "failed"
    assert "not an XML file" in job.message
    assert "nothing was stored" in job.message
    assert not ImportedValue.objects.exists()
    assert AuditEvent.objects.filter(object_type="wearable_import", object_id=str(job.uuid), action="update").exists()


def test_a_zip_without_export_xml_and_a_file_of_another_kind_are_refused_at_upload(patient):
    import io
    import zipfile

    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("photos/a.txt", "x")
    with pytest.raises(ValidationError, match="no export.xml"):
        wearable_import_create(request=_request(patient), patient=patient,
                               uploaded=SimpleUploadedFile("export.zip", empty.getvalue()))
    with pytest.raises(ValidationError, match="not an Apple Health export or a date,metric,value CSV"):
        wearable_import_create(request=_request(patient), patient=patient,
                               uploaded=SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 JFIF"))
    assert not WearableImport.objects.exists()


def test_a_finished_import_is_not_run_again(patient, oslo_export):
    job = _import(patient, "export.xml", export_xml(*OSLO_RECORDS[:1]))
    ImportedValue.objects.all().delete()
    assert wearable_import_run(job.pk) == "done"  # the task delivered twice: the second run does nothing
    assert not ImportedValue.objects.exists()


@pytest.mark.slow
def test_a_large_export_zip_is_read_in_bounded_memory(patient, tmp_path):
    """The XML is streamed out of the zip: the peak of Python's allocations stays far below its size."""
    import tracemalloc
    import zipfile

    day = dt.date(2024, 1, 1)
    path = tmp_path / "export.zip"
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("apple_health_export/export.xml", "w", force_zip64=True) as xml:
        xml.write(export_xml()[:-len(b"</HealthData>\n")])
        while written < 40 * 1024 * 1024:
            stamp = f"{day.isoformat()} 09:00:00 +0000"
            block = health_record("QuantityTypeIdentifierStepCount", stamp, stamp, "12").encode() * 2000
            xml.write(block)
            written += len(block)
            day += dt.timedelta(days=1)
        xml.write(b"</HealthData>\n")
    job = wearable_import_create(request=_request(patient), patient=patient,
                                 uploaded=SimpleUploadedFile("export.zip", path.read_bytes()))
    assert job.total_bytes > written
    tracemalloc.start()
    try:
        assert wearable_import_run(job.pk) == "done"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    job.refresh_from_db()
    assert job.days_imported == (day - dt.date(2024, 1, 1)).days
    assert peak < 16 * 1024 * 1024  # bytes, for a 40 MB export
