"""Sign-up, Argon2, password change and reset, API tokens."""

from __future__ import annotations

import pytest
from django.core import mail

from ldncare.web.accounts.models import ApiToken, Role, User, hash_token

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_signup_creates_a_patient_and_signs_in(db, client):
    response = client.post("/accounts/signup/", {
        "username": "newpat", "email": "new@example.org", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42",
        "role": "admin",  # ignored: the role never comes from the form
    })
    assert response.status_code == 302
    assert response["Location"] == "/me/onboarding/"
    user = User.objects.get(username="newpat")
    assert user.role == Role.PATIENT
    assert not user.is_staff
    assert client.get("/me/onboarding/").status_code == 200


@pytest.mark.django_db
def test_signup_rejects_a_weak_password(client):
    response = client.post("/accounts/signup/", {"username": "x", "email": "x@example.org", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(username="argo", password="a long pass phrase 42")
    assert user.password.startswith("argon2$")


def test_password_reset_sends_an_email_with_a_working_link(client, patient):
    client.post("/accounts/password_reset/", {"email": patient.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "another long phrase 7", "new_password2": "another long phrase 7"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password("another long phrase 7")


def test_password_change_keeps_the_session(client, patient, password):
    client.force_login(patient)
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": "brand new phrase 99", "new_password2": "brand new phrase 99",
    })
    assert response.status_code == 302
    assert client.get("/accounts/tokens/").status_code == 200


def test_api_tokens_are_stored_hashed_and_can_be_revoked(client, patient):
    client.force_login(patient)
    response = client.post("/accounts/tokens/", {"name": "phone"})
    raw = response.context["raw_token"]
    token = ApiToken.objects.get(user=patient)
    assert token.token_sha256 == hash_token(raw)
    assert raw not in token.token_sha256
    client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()["username"] == patient.username
    client.force_login(patient)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_role_constraints_keep_practices_for_clinicians(db, practice):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="p", role=Role.PATIENT, practice=practice)


def test_admin_creates_a_clinician_and_invites_them_by_email(client, admin, practice):
    client.force_login(admin)
    response = client.post("/admin/accounts/user/add/", {
        "username": "dr_new", "password1": "a long admin phrase 1", "password2": "a long admin phrase 1",
        "usable_password": "true", "email": "dr_new@example.org", "role": "clinician", "practice": practice.pk,
    })
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(username="dr_new")
    assert user.role == Role.CLINICIAN
    assert user.practice == practice
    client.post("/admin/accounts/user/", {"action": "send_invitation", "_selected_action": [user.pk]})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dr_new@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_admin_signs_a_user_out_everywhere(client, admin, clinician, password, login_verified):
    from django.test import Client

    from ldncare.web.access.models import AuditEvent
    from ldncare.web.accounts.models import ApiToken

    theirs = Client()
    login_verified(theirs, clinician)
    assert theirs.get("/clinic/").status_code == 200
    token, raw = ApiToken.issue(user=clinician, name="laptop")
    assert Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.force_login(admin)
    done = client.post("/admin/accounts/user/", {"action": "sign_out_everywhere", "_selected_action": [clinician.pk]},
                       follow=True)
    assert "Signed out everywhere: 1 user(s); API tokens revoked: 1." in done.content.decode()
    assert theirs.get("/clinic/")["Location"].startswith("/accounts/login/")
    assert Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/admin/").status_code == 200  # the administrator's own session is untouched
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="session", object_id="all").count() == 1
    fresh = Client()
    clinician.refresh_from_db()  # as a real sign-in loads the user anew
    login_verified(fresh, clinician)
    assert fresh.get("/clinic/").status_code == 200  # signing in again works


def test_repeated_failed_sign_ins_are_throttled(client, patient, password):
    from axes.models import AccessAttempt

    for _ in range(5):
        client.post("/accounts/login/", {"username": patient.username, "password": "wrong password"})
    response = client.post("/accounts/login/", {"username": patient.username, "password": password})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    token = client.post("/api/v1/auth/token", data={"username": patient.username, "password": password},
                        content_type="application/json")
    assert token.status_code == 429
    AccessAttempt.objects.all().delete()  # an administrator lifts the lockout (admin: Axes access attempts)
    assert client.post("/accounts/login/", {"username": patient.username, "password": password}).status_code == 302
