from __future__ import annotations

from django.urls import path

from ldncare.web.access import views

app_name = "access"

urlpatterns = [
    path("me/sharing/", views.sharing, name="sharing"),
    path("me/sharing/invite/", views.invite, name="invite"),
    path("me/sharing/pharmacy/", views.choose_pharmacy, name="choose-pharmacy"),
    path("me/sharing/<int:grant_id>/revoke/", views.revoke, name="revoke"),
    path("me/access-log/", views.access_log, name="access-log"),
    path("clinic/", views.clinic, name="clinic"),
    path("clinic/redeem/", views.redeem, name="redeem"),
]
