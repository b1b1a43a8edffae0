"""ldncare's URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ldncare.web import views
from ldncare.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("ldncare.web.accounts.urls")),
    path("", include("ldncare.web.access.urls")),
    path("", include("ldncare.web.record.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
