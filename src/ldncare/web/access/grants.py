"""Read-only helpers over grants."""

from __future__ import annotations

from ldncare.web.access.models import Grant


def active_pharmacy(patient):
    """The pharmacy the patient has chosen (active grant), or ``None``."""
    grant = Grant.objects.active().filter(patient=patient, kind=Grant.Kind.PHARMACY).select_related("pharmacy").first()
    return grant.pharmacy if grant else None
