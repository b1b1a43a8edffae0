"""Alert reads that are not a policy question (the policy's ``alerts_visible_to`` is the other)."""

from __future__ import annotations

from ldncare.web.alerts.models import Alert

__all__ = ["alerts_told"]


def alerts_told(checkin) -> list[str]:
    """The names of the clinicians alerted about this check-in (for the patient who saved it)."""
    names = {a.recipient.get_full_name() or a.recipient.get_username()
             for a in Alert.objects.filter(checkin=checkin).select_related("recipient")}
    return sorted(names)
