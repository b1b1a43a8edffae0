"""The compiled token look-up (accounts.token_lookup.usable_token) agrees with the ORM's rule
(ApiToken.objects.usable()) on every combination of revoked, expired and inactive user, and gives
the same instances the ORM gives (every field, the user attached), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from ldncare.web.accounts.models import ApiToken, TokenEnd, hash_token
from ldncare.web.accounts.token_lookup import usable_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("revoked", "expired", "inactive"), list(itertools.product([False, True], repeat=3)))
def test_agrees_with_the_orms_usable_rule(patient, clinician, revoked, expired, inactive, django_assert_num_queries):
    now = timezone.now()
    token, raw = ApiToken.issue(user=patient, name="phone")
    ApiToken.issue(user=clinician, name="another person's token")
    if revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now - dt.timedelta(days=1),
                                                    revoked_reason=TokenEnd.REVOKED)
    if expired:  # the boundary itself: a token is usable only before its expiry
        ApiToken.objects.filter(pk=token.pk).update(expires_at=now)
    if inactive:
        type(patient).objects.filter(pk=patient.pk).update(is_active=False)

    expected = ApiToken.objects.usable().select_related("user").filter(token_sha256=hash_token(raw)).first()
    if expected is not None:  # usable() reads the clock itself: compare at a moment it also accepts
        assert expected.expires_at > now
    with django_assert_num_queries(1):
        found = usable_token(raw, now=now)

    assert (found is None) == (revoked or expired or inactive) == (expected is None)
    if found is not None:
        fields = [f.attname for f in ApiToken._meta.concrete_fields]
        assert {f: getattr(found, f) for f in fields} == {f: getattr(expected, f) for f in fields}
        assert found.expires_at.tzinfo is not None
        user_fields = [f.attname for f in type(patient)._meta.concrete_fields]
        with django_assert_num_queries(0):  # the user came with the token, as select_related gives it
            assert {f: getattr(found.user, f) for f in user_fields} == {f: getattr(expected.user, f) for f in user_fields}
        assert found.user == patient
        assert not found._state.adding


def test_an_unknown_secret_finds_nothing(patient):
    ApiToken.issue(user=patient, name="phone")
    assert usable_token("ldn_not-a-token", now=timezone.now()) is None
