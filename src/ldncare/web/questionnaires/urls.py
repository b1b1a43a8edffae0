from __future__ import annotations

from django.urls import path

from ldncare.web.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("me/questionnaires/", views.index, name="index"),
    path("me/questionnaires/<slug:instrument>/", views.answer, name="answer"),
    path("me/questionnaires/<slug:instrument>/schedule/", views.schedule, name="schedule"),
    path("patients/<uuid:public_id>/questionnaires/", views.patient_results, name="patient-results"),
]
