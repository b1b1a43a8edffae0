from __future__ import annotations

from django.urls import path

from ldncare.web.record import views

app_name = "record"

urlpatterns = [
    path("me/onboarding/", views.onboarding, name="onboarding"),
    path("me/checkin/", views.checkin, name="checkin"),
    path("me/checkin/offline/", views.checkin_offline, name="checkin-offline"),
    path("me/checkin/offline/session/", views.offline_session, name="offline-session"),
    path("me/checkin/<str:day>/", views.checkin, name="checkin-day"),
    path("me/diary/", views.diary, name="diary"),
    path("me/progress/", views.progress, name="progress"),
    path("me/plan/", views.my_plan, name="plan"),
    path("me/conditions/", views.my_conditions, name="conditions"),
    path("me/data/", views.my_data, name="my-data"),
    path("me/data/diary.csv", views.diary_export, name="diary-csv"),
    path("me/data/delete/", views.account_delete, name="account-delete"),
    path("patients/<uuid:public_id>/", views.patient, name="patient"),
    path("patients/<uuid:public_id>/plan/", views.patient_plan, name="patient-plan"),
]
