from __future__ import annotations

from django.urls import path

from ldncare.web.alerts import views

app_name = "alerts"

urlpatterns = [
    path("<uuid:uuid>/acknowledge/", views.acknowledge, name="acknowledge"),
]
