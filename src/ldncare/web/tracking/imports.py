"""Wearable imports on the web: an uploaded Apple Health export (``export.xml``, or ``export.zip`` as the
Health app makes it) or a ``date,metric,value`` CSV, read by the worker with the core's streaming reader
(:mod:`ldncare.core.response.wearables`) into the patient's daily wearable factors.

* The upload is streamed by Django to a temporary file (``FILE_UPLOAD_HANDLERS``), never held in
  memory, and moved to ``WEARABLE_IMPORT_DIR`` until the worker has read it (then deleted).
* The XML inside a zip is read as a stream from the zip (never extracted whole).
* Days are the patient's local days (her time zone). Values are stored as the file gave them
  (:class:`ImportedValue`); a day already holding the same values is *unchanged*, so importing the
  same file again changes nothing. Nothing is stored for a day or a factor the file did not contain.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ldncare.core.response.wearables import (
    WEARABLE_FACTORS,
    WearableImportError,
    read_apple_health,
    read_wearable_csv,
)
from ldncare.web.access.audit import WORKER, audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.zones import user_zone
from ldncare.web.tracking.models import (
    KIND_RANGES,
    ImportedValue,
    Kind,
    TrackedItem,
    WearableImport,
)

__all__ = ["WEARABLE_ITEMS", "wearable_import_create", "wearable_import_run", "wearable_items_ensure",
           "wearable_values_save"]

log = logging.getLogger(__name__)
ALLOWED = AuditEvent.Outcome.ALLOWED

#: metric → (the factor's name, its kind). The slug is the metric (the core's ``factor:<metric>`` column).
WEARABLE_ITEMS: dict[str, tuple[str, str]] = {
    "sleep_hours": ("Sleep hours", Kind.HOURS),
    "steps": ("Steps", Kind.COUNT),
    "resting_heart_rate": ("Resting heart rate (bpm)", Kind.MEASURE),
    "hrv_sdnn_ms": ("HRV (SDNN, ms)", Kind.MEASURE),
}
assert set(WEARABLE_ITEMS) == set(WEARABLE_FACTORS)  # one list of metrics: the core's
MAX_CSV_BYTES = 20 * 1024 * 1024  # a CSV is read whole (one line per day and metric: years fit in a few MB)
_PROGRESS_STEP = 0.01  # write the progress to the database at most every 1 % of the file


def _sniff(path: Path, name: str) -> str:
    """The upload's format, from its first bytes (not its name), or ValidationError saying what is allowed."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(b"PK\x03\x04"):
        return WearableImport.Format.APPLE_ZIP
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return WearableImport.Format.APPLE_XML
    if text[:17].lower().replace(b" ", b"").startswith(b"date,metric,value"):
        if path.stat().st_size > MAX_CSV_BYTES:
            raise ValidationError({"file": f"a CSV holds at most {MAX_CSV_BYTES // (1024 * 1024)} MB; split it"})
        return WearableImport.Format.CSV
    raise ValidationError({"file": f"{name!r} is not an Apple Health export or a date,metric,value CSV; allowed: "
                                   "export.zip or export.xml from the Health app, or a CSV with the header "
                                   "date,metric,value"})


def _zip_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """``apple_health_export/export.xml`` (not ``export_cda.xml``), wherever the zip puts it."""
    members = [m for m in archive.infolist() if Path(m.filename).name == "export.xml" and not m.is_dir()]
    if not members:
        raise WearableImportError("the zip holds no export.xml; allowed: the export.zip the Health app makes")
    return min(members, key=lambda m: len(m.filename))


