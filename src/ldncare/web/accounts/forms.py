from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from ldncare.web.accounts import throttle
from ldncare.web.accounts.models import Role, User


class SignUpForm(UserCreationForm):
    """Patients sign up themselves; the role is always ``patient`` (never taken from the form)."""

    email = forms.EmailField(required=True, help_text="For password reset only.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = Role.PATIENT
        user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name of the device or app", initial="my phone")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing further attempts after repeated failures (see ``throttle``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed sign-ins. Wait 15 minutes, or reset your password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and throttle.is_locked(self.request, username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(self.request, username)
            raise
        throttle.reset(self.request, username)
        return cleaned
