"""The user model. Every person in ldncare has exactly one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """What a user is in ldncare; access to health data is decided from it (and consent)."""

    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    PHARMACIST = "pharmacist", "Pharmacist"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person who signs in: patient, clinician, pharmacist or administrator."""

    role = models.CharField(
        max_length=16,
        choices=Role.choices,
        default=Role.PATIENT,
        help_text="Patients sign up themselves; clinicians and pharmacists are created by an admin.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_username()} ({self.get_role_display()})"

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_pharmacist(self) -> bool:
        return self.role == Role.PHARMACIST
