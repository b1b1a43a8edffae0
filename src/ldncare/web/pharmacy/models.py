"""The pharmacy's records: dispensing per preparation (lot, made on, BUD, who made and who checked
it, the days it supplies) and the pharmacy's label details (phone)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dispensing(models.Model):
    """One release of one preparation of a prescription (a titration is several preparations).

    ``first_use``/``last_use`` are the days this bottle supplies: the whole preparation, or less
    when its BUD ends earlier (a shorter supply; another record supplies the rest).
    """

    prescription = models.ForeignKey("clinic.Prescription", on_delete=models.CASCADE, related_name="dispensings")
    preparation_number = models.PositiveSmallIntegerField(null=True, help_text="1-based, in order of use.")
    formula = models.CharField(max_length=30, blank=True,
                               help_text="liquid formula id (water-unpreserved, fawcett-1mg-per-ml) or capsules.")
    dose_mg = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    first_use = models.DateField(null=True)
    last_use = models.DateField(null=True, help_text="Last day this bottle supplies.")
    made_on = models.DateField(null=True)
    pharmacist = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="made by")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dispensed_at = models.DateTimeField(auto_now_add=True)
    lot_number = models.CharField(max_length=40)
    beyond_use_date = models.DateField()
    notes = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["preparation_number", "first_use", "id"]

    def __str__(self) -> str:
        return f"dispensing of {self.prescription_id}, preparation {self.preparation_number}, lot {self.lot_number}"


class PharmacyDetails(models.Model):
    """What every label of the pharmacy carries besides its name: the phone number (and address)."""

    pharmacy = models.OneToOneField("accounts.Pharmacy", on_delete=models.CASCADE, related_name="details")
    phone = models.CharField(max_length=40)
    address = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"label details of pharmacy {self.pharmacy_id}"
