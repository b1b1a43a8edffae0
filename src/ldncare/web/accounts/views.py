"""Sign-up and API tokens. Login, logout, password change and reset are Django's own views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ldncare.web.accounts.forms import SignUpForm, TokenForm
from ldncare.web.accounts.models import ApiToken


def signup(request):
    """A patient creates their own account, then goes straight to onboarding."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. A few questions first, so that ldncare can check what matters for you.")
        return redirect("record:onboarding")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def tokens(request):
    """List and create API tokens (shown once; only their SHA-256 is kept)."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _, raw = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
    tokens_ = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens_, "raw_token": raw})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
