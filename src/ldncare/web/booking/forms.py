"""Forms of the booking pages: publishing times in bulk, and the visitors' consultation request."""

from __future__ import annotations

import datetime as dt

from django import forms

from ldncare.web.accounts.models import Practice

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"),
            (6, "Sunday")]


class SlotBulkForm(forms.Form):
    first_date = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label="Until (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
                                              initial=[0, 1, 2, 3, 4])
    day_start = forms.TimeField(label="First call starts", initial=dt.time(9, 0),
                                widget=forms.TimeInput(attrs={"type": "time"}))
    day_end = forms.TimeField(label="Last call ends by", initial=dt.time(12, 0),
                              widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label="Minutes per call", min_value=5, max_value=240, initial=20)


class ConsultationRequestForm(forms.Form):
    """The article's "schedule a call": who you are, how to reach you, when suits you."""

    practice = forms.ModelChoiceField(queryset=Practice.objects.all(), required=False, empty_label="Any practice",
                                      help_text="Which practice should call you back (optional).")
    name = forms.CharField(max_length=120, label="Your name")
    email = forms.EmailField(required=False, label="E-mail")
    phone = forms.RegexField(regex=r"^\+?[0-9 ()./-]{6,40}$", max_length=40, required=False, label="Phone",
                             error_messages={"invalid": "Enter a phone number of digits, spaces, + ( ) - ."})
    preferred_times = forms.CharField(max_length=300, label="When suits you",
                                      help_text="e.g. weekday mornings, or Tuesday after 4 pm")
    message = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              label="What would you like to talk about? (optional)",
                              help_text="Please do not send urgent medical questions: call your doctor or emergency services.")
    website = forms.CharField(required=False, label="Leave this empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("This request looks automated; please leave the last field empty.")
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError("Give an e-mail address or a phone number, so that we can reach you.")
        return data
