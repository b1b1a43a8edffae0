"""The second factor (TOTP, django-otp): who needs it, the one gate, and its services.

Clinicians, pharmacists and administrators (and any Django staff account) must prove a
6-digit authenticator code after their password (ASVS 6.3.2 at level 2). Until the session
is verified, :class:`SecondFactorMiddleware` lets it reach only the code step, the enrolment
page and sign-out: pages redirect there, the API answers 401. Patients may enable a code
too; then their sessions need it as well.

Codes are single-use (django-otp keeps the last accepted time step, ``last_t``) and wrong
codes slow further guesses (django-otp's throttling doubles the wait after each failure:
1, 2, 4, 8 … seconds, until a correct code). Verification locks the device row
(``select_for_update``) so two requests cannot both spend the same code.

Recovery codes (:class:`~ldncare.web.accounts.models.RecoveryCodeDevice`) are the way back in
after a lost phone: ten one-time codes made at enrolment (and again on request, after the
password), each accepted once in place of the authenticator's code, stored salted-hashed.
"""

from __future__ import annotations

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldncare.web.access.audit import audit
from ldncare.web.accounts.models import RecoveryCodeDevice, Role, TokenEnd, is_recovery_code_shaped

__all__ = [
    "CODE_STEP_URL_NAMES",
    "SECOND_FACTOR_SESSION_KEY",
    "SecondFactorMiddleware",
    "confirmed_device",
    "is_verified",
    "device_for_enrolment",
    "must_use_second_factor",
    "needs_second_factor",
    "provisioning",
    "recovery_code_check",
    "recovery_codes_issue",
    "recovery_codes_left",
    "recovery_device",
    "second_factor_check",
    "second_factor_check_any",
    "second_factor_confirm",
    "second_factor_recover",
    "second_factor_reset",
    "second_factor_verify",
    "throttle_wait_s",
    "verified_with_recovery_code",
]

STAFF_ROLES = frozenset({Role.CLINICIAN, Role.PHARMACIST, Role.ADMIN})

# What an unverified session may reach (URL names), besides the API's token exchange.
CODE_STEP_URL_NAMES = frozenset({
    "accounts:second-factor", "accounts:second-factor-setup", "accounts:second-factor-recovery", "login", "logout",
})
_OPEN_API_PATHS = ("/api/v1/auth/token",)
_DEVICE_NAME = "authenticator app"
SECOND_FACTOR_SESSION_KEY = "_ldncare_second_factor"


def must_use_second_factor(user) -> bool:
    """Staff accounts: a second factor is required before any page (enrolment at first sign-in)."""
    return user.role in STAFF_ROLES or user.is_staff or user.is_superuser


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(request) -> bool:
    """Whether this signed-in session must prove a code: staff always, others once they enabled one.

    For patients the answer is taken at sign-in (:func:`_note_second_factor`) and kept in the
    session, so that their requests cost no extra query.
    """
    return must_use_second_factor(request.user) or bool(request.session.get(SECOND_FACTOR_SESSION_KEY))


@receiver(user_logged_in)
def _note_second_factor(sender, request, user, **kwargs):
    if (request is not None and hasattr(request, "session") and not must_use_second_factor(user)
            and confirmed_device(user) is not None):
        request.session[SECOND_FACTOR_SESSION_KEY] = True


def is_verified(request) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


class SecondFactorMiddleware:
    """Confine a signed-in session that still owes its second factor (after ``OTPMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and needs_second_factor(request) and not is_verified(request)
                and not self._open(request)):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": "Second factor required: finish signing in with your code.",
                                     "errors": []}, status=401)
            target = "accounts:second-factor" if confirmed_device(user) else "accounts:second-factor-setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        if request.path_info in _OPEN_API_PATHS or request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in CODE_STEP_URL_NAMES


def throttle_wait_s(device: TOTPDevice) -> int:
    """Seconds before this device accepts another guess (0: now)."""
    from django.utils import timezone

    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


def second_factor_check(user, device: TOTPDevice, code: str) -> bool:
    """Verify ``code`` against ``device`` once (row locked; spends the code; throttles failures)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == device.digits):
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if locked.verify_is_allowed()[0]:
                locked.throttle_increment(commit=True)  # malformed guesses count too
        return False
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def recovery_device(user) -> RecoveryCodeDevice | None:
    """The user's recovery codes, which count only while an authenticator is enrolled."""
    if confirmed_device(user) is None:
        return None
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.codes_left() if device is not None else 0


