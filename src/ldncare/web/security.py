"""Two small middlewares: the Content-Security-Policy header and the absolute session lifetime.

* :class:`ContentSecurityPolicyMiddleware` sets ``settings.CONTENT_SECURITY_POLICY`` on every
  HTML response that does not already carry one. Scripts come only from this origin (no inline
  script, no ``eval``): page data for scripts travels in ``<script type="application/json">``
  blocks (``json_script``), which are data, not code.
* :class:`AbsoluteSessionLifetimeMiddleware` ends a signed-in session ``SESSION_ABSOLUTE_AGE_S``
  seconds after sign-in, however active it was (ASVS 7.3.2). The inactivity timeout is Django's
  own ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse

__all__ = [
    "SESSION_STARTED_KEY", "AbsoluteSessionLifetimeMiddleware", "ContentSecurityPolicyMiddleware",
    "RejectNulInJsonMiddleware",
]

SESSION_STARTED_KEY = "_ldncare_auth_started_at"


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


class AbsoluteSessionLifetimeMiddleware:
    """Sign out a session older than ``SESSION_ABSOLUTE_AGE_S`` (counted from sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if not isinstance(started, int):
                request.session[SESSION_STARTED_KEY] = now  # sessions from before this rule: start now
            elif now - started > settings.SESSION_ABSOLUTE_AGE_S:
                logout(request)  # flushes the session server-side; request.user becomes anonymous
        return self.get_response(request)


# A JSON string escape of U+0000 that is not itself escaped (an even run of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class RejectNulInJsonMiddleware:
    """Answer 422 to a JSON body holding a NUL character (U+0000), in any field.

    No ldncare value may contain one, and PostgreSQL refuses NUL in text columns (a 500
    otherwise). Forms are covered by Django's ``ProhibitNullCharactersValidator``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"POST", "PUT", "PATCH"} and request.content_type == "application/json":
            try:
                body = request.body
            except Exception:  # RequestDataTooBig: let the normal handling answer it
                return self.get_response(request)
            if b"\x00" in body or _JSON_NUL.search(body):
                error = "NUL characters (U+0000) are not allowed"
                return JsonResponse({"detail": "Invalid input",
                                     "errors": [{"loc": ["body"], "msg": error, "type": "value_error"}]}, status=422)
        return self.get_response(request)
