from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_is_real_and_carries_the_disclaimer(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "not medical advice" in html.lower()
    assert "off-label" in html
    assert reverse("api-v1:openapi-view") in html
    assert reverse("login") in html


@pytest.mark.django_db
def test_home_greets_a_signed_in_user(client, patient):
    client.force_login(patient)
    html = client.get(reverse("home")).content.decode()
    assert "Signed in as patty (Patient)" in html


def test_static_files_are_served_locally(client):
    response = client.get("/static/ldncare/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
