from __future__ import annotations

from decimal import Decimal

from django import forms

from ldncare.web.clinic.models import Prescription
from ldncare.web.dates import validate_planning_date


class PrescriptionForm(forms.Form):
    preparation = forms.ChoiceField(choices=Prescription.Preparation.choices, label="Preparation")
    concentration_mg_per_ml = forms.DecimalField(
        required=False, min_value=Decimal("0.1"), max_value=Decimal("10"), decimal_places=2, initial=1,
        label="Liquid strength (mg/mL)", help_text="Liquids only; 1 mg/mL is usual.")
    supply_start = forms.DateField(label="Supply starts", widget=forms.DateInput(attrs={"type": "date"}),
                                   validators=[validate_planning_date])
    days_supply = forms.IntegerField(min_value=1, max_value=180, initial=30, label="Days' supply")
    override_reason = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for sending despite the contraindication",
        help_text="Needed while the safety screen shows a contraindication; the pharmacist sees it.")

    def __init__(self, *args, contraindicated: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not contraindicated:
            del self.fields["override_reason"]


class TrialForm(forms.Form):
    pairs = forms.IntegerField(min_value=2, max_value=13, initial=3, label="Pairs of periods",
                               help_text="Each pair is one LDN and one placebo period in random order.")
    period_weeks = forms.IntegerField(min_value=1, max_value=26, initial=4, label="Weeks per period",
                                      help_text="4 to 8 is usual for LDN.")
    start_date = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}),
                                 validators=[validate_planning_date])
    dose_mg = forms.DecimalField(min_value=Decimal("0.1"), max_value=Decimal("50"), decimal_places=2, initial=4.5,
                                 label="LDN dose in the active capsules (mg)")
