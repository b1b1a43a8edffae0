"""TokenAuth: a bearer token signs the caller in; its last use is recorded to the minute."""

from __future__ import annotations

import datetime as dt
import types

from django.test import RequestFactory

from ldncare.web import auth
from ldncare.web.accounts.models import ApiToken


def _at(monkeypatch, moment):
    monkeypatch.setattr(auth, "timezone", types.SimpleNamespace(now=lambda: moment))


def test_last_use_is_written_once_per_clock_minute(patient, monkeypatch, django_assert_num_queries):
    token, raw = ApiToken.issue(user=patient, name="phone")
    request = RequestFactory().get("/api/v1/patients")
    start = dt.datetime(2026, 3, 1, 10, 0, 5, tzinfo=dt.UTC)

    _at(monkeypatch, start)
    assert auth.TokenAuth().authenticate(request, raw) == patient
    token.refresh_from_db()
    assert token.last_used_at == start

    _at(monkeypatch, start + dt.timedelta(seconds=50))  # same minute: the token is read, nothing written
    with django_assert_num_queries(1):
        assert auth.TokenAuth().authenticate(request, raw) == patient
    token.refresh_from_db()
    assert token.last_used_at == start

    _at(monkeypatch, start + dt.timedelta(seconds=56))  # 10:01:01, the next minute
    assert auth.TokenAuth().authenticate(request, raw) == patient
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=56)


def test_revoked_or_unknown_token_signs_nobody_in(patient):
    token, raw = ApiToken.issue(user=patient, name="phone")
    request = RequestFactory().get("/api/v1/patients")
    assert auth.TokenAuth().authenticate(request, raw + "x") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert auth.TokenAuth().authenticate(request, raw) is None
