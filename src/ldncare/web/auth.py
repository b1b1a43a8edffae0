"""How API callers prove who they are: a bearer token (hashed at rest) or the browser session.

A token works until it expires or is revoked (``ApiToken.objects.usable``). The session path checks CSRF on state-changing requests (django-ninja's ``SessionAuth``);
the token path needs none (no ambient credentials).
"""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from ldncare.web.accounts.models import ApiToken
from ldncare.web.accounts.token_lookup import usable_token

__all__ = ["API_AUTH", "TokenAuth"]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        now = timezone.now()
        found = usable_token(token, now=now)  # ApiToken.objects.usable(), in one statement compiled once
        if found is None:
            return None
        if found.last_used_at is None or _minute(found.last_used_at) != _minute(now):
            # Written once per clock minute, the precision the tokens page shows: a burst of
            # API calls costs one write (and one commit) a minute, not one per request.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        request.user = found.user
        request.api_token = found
        return found.user


def _minute(moment):
    return moment.replace(second=0, microsecond=0)


API_AUTH = [TokenAuth(), django_auth]
