"""``ldncare staff-add``: a staff account with a one-time enrolment link, never a printed password."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from freezegun import freeze_time
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 is slow on purpose
NEW_PASSWORD = "a long new passphrase 7"


def _add(*args: str):
    result = runner.invoke(app, ["staff-add", *args])
    return result, result.output


def _path(link: str) -> str:
    return link[link.index("/accounts/enrol/"):]


def test_staff_add_prints_a_link_not_a_password_and_the_link_works_once(db, client):
    result, output = _add("--role", "clinician", "--email", "mara@clinic.example", "--practice", "Riverside",
                          "--first-name", "Mara", "--json")
    assert result.exit_code == 0, output
    payload = json.loads(output)
    user = get_user_model().objects.get(username="mara@clinic.example")
    assert (user.role, user.practice.name, user.has_usable_password()) == ("clinician", "Riverside", False)
    assert "password" not in output.lower()
    path = _path(payload["enrolment_link"])

    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "mara@clinic.example" in page.content.decode()
    done = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/2fa/setup/"  # the second factor is next, before any page
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/clinic/", follow=False)["Location"].startswith("/accounts/2fa/setup/")

    client.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert "already used" in again.content.decode()


def test_the_link_expires(db, client, settings):
    settings.STAFF_ENROLMENT_LINK_MAX_AGE_S = 3600
    with freeze_time("2026-05-01 09:00:00"):
        result, output = _add("--role", "pharmacist", "--email", "tomas@pharmacy.example", "--json")
        path = _path(json.loads(output)["enrolment_link"])
    with freeze_time(dt.datetime(2026, 5, 1, 10, 0, 5)):
        page = client.get(path)
    assert page.status_code == 400
    assert "expired" in page.content.decode()


def test_a_new_link_replaces_the_old_one(db, client):
    _, first = _add("--role", "admin", "--email", "root@clinic.example", "--json")
    _, second = _add("--role", "admin", "--email", "root@clinic.example", "--new-link", "--json")
    assert client.get(_path(json.loads(first)["enrolment_link"])).status_code == 400
    assert client.get(_path(json.loads(second)["enrolment_link"])).status_code == 200
    admin = get_user_model().objects.get(email="root@clinic.example")
    assert admin.is_staff
    assert admin.is_superuser


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "patient", "--email", "p@example.org"], "not a staff role"),
    (["--role", "clinician", "--email", "not-an-address"], "not an e-mail address"),
    (["--role", "pharmacist", "--email", "x@example.org", "--practice", "P"], "for clinicians only"),
])
def test_bad_input_exits_2_with_a_message(db, args, message):
    result, output = _add(*args)
    assert result.exit_code == 2
    assert message in output
    assert not get_user_model().objects.exists()


def test_an_existing_account_is_not_replaced(db, clinician):
    result, output = _add("--role", "clinician", "--email", clinician.email)
    assert result.exit_code == 2
    assert "exists already" in output
    result, output = _add("--role", "clinician", "--email", clinician.email, "--new-link")
    assert result.exit_code == 2
    assert "has set a password already" in output
