from __future__ import annotations

from django import forms

from ldncare.web.accounts.zones import time_zone_names
from ldncare.web.notify.models import CHANNELS

CHANNEL_LABELS = {"email": "E-mail", "push": "Notification from the installed app"}


class RemindersForm(forms.Form):
    time_zone = forms.CharField(max_length=64, label="Your time zone",
                                help_text="Reminder times are clock times in this zone, e.g. Europe/Oslo.")
    checkin_time = forms.TimeField(required=False, label="Check-in reminder",
                                   widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                   help_text="Blank: no check-in reminder. Not sent on a day you already checked in.")
    dose_time = forms.TimeField(required=False, label="Dose reminder",
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text="Blank: no dose reminder.")
    channels = forms.MultipleChoiceField(required=False, label="Send reminders by",
                                         choices=[(c, CHANNEL_LABELS[c]) for c in CHANNELS],
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, push_available: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.attrs.update({"list": "time-zone-names", "autocomplete": "off"})
        if not push_available:  # shown, but not to be chosen: this server sends no app notifications
            self.fields["channels"].choices = [("email", CHANNEL_LABELS["email"])]

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip()
        if zone not in time_zone_names():
            raise forms.ValidationError("Not a time zone name: use one such as Europe/Oslo or America/New_York.")
        return zone
