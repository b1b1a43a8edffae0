from __future__ import annotations

from django.urls import path

from ldncare.web.notify import views

app_name = "notify"

urlpatterns = [
    path("me/reminders/", views.reminders, name="reminders"),
    path("reminders/stop/<str:token>/", views.stop, name="stop"),
]
