from __future__ import annotations

from django.urls import path, re_path

from ldncare.web.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("conditions/<slug:condition_id>/", views.condition, name="condition"),
    re_path(r"^conditions/(?P<condition_id>[a-z0-9-]+)/forest\.(?P<fmt>png|svg)$", views.forest, name="forest"),
    re_path(r"^conditions/(?P<condition_id>[a-z0-9-]+)/citations\.(?P<fmt>bibtex|ris|csljson)$", views.citations,
            name="citations"),
    path("studies/<str:study_id>/", views.study, name="study"),
    path("side-effects/", views.side_effects, name="side-effects"),
    path("alternatives/", views.alternatives, name="alternatives"),
    path("about/", views.about, name="about"),
    path("claims/", views.claims, name="claims"),
]
