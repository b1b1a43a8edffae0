from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ldncare.web.accounts.models import Role, User


@pytest.mark.django_db
def test_every_role_can_be_stored(patient, clinician, pharmacist, admin):
    assert {u.role for u in (patient, clinician, pharmacist, admin)} == {r.value for r in Role}
    assert patient.is_patient
    assert clinician.is_clinician
    assert pharmacist.is_pharmacist


@pytest.mark.django_db
def test_new_users_are_patients_by_default():
    assert User.objects.create_user(username="newcomer", password="x" * 12).role == Role.PATIENT


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="hacker", password="x" * 12, role="superhero")
    assert not User.objects.filter(username="hacker").exists()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(patient):
    assert patient.password.startswith("argon2$")
