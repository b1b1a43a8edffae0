"""/me/tracking/import/: she uploads an export or a CSV (streamed to a temporary file), sees the progress
(a small JSON status, or a page reload) and the result; too big or the wrong kind of file is a form error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ldncare.web.tracking.imports import wearable_import_run
from ldncare.web.tracking.models import WearableImport

from .conftest import export_zip

pytestmark = pytest.mark.usefixtures("fast_password_hashing", "import_dir")


def test_upload_queues_the_import_and_the_page_shows_progress_then_the_result(client, patient, oslo_export,
                                                                              django_capture_on_commit_callbacks):
    client.force_login(patient)
    page = client.get("/me/tracking/import/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/me/tracking/import/", {"file": SimpleUploadedFile("export.zip",
                                                                                   export_zip(oslo_export))})
    assert response.status_code == 302
    assert len(queued) == 1  # the worker's task is enqueued once the upload is saved
    job = WearableImport.objects.get(patient=patient)
    assert (job.state, job.file_name, job.file_format) == ("queued", "export.zip", "apple-zip")
    waiting = client.get("/me/tracking/import/").content.decode()
    assert "Waiting for the worker" in waiting
    assert "<progress" in waiting
    status = client.get(f"/me/tracking/import/{job.uuid}/status.json").json()
    assert (status["state"], status["percent"], status["finished"]) == ("queued", 0, False)
    assert status["total_bytes"] == len(oslo_export)
    wearable_import_run(job.pk)
    status = client.get(f"/me/tracking/import/{job.uuid}/status.json").json()
    assert (status["state"], status["percent"], status["days_imported"], status["days_unchanged"]) == ("done", 100, 2, 0)
    done = client.get("/me/tracking/import/").content.decode()
    assert "2 days imported, 0 days unchanged" in done
    assert "<progress" not in done
    assert "Sleep hours" in done  # her wearable factors, by name


def test_a_file_of_another_kind_is_a_form_error(client, patient):
    client.force_login(patient)
    response = client.post("/me/tracking/import/", {"file": SimpleUploadedFile("notes.txt", b"hello, world\n")})
    assert response.status_code == 422
    assert "is not an Apple Health export or a date,metric,value CSV" in response.content.decode()
    assert client.post("/me/tracking/import/", {}).status_code == 422  # no file at all
    assert not WearableImport.objects.exists()


def test_a_file_above_the_limit_is_a_form_error_and_nothing_is_kept(client, patient, settings, import_dir):
    settings.WEARABLE_IMPORT_MAX_BYTES = 64 * 1024
    client.force_login(patient)
    big = b"date,metric,value\n" + b"2026-02-01,steps,1\n" * 10000
    response = client.post("/me/tracking/import/", {"file": SimpleUploadedFile("big.csv", big)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "The file is bigger than 64.0\xa0KB" in page
    assert not WearableImport.objects.exists()
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_the_upload_goes_to_a_temporary_file_not_memory(settings):
    assert settings.FILE_UPLOAD_HANDLERS == ["ldncare.web.tracking.uploads.LimitedTemporaryFileUploadHandler"]
    assert settings.WEARABLE_IMPORT_MAX_BYTES == 1024 ** 3  # the default: 1 GiB


def test_status_of_another_patients_import_is_not_found(client, patient, stranger, oslo_export):
    job = WearableImport.objects.create(patient=patient, file_format="apple-xml", file_name="export.xml", path="",
                                        time_zone="UTC")
    client.force_login(stranger)
    assert client.get(f"/me/tracking/import/{job.uuid}/status.json").status_code == 404
