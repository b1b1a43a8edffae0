"""The form that answers one questionnaire (each item's published words and options, nothing
pre-selected) and the form that sets its reminder schedule."""

from __future__ import annotations

from django import forms

from ldncare.core.response.questionnaires import Questionnaire
from ldncare.web.questionnaires.periods import WEEKDAYS
from ldncare.web.questionnaires.services import OFF

__all__ = ["AnswersForm", "ScheduleForm"]

REQUIRED = "Choose an answer: the score needs every question answered."


class AnswersForm(forms.Form):
    """One required radio group per item, its options in the published order (code 1 = the first)."""

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for number, item in enumerate(questionnaire.items, start=1):
            self.fields[f"item{number}"] = forms.TypedChoiceField(
                choices=[(code, option) for code, option in enumerate(item.options, start=1)], coerce=int,
                label=item.text, widget=forms.RadioSelect, error_messages={"required": REQUIRED})

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item{number}"] for number in range(1, len(self.questionnaire.items) + 1)]


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label="Remind me", choices=[(OFF, "Off"), ("weekly", "Every week"),
                                                               ("monthly", "Every month")])
    weekday = forms.TypedChoiceField(label="Day of the week (weekly)", required=False, coerce=int, empty_value=None,
                                     choices=[("", "—"), *enumerate(WEEKDAYS)])
    day_of_month = forms.TypedChoiceField(label="Day of the month (monthly)", required=False, coerce=int,
                                          empty_value=None, choices=[("", "—"), *((d, str(d)) for d in range(1, 29))],
                                          help_text="1 to 28, so that every month has it.")
    time = forms.TimeField(label="Time", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           help_text="In your own time zone (Account, Reminders).")

    def __init__(self, *args, instrument: str, **kwargs):
        super().__init__(*args, prefix=instrument, **kwargs)
