"""A person's own outcomes (0–10 with her name and anchors) and factors (yes/no, count, minutes,
hours, a 0–10 level), and their values per check-in day.

The diary format names them ``outcome:<slug>`` and ``factor:<slug>``
(:data:`ldncare.core.response.diary.OUTCOME_PREFIX`, ``FACTOR_PREFIX``). The range of each kind
has one home: :data:`KIND_RANGES`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from ldncare.core.response.diary import FACTOR_PREFIX, OUTCOME_PREFIX

__all__ = ["KIND_RANGES", "TrackedItem", "TrackedValue"]


class Kind(models.TextChoices):
    OUTCOME = "outcome", "Outcome (0–10 score)"
    YES_NO = "yes_no", "Factor: yes / no"
    COUNT = "count", "Factor: a count"
    MINUTES = "minutes", "Factor: minutes"
    HOURS = "hours", "Factor: hours"
    LEVEL = "level", "Factor: a 0–10 level"


#: (lowest, highest, whole numbers only) of a value of each kind.
KIND_RANGES: dict[str, tuple[Decimal, Decimal, bool]] = {
    Kind.OUTCOME: (Decimal(0), Decimal(10), True),
    Kind.YES_NO: (Decimal(0), Decimal(1), True),
    Kind.COUNT: (Decimal(0), Decimal(100000), True),
    Kind.MINUTES: (Decimal(0), Decimal(1440), True),
    Kind.HOURS: (Decimal(0), Decimal(24), False),
    Kind.LEVEL: (Decimal(0), Decimal(10), True),
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
