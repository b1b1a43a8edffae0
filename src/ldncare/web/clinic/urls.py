from __future__ import annotations

from django.urls import path

from ldncare.web.clinic import views

app_name = "clinic"

urlpatterns = [
    path("patients/<uuid:public_id>/prescribe/", views.prescribe, name="prescribe"),
    path("patients/<uuid:public_id>/plan/preview/", views.plan_preview, name="plan-preview"),
    path("patients/<uuid:public_id>/trial/", views.trial_design, name="trial-design"),
    path("patients/<uuid:public_id>/report/", views.visit_report, name="visit-report"),
    path("patients/<uuid:public_id>/report.pdf", views.visit_report_pdf, name="visit-report-pdf"),
    path("me/trial/", views.my_trial, name="my-trial"),
]
