"""Template context shared by every page."""

from __future__ import annotations

from ldncare import __version__


def site(request):
    """The version and the medical disclaimer shown in every page footer."""
    return {
        "ldncare_version": __version__,
        "disclaimer": (
            "ldncare gives information and tools; it is not medical advice. Low-dose "
            "naltrexone is used off-label. Decide about any treatment with your prescriber."
        ),
    }
