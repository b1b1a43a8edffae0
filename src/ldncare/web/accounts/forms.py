from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

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
