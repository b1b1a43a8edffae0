from __future__ import annotations

from django.urls import path

from ldncare.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("security/", views.security, name="security"),
    path("time-zone/", views.time_zone_change, name="time-zone"),
    path("email/", views.email_change, name="email-change"),
    path("email/confirm/<str:token>/", views.email_change_confirm, name="email-confirm"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions-end-others"),
    path("2fa/", views.second_factor, name="second-factor"),
    path("2fa/setup/", views.second_factor_setup, name="second-factor-setup"),
    path("2fa/reset/", views.second_factor_reset, name="second-factor-reset"),
    path("2fa/recovery/", views.second_factor_recovery, name="second-factor-recovery"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