@transaction.atomic
def wearable_import_create(*, request, patient, uploaded) -> WearableImport:
    """Keep the uploaded file (moved from Django's temporary file, not copied into memory) and queue its import."""
    from ldncare.web.tracking.tasks import wearable_import

    folder = Path(settings.WEARABLE_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    job = WearableImport(patient=patient, file_name=Path(uploaded.name or "upload").name[:200],
                         time_zone=user_zone(patient).key, path="")
    target = folder / f"{job.uuid}.upload"
    if hasattr(uploaded, "temporary_file_path"):
        shutil.move(uploaded.temporary_file_path(), target)
    else:  # a small in-memory upload (tests, or FILE_UPLOAD_HANDLERS changed): written out in chunks
        with target.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
    try:
        job.file_format = _sniff(target, job.file_name)
        if job.file_format == WearableImport.Format.APPLE_ZIP:
            try:
                with zipfile.ZipFile(target) as archive:
                    job.total_bytes = _zip_member(archive).file_size
            except (zipfile.BadZipFile, WearableImportError) as exc:
                raise ValidationError({"file": f"{job.file_name}: {exc}"}) from None
        else:
            job.total_bytes = target.stat().st_size
    except ValidationError:
        target.unlink(missing_ok=True)
        raise
    job.path = str(target)
    job.save()
    audit(request, subject=patient, object_type="wearable_import", object_id=job.uuid, action="create",
          outcome=ALLOWED)
    transaction.on_commit(lambda: wearable_import.enqueue(import_id=job.pk))
    return job


def wearable_items_ensure(patient) -> dict[str, TrackedItem]:
    """Her wearable factors (``factor:steps`` ...), created when missing; an existing factor with that
    column name (e.g. 'Steps' she added herself) is taken over as it is."""
    items: dict[str, TrackedItem] = {}
    for metric, (name, kind) in WEARABLE_ITEMS.items():
        item = TrackedItem.objects.filter(patient=patient, slug=metric).exclude(kind=Kind.OUTCOME).first()
        if item is None:
            item = TrackedItem.objects.create(patient=patient, slug=metric, name=name, kind=kind, wearable=metric)
        elif not item.wearable:
            item.wearable = metric
            item.save(update_fields=["wearable"])
        items[WEARABLE_FACTORS[metric]] = item
    return items


def _fits(item: TrackedItem, value: Decimal) -> bool:
    low, high, whole = KIND_RANGES[item.kind]
    return low <= value <= high and (not whole or value == value.to_integral_value())


@transaction.atomic
def wearable_values_save(*, patient, daily: dict[dt.date, dict[str, float]], source: str) -> dict[str, int]:
    """Store the file's values; ``{"days_imported", "days_unchanged", "values_skipped"}``.

    Only the days and factors in ``daily`` are touched (re-importing the same file changes nothing);
    a value the factor cannot hold (e.g. 150 000 steps) is skipped and counted, never changed.
    """
    items = wearable_items_ensure(patient)
    stored = {(v.item_id, v.date): v for v in ImportedValue.objects.filter(
        item__in=items.values(), date__in=list(daily))}
    counts = {"days_imported": 0, "days_unchanged": 0, "values_skipped": 0}
    for day, values in sorted(daily.items()):
        changed = False
        for code, number in values.items():
            item = items[code]
            value = Decimal(str(number)).quantize(Decimal("0.01"))
            if not _fits(item, value):
                counts["values_skipped"] += 1
                continue
            old = stored.get((item.pk, day))
            if old is None:
                ImportedValue.objects.create(item=item, date=day, value=value, source=source)
                changed = True
            elif old.value != value:
                old.value, old.source = value, source
                old.save(update_fields=["value", "source", "updated_at"])
                changed = True
        counts["days_imported" if changed else "days_unchanged"] += 1
    return counts


def _read(job: WearableImport, progress) -> dict:
    path = Path(job.path)
    if job.file_format == WearableImport.Format.CSV:
        try:
            return read_wearable_csv(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise WearableImportError("the CSV is not UTF-8 text") from None
    if job.file_format == WearableImport.Format.APPLE_ZIP:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(_zip_member(archive)) as xml:
                return read_apple_health(xml, time_zone=job.time_zone, progress=progress)  # streamed out of the zip
        except zipfile.BadZipFile as exc:
            raise WearableImportError(f"the zip cannot be read ({exc})") from None
    return read_apple_health(path, time_zone=job.time_zone, progress=progress)


def wearable_import_run(import_id: int) -> str:
    """Read one queued upload and store its values (the worker's task; idempotent: a finished import
    is not run again, and running the same file twice stores nothing new). Returns the final state."""
    claimed = WearableImport.objects.filter(pk=import_id, state__in=[WearableImport.State.QUEUED,
                                                                     WearableImport.State.RUNNING])
    if not claimed.update(state=WearableImport.State.RUNNING):
        return WearableImport.objects.filter(pk=import_id).values_list("state", flat=True).first() or "missing"
    job = WearableImport.objects.select_related("patient").get(pk=import_id)
    last = [0]

    def progress(done: int) -> None:
        if job.total_bytes and done - last[0] >= _PROGRESS_STEP * job.total_bytes:
            last[0] = done
            WearableImport.objects.filter(pk=job.pk).update(bytes_read=min(done, job.total_bytes))

    source = "csv" if job.file_format == WearableImport.Format.CSV else "apple-health"
    try:
        daily = _read(job, progress)
        counts = wearable_values_save(patient=job.patient, daily=daily, source=source)
    except (WearableImportError, OSError) as exc:
        WearableImport.objects.filter(pk=job.pk).update(
            state=WearableImport.State.FAILED, message=f"{job.file_name}: {exc}; nothing was stored"[:1000],
            finished_at=timezone.now())
        state = WearableImport.State.FAILED
    else:
        WearableImport.objects.filter(pk=job.pk).update(
            state=WearableImport.State.DONE, bytes_read=job.total_bytes, finished_at=timezone.now(), **counts)
        state = WearableImport.State.DONE
    Path(job.path).unlink(missing_ok=True)
    WearableImport.objects.filter(pk=job.pk).update(path="")
    audit(WORKER, subject=job.patient, object_type="wearable_import", object_id=job.uuid, action="update",
          outcome=ALLOWED, channel="worker")
    return state
