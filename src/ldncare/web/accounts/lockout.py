"""Sign-in lockout with django-axes: one home for counting failed sign-ins and refusing more.

Failures are counted in the database (``axes.AccessAttempt``), so every web process and worker
sees the same counts. Two limits hold at once within ``AXES_COOLOFF_TIME`` (default 15 minutes):

* ``AXES_FAILURE_LIMIT`` failures for one **account** (username, from any address; default 5);
* ``LDNCARE_ADDRESS_FAILURE_LIMIT`` failures from one **address** (any usernames; default 20).

Axes knows one limit only (it compares the largest count of its lockout parameters with
``AXES_FAILURE_LIMIT``), so :class:`LockoutHandler` reports an address's count scaled to the
account limit: ``failures × account_limit // address_limit`` reaches the account limit exactly
when the address has failed ``address_limit`` times (integer arithmetic, no rounding slack).

A locked request gets the same answer whatever the username (known, unknown or inactive):
``accounts/locked.html`` with status 429 on pages, ``{"detail", "errors"}`` with 429 on the API.
Each lockout is written to the audit table (``access.AuditEvent``, object type ``sign_in_lockout``);
the patient sees it in "Who looked at your record". Administrators see and lift lockouts in the
Django admin (Axes: access attempts) or with ``manage.py axes_reset_username NAME``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render

from ldncare.web.access.audit import audit, client_ip

__all__ = ["LockoutHandler", "client_address", "is_api_request", "locked_message", "lockout_response"]


def locked_message() -> str:
    """What a locked-out person reads, with the configured wait (``AXES_COOLOFF_MINUTES``)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"Too many failed sign-ins. Wait {minutes} minutes, or reset your password."


def client_address(request) -> str | None:
    """The address Axes counts: the same one the audit log records (``AXES_CLIENT_IP_CALLABLE``)."""
    return client_ip(request)


def is_api_request(request) -> bool:
    return request.path_info.startswith("/api/")


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate limit per address (see the module docstring)."""

    def get_failures(self, request, credentials=None) -> int:
        account_limit = settings.AXES_FAILURE_LIMIT
        address_limit = settings.LDNCARE_ADDRESS_FAILURE_LIMIT
        worst = 0
        # settings.AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: one queryset each, in order.
        for parameter, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=False):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                failures = failures * account_limit // address_limit
            worst = max(worst, failures)
        return worst


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out request gets (``AXES_LOCKOUT_CALLABLE``): the same for every username."""
    if is_api_request(request):
        return JsonResponse({"detail": locked_message(), "errors": []}, status=429)
    return render(request, "accounts/locked.html", {"message": locked_message()}, status=429)


@receiver(user_locked_out)
def _audit_lockout(sender, request, username, ip_address, **kwargs):
    """Write the lockout to the audit table, on the account's record when the username exists."""
    subject = get_user_model().objects.filter(username=username).first() if username else None
    audit(request, subject=subject, object_type="sign_in_lockout", action="update", outcome="denied",
          channel="api" if is_api_request(request) else "web")
