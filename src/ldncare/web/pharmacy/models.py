"""The pharmacy's dispensing records: who compounded and released a prescription, when, lot and BUD."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dispensing(models.Model):
    """One release of a prescription (a 30-day liquid may be made in several batches: one row each)."""

    prescription = models.ForeignKey("clinic.Prescription", on_delete=models.CASCADE, related_name="dispensings")
    pharmacist = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dispensed_at = models.DateTimeField(auto_now_add=True)
    lot_number = models.CharField(max_length=40)
    beyond_use_date = models.DateField()
    notes = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-dispensed_at", "-id"]

    def __str__(self) -> str:
        return f"dispensing of {self.prescription_id}, lot {self.lot_number}"
