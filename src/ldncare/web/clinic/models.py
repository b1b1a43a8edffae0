"""What a clinician sends and designs: prescriptions (a plan sent to the pharmacy) and blinded trials.

A prescription is not a second plan: it points at the :class:`~ldncare.web.record.models.Plan`
whose ``sent_to_pharmacy`` the pharmacy's visibility already rests on, and adds what the
pharmacist needs to compound it (preparation, strength, days' supply, directions).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Prescription(models.Model):
    """A plan sent to the patient's chosen pharmacy, with the preparation to compound."""

    class Preparation(models.TextChoices):
        LIQUID = "liquid", "Oral liquid"
        CAPSULES = "capsules", "Capsules (immediate release)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("record.Plan", on_delete=models.CASCADE, related_name="prescriptions_sent")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prescriptions")
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="prescriptions_written")
    pharmacy = models.ForeignKey("accounts.Pharmacy", on_delete=models.PROTECT, related_name="prescriptions_received")
    preparation = models.CharField(max_length=10, choices=Preparation.choices)
    concentration_mg_per_ml = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(10)], help_text="Liquids only.")
    supply_start = models.DateField(help_text="First day the supply covers.")
    days_supply = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(180)])
    quantity = models.DecimalField(max_digits=8, decimal_places=1, help_text="mL of liquid or number of capsules.")
    quantity_unit = models.CharField(max_length=10)
    directions = models.TextField(max_length=2000)
    # The prescribing guard (ldncare.web.clinic.services.prescription_send): sent although the
    # safety screen showed a contraindication, with the prescriber's reason (shown to the pharmacist).
    override_reason = models.TextField(
        blank=True, max_length=1000,
        help_text="The prescriber's reason for sending despite a contraindication; empty when none stood.")
    overridden_findings = models.JSONField(
        default=list, blank=True,
        help_text="The contraindications that stood when it was sent: [{title, matched}] from the safety screen.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(preparation="capsules") | Q(concentration_mg_per_ml__isnull=False),
                name="clinic_prescription_liquid_has_concentration",
            ),
        ]

    def __str__(self) -> str:
        return f"prescription {self.uuid} ({self.get_preparation_display()}, {self.days_supply} days)"


class BlindedTrial(models.Model):
    """A blinded n-of-1 trial (``ldncare.core.response.design_trial``) and its allocation key.

    ``design_json`` (periods, bottle letters, dates) is what the patient and clinician see.
    ``key_json`` (which bottle holds LDN) is read only through
    :func:`ldncare.web.policy.trial_keys_visible_to`: pharmacists of ``pharmacy`` while the
    patient has chosen it. The seed is generated on the server and lives in the key only.
    """

    trial_id = models.CharField(max_length=40, unique=True)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blinded_trials")
    designed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pharmacy = models.ForeignKey("accounts.Pharmacy", on_delete=models.PROTECT, related_name="trial_keys")
    design_json = models.JSONField(help_text="TrialDesign.model_dump(mode='json'): no allocation.")
    key_json = models.JSONField(help_text="AllocationKey.model_dump(mode='json'): pharmacy only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"blinded trial {self.trial_id}"
