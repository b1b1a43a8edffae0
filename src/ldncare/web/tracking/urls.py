from __future__ import annotations

from django.urls import path

from ldncare.web.tracking import views

app_name = "tracking"

urlpatterns = [
    path("me/tracking/", views.manage, name="manage"),
    path("me/tracking/import/", views.wearable_import, name="import"),
    path("me/tracking/import/<uuid:import_uuid>/status.json", views.wearable_import_status, name="import-status"),
    path("me/insights/", views.my_insights, name="insights"),
    path("patients/<uuid:public_id>/tracking/", views.patient_tracking, name="patient-tracking"),
    path("patients/<uuid:public_id>/insights/", views.patient_insights, name="patient-insights"),
]
