"""Which rows are demo data: every user, practice and pharmacy the demo clinic creates is listed here.

``ldncare demo --reset`` deletes exactly these rows (and what cascades from them: diaries,
plans, grants, slots, bookings), nothing else. Demo accounts see a "Demo data" banner.
"""

from __future__ import annotations

from django.db import models


class DemoObject(models.Model):
    class Kind(models.TextChoices):
        USER = "user", "User"
        PRACTICE = "practice", "Practice"
        PHARMACY = "pharmacy", "Pharmacy"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_pk = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_pk"], name="demo_object_once")]

    def __str__(self) -> str:
        return f"demo {self.kind} {self.object_pk}"

