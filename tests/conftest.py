"""Shared test set-up: the named test users and the automatic ``dbtest`` marker.

Named users, as in healthchecks: ``patient`` (owns a record), ``clinician`` and
``pharmacist`` (care team), ``stranger`` (another patient with no relation to anyone),
and ``admin`` (accounts, never health data).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Property tests explore new random inputs on every developer run (that is how they find bugs);
# CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) uses a fixed derandomized seed, so a red CI is
# reproducible and a landing is never blocked by a draw that no one can replay. A failure found
# locally becomes an explicit example or parametrized case.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that touches the database, so CI can re-run them on PostgreSQL."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.dbtest)


PASSWORD = "correct horse battery staple"


def _make_user(django_user_model, username: str, role: str, **extra):
    return django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, role=role, **extra
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def patient(db, django_user_model):
    return _make_user(django_user_model, "patty", "patient", first_name="Patty")


@pytest.fixture
def clinician(db, django_user_model):
    return _make_user(django_user_model, "dr_chen", "clinician", first_name="Lin", last_name="Chen")


@pytest.fixture
def pharmacist(db, django_user_model):
    return _make_user(django_user_model, "pharm_ode", "pharmacist", first_name="Ada", last_name="Ode")


@pytest.fixture
def stranger(db, django_user_model):
    return _make_user(django_user_model, "stranger", "patient")


@pytest.fixture
def admin(db, django_user_model):
    return _make_user(django_user_model, "admin_ann", "admin", is_staff=True, is_superuser=True)
