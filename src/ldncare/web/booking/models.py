"""Booking a call: clinicians' published times (slots), patients' bookings, visitors' requests.

The guarantee against double booking lives in the database, not in Python: a partial unique
index allows at most one *booked* booking per slot (SQLite and PostgreSQL both enforce
``UniqueConstraint(..., condition=...)``). Cancelled and moved bookings stay as history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Slot(models.Model):
    """A time a clinician offers for a call (start and end, timezone-aware)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots")
    start_at = models.DateTimeField(db_index=True)
    end_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="booking_slot_ends_after_start"),
            models.UniqueConstraint(fields=["clinician", "start_at"], name="booking_slot_once_per_clinician_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start_at:%Y-%m-%d %H:%M} with {self.clinician}"

    @property
    def minutes(self) -> int:
        return int((self.end_at - self.start_at).total_seconds() // 60)


class Booking(models.Model):
    """A patient's call in a slot. At most one ``booked`` booking per slot (database constraint)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved to another time"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    moved_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: bumped on each change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__start_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status="booked"), name="booking_one_active_per_slot"),
            models.CheckConstraint(condition=Q(status__in=["booked", "cancelled", "moved"]), name="booking_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} at {self.slot} ({self.status})"


class ConsultationRequest(models.Model):
    """A visitor's "schedule a call" request (no account needed), stored before it is confirmed.

    ``ip_address`` is kept only to limit how many requests one address can send per hour.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("accounts.Practice", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="consultation_requests")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_times = models.CharField(max_length=300)
    message = models.TextField(max_length=2000, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="booking_request_has_contact"),
        ]

    def __str__(self) -> str:
        return f"request {self.reference} from {self.name}"

    @property
    def reference(self) -> str:
        return str(self.uuid)[:8].upper()