def recovery_codes_issue(request) -> list[str]:
    """Make the user's recovery codes anew (the old ones stop working); return them, to show once."""
    user = request.user
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = device.issue_codes()
        audit(request, subject=user, object_type="recovery_codes", action="create", outcome="allowed")
    return codes


def recovery_code_check(user, device: RecoveryCodeDevice, code: str) -> bool:
    """Spend ``code`` if it is one of ``device``'s unused codes (row locked; every miss throttled,
    malformed ones too: :meth:`RecoveryCodeDevice.verify_token`)."""
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def second_factor_check_any(user, code: str) -> tuple[bool, TOTPDevice | RecoveryCodeDevice]:
    """Check a code that may be the app's or a recovery code (the reset form takes either).

    Returns whether it was accepted and the device it was checked against (for the wait message).
    """
    recovery = recovery_device(user)
    if recovery is not None and is_recovery_code_shaped(code):
        return recovery_code_check(user, recovery, code), recovery
    device = confirmed_device(user)
    return second_factor_check(user, device, code), device


def second_factor_recover(request, *, code: str) -> bool:
    """The code step with a recovery code instead: spend it and mark the session verified, or refuse."""
    device = recovery_device(request.user)
    if device is None or not recovery_code_check(request.user, device, code):
        return False
    audit(request, subject=request.user, object_type="recovery_code", action="update", outcome="allowed")
    device.refresh_from_db()
    _mark_verified(request, device)
    return True


def verified_with_recovery_code(request) -> bool:
    """Whether this session passed its second factor with a recovery code (the phone may be lost)."""
    return isinstance(getattr(request.user, "otp_device", None), RecoveryCodeDevice)


def second_factor_verify(request, *, code: str) -> bool:
    """The code step after the password: mark the session verified (new session id) or refuse."""
    device = confirmed_device(request.user)
    if device is None or not second_factor_check(request.user, device, code):
        return False
    device.refresh_from_db()
    _mark_verified(request, device)
    return True


def device_for_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed device (created once, so reloading the page keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_DEVICE_NAME, confirmed=False)


def provisioning(device: TOTPDevice) -> dict:
    """What the enrolment page shows: the QR code (inline SVG) and the secret for typing in."""
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return {
        "qr_svg": qr.svg_inline(scale=4, title="QR code for your authenticator app"),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "otpauth_url": device.config_url,  # opens the authenticator on the phone this page is read on
    }


def second_factor_confirm(request, *, code: str) -> bool:
    """Enrolment: the first correct code from the new device confirms it and verifies the session."""
    user = request.user
    if confirmed_device(user) is not None:
        return False
    device = device_for_enrolment(user)
    if not second_factor_check(user, device, code):
        return False
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit(request, subject=user, object_type="second_factor", action="create", outcome="allowed")
    _mark_verified(request, device)
    request.session[SECOND_FACTOR_SESSION_KEY] = True
    return True


def second_factor_reset(request) -> None:
    """Remove the user's devices and recovery codes (after re-authentication); staff enrol again first."""
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        audit(request, subject=user, object_type="second_factor", action="delete", outcome="allowed")
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
    from ldncare.web.accounts.services import user_sessions_end_others

    # A changed factor ends the other sessions and the API tokens.
    user_sessions_end_others(request=request, user=user, reason=TokenEnd.SECOND_FACTOR)


def _mark_verified(request, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id for the raised privilege (ASVS 7.2.4)
    django_otp.login(request, device)
