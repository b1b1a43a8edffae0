"""A person's own outcomes (0–10 with her name and anchors) and factors (yes/no, count, minutes,
hours, a 0–10 level), and their values per check-in day.

The diary format names them ``outcome:<slug>`` and ``factor:<slug>``
(:data:`ldncare.core.response.diary.OUTCOME_PREFIX`, ``FACTOR_PREFIX``). The range of each kind
has one home: :data:`KIND_RANGES`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from ldncare.core.response.diary import FACTOR_PREFIX, OUTCOME_PREFIX

__all__ = ["KIND_RANGES", "ImportedValue", "TrackedItem", "TrackedValue", "WearableImport"]


class Kind(models.TextChoices):
    OUTCOME = "outcome", "Outcome (0–10 score)"
    YES_NO = "yes_no", "Factor: yes / no"
    COUNT = "count", "Factor: a count"
    MINUTES = "minutes", "Factor: minutes"
    HOURS = "hours", "Factor: hours"
    LEVEL = "level", "Factor: a 0–10 level"
    MEASURE = "measure", "Factor: a measured number (e.g. heart rate)"


#: (lowest, highest, whole numbers only) of a value of each kind.
KIND_RANGES: dict[str, tuple[Decimal, Decimal, bool]] = {
    Kind.OUTCOME: (Decimal(0), Decimal(10), True),
    Kind.YES_NO: (Decimal(0), Decimal(1), True),
    Kind.COUNT: (Decimal(0), Decimal(100000), True),
    Kind.MINUTES: (Decimal(0), Decimal(1440), True),
    Kind.HOURS: (Decimal(0), Decimal(24), False),
    Kind.LEVEL: (Decimal(0), Decimal(10), True),
    Kind.MEASURE: (Decimal(0), Decimal(100000), False),
}


class TrackedItem(models.Model):
    """One outcome or factor a patient tracks (kept, not deleted, when she stops: ``active``)."""

    Kind = Kind

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.CharField(max_length=40, help_text="The diary column name after 'outcome:' or 'factor:'.")
    name = models.CharField(max_length=60)
    anchor_low = models.CharField(max_length=60, blank=True, help_text="Outcome: what 0 means, e.g. 'clear'.")
    anchor_high = models.CharField(max_length=60, blank=True, help_text="Outcome: what 10 means.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The clinician who added it (empty: the patient).")
    wearable = models.CharField(max_length=20, blank=True, help_text=(
        "The wearable metric that fills it (steps, sleep_hours, ...; "
        "ldncare.core.response.wearables): filled by imports, not asked in the check-in."))

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "slug"], condition=Q(kind="outcome"),
                                    name="tracking_outcome_slug_once"),
            models.UniqueConstraint(fields=["patient", "slug"], condition=~Q(kind="outcome"),
                                    name="tracking_factor_slug_once"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_outcome(self) -> bool:
        return self.kind == Kind.OUTCOME

    @property
    def code(self) -> str:
        """The diary column and API key: ``outcome:brain_fog``, ``factor:coffee_cups``."""
        return (OUTCOME_PREFIX if self.is_outcome else FACTOR_PREFIX) + self.slug


class TrackedValue(models.Model):
    """The value a person entered for one of her items on one check-in day (absent: not recorded)."""

    checkin = models.ForeignKey("record.CheckIn", on_delete=models.CASCADE, related_name="tracked_values")
    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["item__kind", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "item"], name="tracking_value_once_per_day"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100000), name="tracking_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}={self.value}"


class ImportedValue(models.Model):
    """One day's value of a wearable factor, as read from an imported file (never typed, never made up).

    Kept apart from :class:`TrackedValue` (a check-in's values): a day may have a wearable value and no
    check-in, and saving a check-in never touches what an import stored.
    """

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="imported_values")
    date = models.DateField(help_text="The person's local day (her time zone).")
    value = models.DecimalField(max_digits=9, decimal_places=2)
    source = models.CharField(max_length=20, help_text="apple-health or csv")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "date"], name="tracking_imported_once_per_day"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=200000), name="tracking_imported_range"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}@{self.date}={self.value}"


class WearableImport(models.Model):
    """One uploaded wearable file and the worker's progress with it (bytes read of the total)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Reading"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    class Format(models.TextChoices):
        APPLE_XML = "apple-xml", "Apple Health export.xml"
        APPLE_ZIP = "apple-zip", "Apple Health export.zip"
        CSV = "csv", "CSV (date, metric, value)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wearable_imports")
    file_format = models.CharField(max_length=10, choices=Format.choices)
    file_name = models.CharField(max_length=200)
    path = models.CharField(max_length=500, help_text="The uploaded file until the worker has read it (then empty).")
    time_zone = models.CharField(max_length=64)
    total_bytes = models.BigIntegerField(default=0, help_text="Bytes to read (the XML inside a zip: its size unzipped).")
    bytes_read = models.BigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    days_imported = models.PositiveIntegerField(default=0, help_text="Days with a new or changed value.")
    days_unchanged = models.PositiveIntegerField(default=0, help_text="Days whose values were already stored.")
    values_skipped = models.PositiveIntegerField(default=0, help_text="Values outside what the factor allows.")
    message = models.CharField(max_length=1000, blank=True, help_text="Why it was not imported.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.bytes_read / self.total_bytes)) if self.total_bytes else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
