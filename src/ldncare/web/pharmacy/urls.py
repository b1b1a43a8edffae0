from __future__ import annotations

from django.urls import path

from ldncare.web.pharmacy import views

app_name = "pharmacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("queue/<uuid:uuid>/", views.worksheet, name="worksheet"),
    path("details/", views.details, name="details"),
    path("trials/", views.trials, name="trials"),
    path("trials/<str:trial_id>/", views.trial_key, name="trial-key"),
]
