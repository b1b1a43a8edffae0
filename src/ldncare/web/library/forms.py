"""Forms of the library and the simulator; their bounds are the core's."""

from __future__ import annotations

from django import forms

from ldncare.core.pharmacology import DEFAULT_SCENARIO, HEPATIC_LEVELS, SCENARIOS
from ldncare.core.pharmacology.regimen import MAX_DAYS, MAX_DOSE_MG, parse_clock
from ldncare.core.pharmacology.subjects import MAX_WEIGHT_KG, MIN_WEIGHT_KG
from ldncare.core.safety import MAX_DAYS as TRIAGE_MAX_DAYS
from ldncare.core.safety import SEVERITIES as TRIAGE_SEVERITIES
from ldncare.web.library.search import MAX_QUERY_CHARS, query_words

# The simulator's bounds are the core's (the same ones `ldncare simulate` checks).
MIN_DAYS = 1

FORM_CHOICES = [("ir", "Immediate release (IR, compounded capsule)"), ("sr", "Slow release (SR tablet)")]
HEPATIC_CHOICES = [(h, {"none": "None", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"}[h]) for h in HEPATIC_LEVELS]
SCENARIO_CHOICES = [(s, {"fast": "Fast offset (transient blockade)", "compromise": "Compromise (sustained partial blockade)",
                         "slow": "Slow offset (near-continuous blockade)"}[s]) for s in SCENARIOS]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the library", max_length=MAX_QUERY_CHARS, strip=True,
                        error_messages={"required": "Type a word to search for, for example “crohn” or “headache”.",
                                        "max_length": f"Please use at most {MAX_QUERY_CHARS} characters."})

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if not query_words(text):
            raise forms.ValidationError("Type at least one letter or digit, for example “crohn” or “headache”.")
        return text


class SymptomCheckForm(forms.Form):
    """A symptom in a person's own words, read by the core's free-text triage (``triage_text``)."""

    symptom = forms.CharField(label="Describe the symptom in your own words", max_length=200, strip=True,
                              error_messages={"required": "Describe the symptom, for example “vivid dreams” or “my chest hurts”.",
                                              "max_length": "Please use at most 200 characters."})
    severity = forms.ChoiceField(label="How bad is it?", choices=[(s, s.capitalize()) for s in TRIAGE_SEVERITIES], initial="mild")
    days = forms.IntegerField(label="Days since starting LDN or since the last dose step", min_value=0, max_value=TRIAGE_MAX_DAYS,
                              initial=0, help_text=f"0 for today; at most {TRIAGE_MAX_DAYS}.",
                              error_messages={"invalid": f"Enter a whole number of days from 0 to {TRIAGE_MAX_DAYS}."})


class SimulatorForm(forms.Form):
    dose_mg = forms.FloatField(label="Dose (mg naltrexone hydrochloride)", initial=4.5, max_value=MAX_DOSE_MG, help_text=f"More than 0 and at most {MAX_DOSE_MG:g} mg.",
                               widget=forms.NumberInput(attrs={"step": "any", "min": "0"}))
    time = forms.CharField(label="Time of the daily dose", initial="22:00", max_length=8,
                           help_text="24-hour clock, HH:MM.", widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-2]?[0-9]:[0-5][0-9](:[0-5][0-9])?",
                                                         "autocomplete": "off"}))
    form = forms.ChoiceField(label="Form", choices=FORM_CHOICES, initial="ir")
    weight_kg = forms.FloatField(label="Body weight (kg)", initial=70, min_value=MIN_WEIGHT_KG, max_value=MAX_WEIGHT_KG,
                                 help_text=f"{MIN_WEIGHT_KG:g} to {MAX_WEIGHT_KG:g} kg.")
    hepatic = forms.ChoiceField(label="Liver impairment", choices=HEPATIC_CHOICES, initial="none")
    scenario = forms.ChoiceField(label="Receptor-offset scenario", choices=SCENARIO_CHOICES, initial=DEFAULT_SCENARIO,
                                 help_text="The default is the one the validation supports; the result compares "
                                           "all three.")
    days = forms.IntegerField(label="Days of daily dosing", initial=14, min_value=MIN_DAYS, max_value=MAX_DAYS,
                              help_text=f"{MIN_DAYS} to {MAX_DAYS}.")

    def clean_dose_mg(self) -> float:
        dose = self.cleaned_data["dose_mg"]
        if not dose > 0:
            raise forms.ValidationError(f"The dose must be more than 0 and at most {MAX_DOSE_MG:g} mg.")
        return dose

    def clean_time(self) -> str:
        text = self.cleaned_data["time"].strip()
        text = text[:5] if len(text) == 8 and text.endswith(":00") else text  # browsers may send HH:MM:SS
        try:
            parse_clock(text)
        except ValueError as exc:
            raise forms.ValidationError(f"{exc}") from None
        return text

    @staticmethod
    def defaults() -> dict:
        return {name: field.initial for name, field in SimulatorForm.base_fields.items()}
