from __future__ import annotations

from django.urls import path

from ldncare.web.booking import views

app_name = "booking"

urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("calls/slots/", views.slots_create, name="slots-create"),
    path("calls/slots/<uuid:slot_uuid>/book/", views.book, name="book"),
    path("calls/<uuid:booking_uuid>/cancel/", views.cancel, name="cancel"),
    path("calls/<uuid:booking_uuid>/move/", views.move, name="move"),
    path("calls/<uuid:booking_uuid>/invitation.ics", views.ics, name="ics"),
    path("calls/requests/<uuid:request_uuid>/answered/", views.request_handled, name="request-handled"),
    path("schedule-a-call/", views.consultation_request, name="request"),
    path("schedule-a-call/sent/", views.consultation_request_sent, name="request-sent"),
]
