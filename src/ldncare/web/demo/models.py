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


class DemoTrialKey(models.Model):
    """The allocation key of the demo patient's blinded n-of-1 trial, held for the pharmacy only.

    The patient's plan shows periods, bottle letters and dates; which bottle holds LDN and
    which placebo is here, shown only to pharmacists of ``pharmacy`` (while the patient has
    chosen it). Made by ``ldncare.core.response.design_trial``.
    """

    patient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    pharmacy = models.ForeignKey("accounts.Pharmacy", on_delete=models.CASCADE, related_name="+")
    trial_id = models.CharField(max_length=40, unique=True)
    key_json = models.JSONField(help_text="AllocationKey.model_dump(mode='json'): allocation, seed, design.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"allocation key {self.trial_id}"
