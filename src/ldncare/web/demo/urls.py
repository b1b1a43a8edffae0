from __future__ import annotations

from django.urls import path

from ldncare.web.demo import views

app_name = "demo"

urlpatterns = [
    path("pharmacy/trial-keys/", views.trial_keys, name="trial-keys"),
]
