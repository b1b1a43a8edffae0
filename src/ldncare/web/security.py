"""Small middlewares: Content-Security-Policy, the absolute session lifetime, no caching of health
data, the body-size cap and control characters in free text (:class:`FreeTextMiddleware`).

* :class:`ContentSecurityPolicyMiddleware` sets ``settings.CONTENT_SECURITY_POLICY`` on every
  HTML response that does not already carry one. Scripts come only from this origin (no inline
  script, no ``eval``): page data for scripts travels in ``<script type="application/json">``
  blocks (``json_script``), which are data, not code.
* :class:`AbsoluteSessionLifetimeMiddleware` ends a signed-in session ``SESSION_ABSOLUTE_AGE_S``
  seconds after sign-in, however active it was (ASVS 7.3.2). The inactivity timeout is Django's
  own ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``.
* :class:`NoStoreMiddleware` sends ``Cache-Control: no-store`` with every answer to a signed-in
  person or an API token (:func:`carries_health_data`): health data is never kept by a browser
  cache, a shared proxy or a CDN (ASVS 14.2.2/14.3.2). Public pages and static files stay cacheable.
* :class:`UploadLimitMiddleware` answers 413 to a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  before it is read. Django's own limit leaves out the file parts of a multipart body. The wearable
  import page (:data:`LARGE_UPLOAD_PATHS`) has its own, larger limit (``WEARABLE_IMPORT_MAX_BYTES``),
  enforced by its upload handler with a form error.
"""

from __future__ import annotations

import json
import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse

from ldncare.core.text import (
    control_character_message,
)

__all__ = [
    "SESSION_STARTED_KEY", "AbsoluteSessionLifetimeMiddleware", "ContentSecurityPolicyMiddleware",
    "FreeTextMiddleware", "NoStoreMiddleware", "UploadLimitMiddleware", "carries_health_data",
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


def _json_problems(value, loc: list) -> list[dict]:
    """Field errors for every string in a parsed JSON value that holds a forbidden control character."""
    if isinstance(value, str):
        problem = control_character_message(value)
        return [{"loc": loc, "msg": problem, "type": "value_error"}] if problem else []
    if isinstance(value, dict):
        return [e for key, item in value.items() for e in _json_problems(key, [*loc, "(key)"]) + _json_problems(item, [*loc, key])]
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _json_problems(item, [*loc, i])]
    return []


class FreeTextMiddleware:
    """One rule for control characters in what API clients send (``ldncare.core.text``).

    * JSON bodies (the API, offline sync): a string holding a forbidden control character (C0 but
      TAB/LF/CR, DEL, C1, a lone surrogate; NUL too, which PostgreSQL cannot store) answers 422
      with the field's path and the character, and nothing is written.
    * API query parameters (any method): the same rule, ``loc`` ``["query", name]``; a NUL there
      would otherwise reach the database in a filter, which PostgreSQL refuses (a 500).
    Pages refuse the same characters in their forms: diary notes by the same rule
    (``ldncare.core.response.diary``), NUL in every field by Django's own validator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"POST", "PUT", "PATCH"} and request.content_type == "application/json":
            refused = self._json_refusal(request)
            if refused is not None:
                return refused
        if request.GET and request.path.startswith("/api/"):
            errors = [e for name, values in request.GET.lists() for value in values
                      for e in _json_problems(value, ["query", name])]
            if errors:
                return JsonResponse({"detail": "Invalid input", "errors": errors[:20]}, status=422)
        return self.get_response(request)

    @staticmethod
    def _json_refusal(request):
        try:
            body = request.body
        except Exception:  # RequestDataTooBig: let the normal handling answer it
            return None
        errors = []
        if b"\x00" in body or _JSON_NUL.search(body):
            errors = [{"loc": ["body"], "msg": "NUL characters (U+0000) are not allowed", "type": "value_error"}]
        else:
            try:
                errors = _json_problems(json.loads(body), ["body"]) if body else []
            except (ValueError, RecursionError):
                return None  # not JSON: the API answers that itself
        if errors:
            return JsonResponse({"detail": "Invalid input", "errors": errors[:20]}, status=422)
        return None


def carries_health_data(request) -> bool:
    """Whether the answer to ``request`` may hold health data: it was made for someone signed in
    (a session, or an API token that authenticated the call)."""
    user = getattr(request, "user", None)
    return bool(getattr(request, "api_token", None)) or (user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer that may hold health data (:func:`carries_health_data`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_health_data(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response


#: Pages that take a big file (streamed to disk by ``FILE_UPLOAD_HANDLERS``, which enforce their own limit).
LARGE_UPLOAD_PATHS = frozenset({"/me/tracking/import/"})


class UploadLimitMiddleware:
    """413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (by its ``Content-Length``), files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path_info in LARGE_UPLOAD_PATHS:  # its upload handler refuses too big a file with a form error
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = f"The request body is {length} bytes; at most {limit} bytes are accepted."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": [
                    {"loc": ["body"], "msg": message, "type": "too_large"}]}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
