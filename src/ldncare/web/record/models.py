"""The patient's record, shaped like wger's tracking entries: owned, timestamped, ranged, UUID-keyed.

Units are in field names (``ldn_dose_mg``); scores carry their scale (``pain_score`` 0–10,
``pgic_score`` 1–7). Each check-in has a UUID so an offline client can sync it safely.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ldncare.core.response.diary import MAX_SYMPTOM_CHARS

SCORE_0_10 = [MinValueValidator(0), MaxValueValidator(10)]


class Severity(models.TextChoices):
    """How bad a reported side effect or typed symptom is (the core's ``SEVERITIES``)."""

    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"
MAX_LDN_DOSE_MG = Decimal("50")


class Profile(models.Model):
    """What the safety screen needs: conditions, medicines, pregnancy, liver, planned surgery."""

    class Hepatic(models.TextChoices):
        NONE = "none", "No known liver problem"
        MILD = "mild", "Mild liver impairment"
        MODERATE = "moderate", "Moderate liver impairment"
        SEVERE = "severe", "Severe liver impairment"

    patient = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    condition_ids = models.JSONField(default=list, blank=True, help_text="Condition ids from the knowledge data.")
    other_conditions = models.JSONField(default=list, blank=True, help_text=(
        "Conditions beyond the knowledge data, as the patient typed them (one entry each)."))
    medicines = models.JSONField(default=list, blank=True, help_text="Free text, one entry per medicine.")
    pregnant = models.BooleanField(default=False)
    breastfeeding = models.BooleanField(default=False)
    hepatic = models.CharField(max_length=10, choices=Hepatic.choices, default=Hepatic.NONE)
    planned_surgery_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.patient}"


class Plan(models.Model):
    """A dosing plan: a clinician's, or copied by the patient from the prescription.

    The app never prescribes: a plan entered by the patient is marked as such. A plan
    sent to a pharmacy is what that pharmacy's pharmacists can see (the prescription).
    """

    class Source(models.TextChoices):
        CLINICIAN = "clinician", "Written by a clinician"
        PATIENT = "patient", "Entered by patient"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="plans_written"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    protocol = models.CharField(max_length=20, blank=True, help_text="e.g. article, trust, gentle, custom")
    steps = models.JSONField(
        default=list,
        help_text="[{start_date, end_date, dose_mg, time, volume_ml, device}] as in the dosing contract.",
    )
    target_dose_mg = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_LDN_DOSE_MG)]
    )
    notes = models.TextField(blank=True, max_length=2000)
    sent_to_pharmacy = models.ForeignKey(
        "accounts.Pharmacy", null=True, blank=True, on_delete=models.SET_NULL, related_name="prescriptions"
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"plan {self.uuid} for {self.patient} ({self.get_source_display()})"


class CheckIn(models.Model):
    """One day of the diary: the dose taken, when, four 0–10 outcome scores, PGIC, notes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, help_text="Client-generated for offline sync.")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    ldn_dose_mg = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_LDN_DOSE_MG)],
        help_text="Blank: no dose taken that day.",
    )
    dose_time = models.TimeField(null=True, blank=True)
    pain_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_0_10)
    fatigue_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_0_10)
    sleep_quality_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_0_10)
    mood_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_0_10)
    pgic_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="Patient global impression of change, 1 (very much improved) to 7 (very much worse).",
    )
    notes = models.TextField(blank=True, max_length=2000)
    symptom = models.CharField(
        max_length=MAX_SYMPTOM_CHARS, blank=True,
        help_text="“Something else?”: a symptom in the person's own words, exactly as typed (triaged as free text).")
    symptom_severity = models.CharField(max_length=10, blank=True, choices=Severity.choices,
                                        help_text="How bad the typed symptom is; set exactly when the symptom is.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="record_checkin_one_per_day"),
            models.CheckConstraint(
                condition=Q(ldn_dose_mg__isnull=True) | Q(ldn_dose_mg__gte=0, ldn_dose_mg__lte=50),
                name="record_checkin_dose_range",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": 10}),
                    name=f"record_checkin_{name}_range",
                )
                for name in ("pain_score", "fatigue_score", "sleep_quality_score", "mood_score")
            ],
            models.CheckConstraint(
                condition=Q(pgic_score__isnull=True) | Q(pgic_score__gte=1, pgic_score__lte=7),
                name="record_checkin_pgic_range",
            ),
            models.CheckConstraint(  # a typed symptom has its severity, and a severity its symptom
                condition=Q(symptom="", symptom_severity="")
                | (~Q(symptom="") & Q(symptom_severity__in=Severity.values)),
                name="record_checkin_symptom_with_severity",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.date} of {self.patient}"


class SideEffectReport(models.Model):
    """A side effect noted on a check-in day, with its severity (ids from the knowledge data)."""

    Severity = Severity

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="side_effects")
    side_effect_id = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta:
        ordering = ["side_effect_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "side_effect_id"], name="record_side_effect_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.side_effect_id}:{self.severity}"
