"""The form that adds one of her own outcomes or factors."""

from __future__ import annotations

from django import forms

from ldncare.web.tracking.models import KIND_RANGES, Kind

__all__ = ["TrackedItemForm", "TrackedValuesForm", "WearableUploadForm"]


class TrackedItemForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="What is it?")
    name = forms.CharField(max_length=60, label="Name", help_text="e.g. Brain fog, Walk, Cups of coffee")
    anchor_low = forms.CharField(max_length=60, required=False, label="What 0 means (outcomes only)",
                                 help_text="e.g. clear")
    anchor_high = forms.CharField(max_length=60, required=False, label="What 10 means (outcomes only)",
                                  help_text="e.g. can't think")


class WearableUploadForm(forms.Form):
    file = forms.FileField(label="Your file", help_text=(
        "export.zip (or export.xml) from the Health app's “Export All Health Data”, or a CSV with the header "
        "date,metric,value (metrics: steps, sleep_hours, resting_heart_rate, hrv_sdnn_ms)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xml,.csv,application/zip,text/xml,text/csv"}))


class TrackedValuesForm(forms.Form):
    """The check-in's block of her own outcomes and factors (blank: not recorded, as every score)."""

    prefix = "tracked"

    def __init__(self, *args, items, **kwargs):
        from ldncare.web.record.forms import SCORE_CHOICES  # the check-in's "Not recorded, 0..10"

        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            name = f"i{item.pk}"
            if item.kind in (Kind.OUTCOME, Kind.LEVEL):
                help_text = (f"0 {item.anchor_low or 'none'}, 10 {item.anchor_high or 'worst'}"
                             if item.is_outcome else "0 none, 10 the most")
                self.fields[name] = forms.TypedChoiceField(
                    choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False, label=item.name,
                    help_text=help_text, widget=forms.RadioSelect)
            elif item.kind == Kind.YES_NO:
                self.fields[name] = forms.TypedChoiceField(
                    choices=[("", SCORE_CHOICES[0][1]), ("1", "Yes"), ("0", "No")], coerce=int, empty_value=None,
                    required=False, label=item.name, widget=forms.RadioSelect)
            else:
                low, high, whole = KIND_RANGES[item.kind]
                field_class = forms.IntegerField if whole else forms.DecimalField
                extra = {} if whole else {"max_digits": 6, "decimal_places": 2}
                self.fields[name] = field_class(
                    required=False, min_value=low, max_value=high, label=f"{item.name} ({item.kind})",
                    help_text="Leave blank if not recorded.", **extra,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric" if whole else "decimal",
                                                    "step": "1" if whole else "0.25"}))

        for item in self.items:  # offline.js sends the values under the diary column name (the API's tracked map)
            self.fields[f"i{item.pk}"].tracked_code = item.code

    def score_fields(self):
        return [self[f"i{i.pk}"] for i in self.items if i.kind in (Kind.OUTCOME, Kind.LEVEL, Kind.YES_NO)]

    def number_fields(self):
        return [self[f"i{i.pk}"] for i in self.items if i.kind not in (Kind.OUTCOME, Kind.LEVEL, Kind.YES_NO)]

    def values(self) -> dict:
        """Item → value (``None``: not recorded) for every item on the form."""
        return {item: self.cleaned_data.get(f"i{item.pk}") for item in self.items}
