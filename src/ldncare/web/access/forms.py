from __future__ import annotations

from django import forms

from ldncare.web.accounts.models import Pharmacy


class InviteForm(forms.Form):
    email = forms.EmailField(
        required=False, label="Clinician's e-mail (optional)",
        help_text="We e-mail the code to this address. Or leave it empty and give the code yourself.",
    )


class RedeemForm(forms.Form):
    code = forms.CharField(max_length=20, label="Invitation code from your patient")


class PharmacyForm(forms.Form):
    pharmacy = forms.ModelChoiceField(queryset=Pharmacy.objects.all(), label="Your pharmacy", empty_label="Choose…")
