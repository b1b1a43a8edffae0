"""Forms of the patient's pages. Values are validated here and again by the models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from ldncare.core.response.diary import (
    EARLIEST_DIARY_DATE,
    MAX_SYMPTOM_CHARS,
    diary_date_problem,
    symptom_problems,
)
from ldncare.web.dates import validate_planning_date
from ldncare.web.record.models import MAX_LDN_DOSE_MG, Profile, SideEffectReport
from ldncare.web.record.services import CheckInData, other_conditions_clean
from ldncare.web.record.vocab import conditions, side_effects

SCORES = (
    ("pain_score", "Pain", "0 = no pain, 10 = worst imaginable"),
    ("fatigue_score", "Fatigue", "0 = none, 10 = exhausted"),
    ("sleep_quality_score", "Sleep quality", "0 = very bad, 10 = excellent"),
    ("mood_score", "Mood", "0 = very low, 10 = very good"),
)
PGIC_CHOICES = [
    ("", "Skip today"),
    ("1", "1 – very much improved"), ("2", "2 – much improved"), ("3", "3 – minimally improved"),
    ("4", "4 – no change"), ("5", "5 – minimally worse"), ("6", "6 – much worse"), ("7", "7 – very much worse"),
]


MAX_SURGERY_AHEAD_DAYS = 2 * 366  # a planned operation further ahead is a typing error (e.g. 9999-12-31)


class OnboardingForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="What is LDN for? (tick all that apply)"
    )
    other_conditions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1200,
        label="Another condition, not in the list (one per line)",
        help_text="In your own words, e.g. “Hailey-Hailey disease”. Your clinician sees it as you typed it.",
    )
    medicines = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        label="Medicines you take (one per line, including cough and diarrhoea remedies)",
        help_text="Brand names are fine, e.g. “Tylenol #3” or “tramadol 50 mg”.",
    )
    pregnant = forms.BooleanField(required=False, label="I am pregnant or may become pregnant")
    breastfeeding = forms.BooleanField(required=False, label="I am breastfeeding")
    hepatic = forms.ChoiceField(choices=Profile.Hepatic.choices, label="Liver problems")
    planned_surgery_on = forms.DateField(
        required=False, label="Planned operation (date, if any)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = [(c.id, c.name) for c in conditions()]

    def clean_planned_surgery_on(self):
        day = self.cleaned_data["planned_surgery_on"]
        today = timezone.localdate()
        latest = today + dt.timedelta(days=MAX_SURGERY_AHEAD_DAYS)
        if day is not None and not today <= day <= latest:
            raise forms.ValidationError(
                f"A planned operation is a day from today to two years ahead ({today:%Y-%m-%d} to {latest:%Y-%m-%d}); "
                "leave the date empty if none is planned.")
        return day

    def clean_other_conditions(self) -> list[str]:
        return other_conditions_clean(self.cleaned_data["other_conditions"].splitlines())

    def medicine_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["medicines"].splitlines() if line.strip()]


NOT_RECORDED = "Not recorded"
SCORE_CHOICES = [("", NOT_RECORDED)] + [(str(n), str(n)) for n in range(11)]


def checkin_day_problem(day: dt.date) -> str | None:
    """Why ``day`` cannot be checked in for (before 2000 or after the person's today), else ``None``."""
    return diary_date_problem(day, latest=timezone.localdate())


class DayPickerForm(forms.Form):
    """Open the check-in of any day from 2000-01-01 to today (the person's own today)."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs.update(min=EARLIEST_DIARY_DATE.isoformat(),
                                               max=timezone.localdate().isoformat())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if (problem := checkin_day_problem(day)) is not None:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return day


class CheckInForm(forms.Form):
    """The 30-second check-in. Side effects come as ``se_<id>`` = severity (empty = none).

    Nothing is recorded that the person did not choose: each score starts "Not recorded" and
    can be set back to it; the dose counts only when "I took my LDN dose" is ticked.
    """

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Day")
    took_dose = forms.BooleanField(required=False, label="I took my LDN dose")
    ldn_dose_mg = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_value=MAX_LDN_DOSE_MG, decimal_places=2, max_digits=5,
        label="Dose (mg)", widget=forms.NumberInput(attrs={
            "step": "0.1", "inputmode": "decimal",  # typing a dose ticks "I took my LDN dose" (static/ldncare/site.js)
        }),
    )
    dose_time = forms.TimeField(required=False, label="Time taken", widget=forms.TimeInput(attrs={"type": "time"}))
    pgic_score = forms.TypedChoiceField(
        required=False, choices=PGIC_CHOICES, coerce=int, empty_value=None,
        label="Since starting LDN, my condition overall is…",
    )
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Note")
    # "Something else?": a symptom that is not in the list, in the person's own words (triaged as free text).
    symptom = forms.CharField(
        required=False, max_length=MAX_SYMPTOM_CHARS, label="Something else? Describe it in your own words",
        help_text="For example “pain in my chest” or “black stools”. ldncare reads it and tells you what to do.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "aria-describedby": "id_symptom-help"}),
    )
    symptom_severity = forms.ChoiceField(required=False, label="How bad is it?",
                                         choices=[("", "Choose")] + list(SideEffectReport.Severity.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in SCORES:
            self.fields[name] = forms.TypedChoiceField(
                choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False, label=label,
                help_text=help_text, widget=forms.RadioSelect,
            )
        severities = [("", "No")] + list(SideEffectReport.Severity.choices)
        for term in side_effects():
            self.fields[f"se_{term.id}"] = forms.ChoiceField(required=False, choices=severities, label=term.name)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if (problem := checkin_day_problem(day)) is not None:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return day

    def clean(self):
        data = super().clean()
        if data.get("took_dose") and data.get("ldn_dose_mg") in (None, ""):
            self.add_error("ldn_dose_mg", "Give the dose you took, or untick “I took my LDN dose”.")
        if "symptom" in data and "symptom_severity" in data:  # one rule with the API and diary files
            for name, problem in symptom_problems(data["symptom"], data["symptom_severity"] or None).items():
                self.add_error(name, problem[0].upper() + problem[1:] + ".")
        return data

    def side_effect_fields(self):
        return [(term, self[f"se_{term.id}"]) for term in side_effects()]

    def score_fields(self):
        return [self[name] for name, _, _ in SCORES]

    def to_data(self) -> CheckInData:
        d = self.cleaned_data
        took = bool(d.get("took_dose"))
        return CheckInData(
            date=d["date"],
            ldn_dose_mg=d.get("ldn_dose_mg") if took else None,
            dose_time=d.get("dose_time") if took else None,
            pain_score=d.get("pain_score"),
            fatigue_score=d.get("fatigue_score"),
            sleep_quality_score=d.get("sleep_quality_score"),
            mood_score=d.get("mood_score"),
            pgic_score=d.get("pgic_score"),
            notes=d.get("notes") or "",
            side_effects=tuple(
                (term.id, d[f"se_{term.id}"]) for term in side_effects() if d.get(f"se_{term.id}")
            ),
            symptom=d.get("symptom") or "",
            symptom_severity=(d.get("symptom_severity") or "") if d.get("symptom") else "",
        )


class PlanForm(forms.Form):
    """A plan copied from the prescription (patient) or written by a clinician: up to six steps."""

    target_dose_mg = forms.DecimalField(min_value=Decimal("0.1"), max_value=MAX_LDN_DOSE_MG, decimal_places=2,
                                        label="Target dose (mg)")
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                            label="Notes from the prescription")
    send_to_pharmacy = forms.BooleanField(required=False, label="Send to the patient's chosen pharmacy")
    STEPS = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.STEPS):
            required = i == 0
            self.fields[f"step{i}_start"] = forms.DateField(required=required, label=f"Step {i + 1}: from",
                                                            widget=forms.DateInput(attrs={"type": "date"}),
                                                            validators=[validate_planning_date])
            self.fields[f"step{i}_dose_mg"] = forms.DecimalField(
                required=required, min_value=Decimal("0.1"), max_value=MAX_LDN_DOSE_MG, decimal_places=2,
                label=f"Step {i + 1}: dose (mg)")
            self.fields[f"step{i}_time"] = forms.TimeField(required=False, label=f"Step {i + 1}: time",
                                                           widget=forms.TimeInput(attrs={"type": "time"}))

    def step_rows(self):
        return [(self[f"step{i}_start"], self[f"step{i}_dose_mg"], self[f"step{i}_time"]) for i in range(self.STEPS)]

    def clean(self):
        data = super().clean()
        steps = []
        for i in range(self.STEPS):
            start, dose = data.get(f"step{i}_start"), data.get(f"step{i}_dose_mg")
            if start is None and dose is None:
                continue
            if start is None or dose is None:
                raise forms.ValidationError(f"Step {i + 1} needs both a start date and a dose.")
            time = data.get(f"step{i}_time")
            steps.append({"start_date": start.isoformat(), "dose_mg": float(dose),
                          "time": time.strftime("%H:%M") if time else "22:00"})
        steps.sort(key=lambda s: s["start_date"])
        for prev, nxt in zip(steps, steps[1:], strict=False):
            if prev["start_date"] == nxt["start_date"]:
                raise forms.ValidationError("Two steps start on the same day.")
            prev["end_date"] = (dt.date.fromisoformat(nxt["start_date"]) - dt.timedelta(days=1)).isoformat()
        if steps:
            steps[-1]["end_date"] = None
        data["steps"] = steps
        return data


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label="Type DELETE to confirm", max_length=10)
    password = forms.CharField(widget=forms.PasswordInput, label="Your password")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError("Type DELETE in capitals to confirm.")
        return "DELETE"

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("This is not your password.")
        return ""


class ProtocolPlanForm(forms.Form):
    """A clinician builds the plan from a sourced titration protocol (``ldncare.core.dosing``)."""

    protocol = forms.ChoiceField(choices=[
        ("article", "1.5 → 3 → 4.5 mg (the article)"), ("trust", "LDN Research Trust: +1 mg weekly"),
        ("gentle", "Gentle: +0.5 mg every 2 weeks"), ("pediatric", "Pediatric: 0.1 mg/kg/day"),
    ], label="Protocol")
    start_date = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}),
                                 validators=[validate_planning_date])
    target_mg = forms.DecimalField(required=False, min_value=Decimal("0.1"), max_value=MAX_LDN_DOSE_MG,
                                   decimal_places=2, label="Target dose (mg, optional)")
    weight_kg = forms.DecimalField(required=False, min_value=Decimal("1"), max_value=Decimal("300"),
                                   decimal_places=1, label="Weight (kg, pediatric protocol)")
    time = forms.TimeField(required=False, label="Time of day", widget=forms.TimeInput(attrs={"type": "time"}))
    concentration_mg_per_ml = forms.DecimalField(min_value=Decimal("0.1"), max_value=Decimal("10"), initial=1,
                                                 decimal_places=2, label="Liquid strength (mg/mL)")
    send_to_pharmacy = forms.BooleanField(required=False, label="Send to the patient's chosen pharmacy")
