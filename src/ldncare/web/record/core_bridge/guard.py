"""The prescribing guard through the core: the safety screen's contraindications for one patient.

The screen (``ldncare.core.safety.screen``, via :func:`~ldncare.web.record.core_bridge.patient.screen_profile`)
decides what is contraindicated; the record page, the plan builder, the plan preview and
"Send the prescription" show these findings, and sending while one stands needs a reason.
"""

from __future__ import annotations

from ldncare.web.record.core_bridge.patient import screen_profile

__all__ = ["contraindications", "findings_summary"]


def contraindications(profile) -> list[dict]:
    """The contraindicated findings of the patient's profile (``[]`` without a profile or finding)."""
    if profile is None:
        return []
    screened = screen_profile(profile)
    return [f for f in (screened or {}).get("findings", []) if f["level"] == "contraindicated"]


def findings_summary(findings: list[dict]) -> str:
    """One line naming the findings and what matched, e.g. ``Opioid medicine (tramadol)``."""
    return "; ".join(f"{f['title']} ({', '.join(f['matched'])})" if f["matched"] else f["title"] for f in findings)
