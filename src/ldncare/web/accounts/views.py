"""Sign-up, the second factor, re-authenticated changes and API tokens.

Login, logout, password change and reset are Django's own views (the password change is
audited here). The second-factor gate itself lives in ``ldncare.web.accounts.otp``.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ldncare.web.access.audit import audit, client_ip
from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts import otp, services
from ldncare.web.accounts.forms import (
    CodeForm,
    EmailChangeForm,
    RecoveryCodeForm,
    RecoveryCodesForm,
    SecondFactorResetForm,
    SignUpForm,
    TimeZoneForm,
    TokenForm,
)
from ldncare.web.accounts.models import ApiToken, TokenEnd


def _signup_probes(request) -> int:
    """Sign-ups refused for a taken username from this client address in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return AuditEvent.objects.filter(object_type="signup_taken", ip_address=client_ip(request),
                                     recorded_at__gte=since).count()


def signup(request):
    """A patient creates their own account, then goes straight to onboarding.

    A taken username is the one thing sign-up must reveal; it is said without "exists", and one
    client address may meet it ``SIGNUP_TAKEN_PER_HOUR`` times an hour, after which sign-up from
    there waits (an account list cannot be read off this page, and ldncare users are patients).
    """
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and _signup_probes(request) >= settings.SIGNUP_TAKEN_PER_HOUR:
        form.is_valid()
        form.errors.clear()
        form.add_error(None, "Too many sign-up attempts from your network. Wait an hour, then try again.")
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if request.method == "POST" and not form.is_valid() and form.has_error("username", "unique"):
        audit(request, subject=None, object_type="signup_taken", action="create", outcome="denied")
        form.errors["username"] = form.error_class(["Choose another username."])
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. A few questions first, so that ldncare can check what matters for you.")
        return redirect("record:onboarding")
    return render(request, "accounts/signup.html", {"form": form})


def enrol(request, token: str):
    """The one-time link from ``ldncare staff-add``: the new staff member sets a password, is signed
    in, and goes on to enrol the second factor. A used, replaced or expired link says so (400)."""
    try:
        user = services.staff_enrolment_user(token=token)
    except services.EnrolmentLinkError as error:
        response = render(request, "accounts/enrol.html", {"reason": str(error)}, status=400)
    else:
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            form.save()  # the password fingerprint changes: the link is spent
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            audit(request, subject=user, object_type="password", action="create", outcome="allowed")
            messages.success(request, "Your password is set. Now set up two-step sign-in with your phone.")
            return redirect("accounts:second-factor-setup")
        response = render(request, "accounts/enrol.html", {"form": form, "enrolling": user})
    response["Cache-Control"] = "no-store"
    return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse_lazy(settings.LOGIN_REDIRECT_URL)


def _code_error(form, device) -> None:
    wait = otp.throttle_wait_s(device) if device is not None else 0
    if wait:
        form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then enter the newest code.")
    else:
        form.add_error("code", "That code is not right, or it was already used. Enter the newest code.")


@login_required
def second_factor(request):
    """The step after the password: the 6-digit code from the authenticator app."""
    if otp.is_verified(request) or not otp.needs_second_factor(request):
        return redirect(_next_url(request))
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:second-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.second_factor_verify(request, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        _code_error(form, device)
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def second_factor_setup(request):
    """Enrolment: scan the QR code (or type the secret), then confirm with a first code."""
    if otp.confirmed_device(request.user) is not None:
        if otp.is_verified(request):
            messages.info(request, "Two-step sign-in is already on. To move it to a new phone, reset it first.")
            return redirect("accounts:security")
        return redirect("accounts:second-factor")
    device = otp.device_for_enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.second_factor_confirm(request, code=form.cleaned_data["code"]):
            messages.success(request, "Two-step sign-in is on. You will enter a code from the app at each sign-in.")
            return _show_recovery_codes(request, otp.recovery_codes_issue(request))
        _code_error(form, device)
    context = {"form": form, "next": _next_url(request), "required": otp.must_use_second_factor(request.user),
               **otp.provisioning(device)}
    return render(request, "accounts/second_factor_setup.html", context)


def _show_recovery_codes(request, codes: list[str]):
    """The new recovery codes, shown once in the answer itself (never stored in plain, never redirected)."""
    response = render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def second_factor_recovery(request):
    """The code step with a recovery code, for a lost or unavailable phone."""
    if otp.is_verified(request) or not otp.needs_second_factor(request):
        return redirect(_next_url(request))
    device = otp.recovery_device(request.user)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.second_factor_recover(request, code=form.cleaned_data["code"]):
            left = otp.recovery_codes_left(request.user)
            messages.warning(request, f"Signed in with a recovery code; {left} of your codes are left. "
                                      "If your phone is lost, reset two-step sign-in now and set up the new phone.")
            return redirect("accounts:security")
        wait = otp.throttle_wait_s(device) if device is not None else 0
        form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then try again." if wait
                       else "That is not one of your unused recovery codes.")
    return render(request, "accounts/second_factor_recovery.html",
                  {"form": form, "next": _next_url(request), "has_codes": device is not None})


