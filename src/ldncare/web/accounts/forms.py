from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm

from ldncare.web.accounts.models import Role, User
from ldncare.web.accounts.zones import UTC_NAME, time_zone_names


def time_zone_field(*, from_browser: bool) -> forms.ChoiceField:
    """Every IANA zone, as a list; ``from_browser``: the page fills in the device's zone (site.js, Intl API)."""
    attrs = {"data-from-browser": "1"} if from_browser else {}
    return forms.ChoiceField(
        label="Your time zone", initial=UTC_NAME, choices=[(name, name.replace("_", " ")) for name in
                                                           sorted(time_zone_names())],
        help_text="Times (calls, reminders, the access log) are shown in it."
        + (" Filled in from this device; change it if it is wrong." if from_browser else ""),
        widget=forms.Select(attrs=attrs),
    )


class SignUpForm(UserCreationForm):
    """Patients sign up themselves; the role is always ``patient`` (never taken from the form)."""

    email = forms.EmailField(required=True, help_text="For password reset only.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = time_zone_field(from_browser=not self.is_bound)  # never override an answer
        self.fields["time_zone"].required = False  # a client that sends none gets UTC, changeable in Account

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or UTC_NAME


class TimeZoneForm(forms.Form):
    """Change the time zone every time is shown in (Account)."""

    time_zone = time_zone_field(from_browser=False)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = Role.PATIENT
        user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name of the device or app", initial="my phone")


def _code_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=12, strip=True, help_text="From your authenticator app; a new one every 30 seconds.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CodeForm(forms.Form):
    """The 6-digit code from the authenticator app."""

    code = _code_field("6-digit code")


class ReauthenticationForm(forms.Form):
    """Asks for the signed-in user's password again before a change to how they sign in (ASVS 7.5.1).

    The check goes through ``authenticate`` so that wrong passwords count towards the sign-in
    lockout (django-axes) like any other failed sign-in.
    """

    password = forms.CharField(label="Your current password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError("That is not your current password.", code="wrong_password")
        return password


class EmailChangeForm(ReauthenticationForm):
    email = forms.EmailField(label="New e-mail address", max_length=254)

    field_order = ["email", "password"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.request.user.email or "").lower():
            raise forms.ValidationError("That is already your e-mail address.", code="unchanged")
        return email


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes, in place of the authenticator's code."""

    code = forms.CharField(
        label="Recovery code", max_length=40, strip=True,
        help_text="16 letters and digits, as printed (for example abcd-efgh-2345-jkmn); each code works once.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class RecoveryCodesForm(ReauthenticationForm):
    """Make new recovery codes (the password is asked again; the old codes stop working)."""


class SecondFactorResetForm(ReauthenticationForm):
    """Remove the authenticator: the password and a current code (or a recovery code).

    A session that signed in with a recovery code has just proved the second factor (its phone
    may be lost), so it is asked for the password only.
    """

    code = forms.CharField(
        label="Current 6-digit code, or a recovery code", max_length=40, strip=True,
        help_text="From your authenticator app, or one of your recovery codes if the phone is lost.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def __init__(self, *args, code_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not code_needed:
            del self.fields["code"]
