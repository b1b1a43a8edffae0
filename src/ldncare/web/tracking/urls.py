from __future__ import annotations

from django.urls import path

from ldncare.web.tracking import views

app_name = "tracking"

urlpatterns = [
    path("me/tracking/", views.manage, name="manage"),
    path("me/insights/", views.my_insights, name="insights"),
    path("patients/<uuid:public_id>/insights/", views.patient_insights, name="patient-insights"),
]
