"""ldncare's URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ldncare.web import views
from ldncare.web.accounts import views as account_views
from ldncare.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    # The API first: phones and clinic systems call it most, and a pattern tried before it costs
    # every call (~0.3 ms of the diary write when it came last; docs/performance.md).
    path("api/v1/", api.urls),
    path("", include("ldncare.web.pwa")),  # /manifest.webmanifest and /sw.js (the installed app)
    # Django's sign-in (django-axes counts failures; staff then give their code: accounts.otp).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("ldncare.web.accounts.urls")),
    path("", include("ldncare.web.access.urls")),
    path("", include("ldncare.web.record.urls")),
    path("", include("ldncare.web.tracking.urls")),
    path("", include("ldncare.web.questionnaires.urls")),
    path("library/", include("ldncare.web.library.urls")),
    path("simulator/", include("ldncare.web.library.simulator_urls")),
    path("", include("ldncare.web.booking.urls")),
    path("", include("ldncare.web.clinic.urls")),
    path("pharmacy/", include("ldncare.web.pharmacy.urls")),
    path("alerts/", include("ldncare.web.alerts.urls")),
    path("", include("ldncare.web.notify.urls")),
    path("admin/", admin.site.urls),
]
