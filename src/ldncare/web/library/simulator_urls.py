from __future__ import annotations

from django.urls import path

from ldncare.web.library import simulator

app_name = "simulator"

urlpatterns = [
    path("", simulator.page, name="page"),
]
