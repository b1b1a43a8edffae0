"""The worker's task for wearable imports (Django Tasks API; idempotent: see
:func:`~ldncare.web.tracking.imports.wearable_import_run`)."""

from __future__ import annotations

from django_tasks import task

from ldncare.web.tracking.imports import wearable_import_run

__all__ = ["wearable_import"]


@task()
def wearable_import(*, import_id: int) -> str:
    """Read one uploaded wearable file into the patient's daily factors."""
    return wearable_import_run(import_id)
