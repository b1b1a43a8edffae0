"""Site-wide pages."""

from __future__ import annotations

from django.shortcuts import render

from ldncare.web.dashboards import dashboard_context, dashboard_template


def home(request):
    """Signed in: the person's own home (``ldncare.web.dashboards``); otherwise what ldncare is, for whom,
    the disclaimer, and links to the parts that exist."""
    template = dashboard_template(request.user) if request.user.is_authenticated else None
    if template is not None:
        return render(request, template, dashboard_context(request))
    return render(request, "home.html")
