"""Site-wide pages."""

from __future__ import annotations

from django.shortcuts import render


def home(request):
    """What ldncare is, for whom, the disclaimer, and links to the parts that exist."""
    return render(request, "home.html")
