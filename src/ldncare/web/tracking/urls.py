from __future__ import annotations

from django.urls import path

from ldncare.web.tracking import views

app_name = "tracking"

urlpatterns = [
    path("me/tracking/", views.manage, name="manage"),
]