@login_required
def recovery_codes(request):
    """How many recovery codes are left; make new ones (password asked again; the old ones stop working)."""
    if otp.confirmed_device(request.user) is None:
        return redirect("accounts:second-factor-setup")
    form = RecoveryCodesForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        return _show_recovery_codes(request, otp.recovery_codes_issue(request))
    return render(request, "accounts/recovery_codes.html",
                  {"form": form, "left": otp.recovery_codes_left(request.user)})


@login_required
def second_factor_reset(request):
    """Turn the second factor off (password and a current or recovery code); staff then enrol again."""
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:second-factor-setup")
    code_needed = not otp.verified_with_recovery_code(request)
    form = SecondFactorResetForm(request.POST or None, request=request, code_needed=code_needed)
    if request.method == "POST" and form.is_valid():
        ok, checked = otp.second_factor_check_any(request.user, form.cleaned_data["code"]) if code_needed else (True, device)
        if ok:
            otp.second_factor_reset(request)
            if otp.must_use_second_factor(request.user):
                messages.success(request, "Your authenticator was removed. Set up the new one now.")
                return redirect("accounts:second-factor-setup")
            messages.success(request, "Two-step sign-in is off.")
            return redirect("accounts:security")
        _code_error(form, checked)
    return render(request, "accounts/second_factor_reset.html", {"form": form, "code_needed": code_needed})


@login_required
@require_POST
def sessions_end_others(request):
    """"Sign out my other sessions": every other browser is signed out at its next request."""
    services.user_sessions_end_others(request=request, user=request.user)
    messages.success(request, "Your other sessions are signed out.")
    return redirect("accounts:security")


@login_required
def security(request):
    """How I sign in: e-mail, password, second factor, API tokens; and my time zone."""
    context = {"device": otp.confirmed_device(request.user), "required": otp.must_use_second_factor(request.user),
               "recovery_left": otp.recovery_codes_left(request.user),
               "zone_form": TimeZoneForm(initial={"time_zone": request.user.time_zone})}
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def time_zone_change(request):
    """Change the zone every time is shown in."""
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        services.user_time_zone_change(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, f"Times are now shown in {form.cleaned_data['time_zone']}.")
        return redirect("accounts:security")
    context = {"device": otp.confirmed_device(request.user), "required": otp.must_use_second_factor(request.user),
               "recovery_left": otp.recovery_codes_left(request.user), "zone_form": form}
    return render(request, "accounts/security.html", context, status=422)


@login_required
def email_change(request):
    """Ask to change the e-mail address (used for password resets): the password again, then a link to the new one."""
    form = EmailChangeForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.user_email_change_request(request=request, user=request.user, email=email)
        messages.info(request, f"We sent a link to {email}. Your address changes when you open it, signed in.")
        return redirect("accounts:security")
    return render(request, "accounts/email_change.html", {"form": form})


@login_required
def email_change_confirm(request, token: str):
    """The link from the e-mail: opened (signed in as the same user), it changes the address.

    Opening it is a GET that changes data, as e-mail confirmation links do; it is single-use
    (it names the address it replaces) and expires, so a prefetching mail client can at most
    apply the change its owner asked for.
    """
    try:
        email = services.user_email_change_confirm(request=request, user=request.user, token=token)
    except services.EmailLinkError as error:
        return render(request, "accounts/email_confirm_failed.html", {"reason": str(error)}, status=400)
    messages.success(request, f"Your e-mail address is now {email}.")
    return redirect("accounts:security")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled: at most ``PASSWORD_RESET_MAILS_PER_HOUR`` mails to one
    address and ``PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR`` requests from one client address.

    Over a limit nothing is sent, and the answer is the same "check your e-mail" page as always,
    so it tells nothing about whether the address has an account. Each request is an audit row
    (``password_reset``, the e-mail address only as a hash), which is also what is counted:
    shared by every server process.
    """

    def form_valid(self, form):
        digest = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode("utf-8")).hexdigest()[:32]
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = AuditEvent.objects.filter(object_type="password_reset", recorded_at__gte=since, outcome="allowed")
        over = (recent.filter(object_id=digest).count() >= settings.PASSWORD_RESET_MAILS_PER_HOUR
                or recent.filter(ip_address=client_ip(self.request)).count()
                >= settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR)
        audit(self.request, subject=None, object_type="password_reset", object_id=digest, action="create",
              outcome="denied" if over else "allowed")
        if over:
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password asked; other sessions end), audited."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(self.request, subject=self.request.user, object_type="password", action="update", outcome="allowed")
        return response


@login_required
def tokens(request):
    """List and create API tokens (shown once; only their SHA-256 is kept)."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _, raw = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
    mine = ApiToken.objects.filter(user=request.user)
    active = mine.usable()
    ended = mine.exclude(pk__in=active.values("pk")).order_by("-created_at")[:10]
    context = {"form": form, "tokens": active, "ended": ended, "raw_token": raw,
               "max_age_days": settings.API_TOKEN_MAX_AGE_DAYS, "now": timezone.now()}
    response = render(request, "accounts/tokens.html", context)
    response["Cache-Control"] = "no-store"  # a new token is in this answer
    return response


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    ApiToken.objects.filter(pk=token.pk).revoke(TokenEnd.REVOKED)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
