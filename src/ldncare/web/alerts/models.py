"""Alerts are records: who must act, why, since when, acknowledged by whom and when.

One row per (clinician, report): a patient who shares her record with two clinicians and
reports a severe allergic reaction makes two rows, one for each, in the same transaction as
the check-in. Pages, the API and the notifier (the e-mail worker) read these same rows:

* the clinician's open alerts: ``recipient=…, acknowledged_at IS NULL``
  (through :func:`ldncare.web.policy.alerts_visible_to`, which also drops a revoked grant);
* alerts nobody has been told of yet: ``notified_at IS NULL`` (:meth:`AlertQuerySet.undelivered`);
  the notifier sets ``notified_at`` once the message has left.

An alert holds ids, the day and what the patient chose or typed (the effect, its severity),
and the triage headline that made it an alert, never a value nobody entered.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class AlertQuerySet(models.QuerySet):
    def open(self):
        """Not acknowledged yet."""
        return self.filter(acknowledged_at__isnull=True)

    def undelivered(self):
        """Not handed to a notifier yet (oldest first): what an e-mail worker picks up."""
        return self.filter(notified_at__isnull=True).order_by("created_at", "pk")

    def most_urgent_first(self):
        """In the order of :data:`ldncare.web.record.core_bridge.ALERT_OUTCOMES` (``urgent_care`` first),
        then newest first."""
        from ldncare.web.record.core_bridge import ALERT_OUTCOMES

        rank = models.Case(*(models.When(level=level, then=i) for i, level in enumerate(ALERT_OUTCOMES)),
                           default=len(ALERT_OUTCOMES), output_field=models.IntegerField())
        return self.order_by(rank, "-created_at", "-pk")


class Alert(models.Model):
    """A report that a clinician must act on (see the module docstring)."""

    class Level(models.TextChoices):
        # The core's triage outcomes that alert (ldncare.web.record.core_bridge.ALERT_OUTCOMES).
        URGENT_CARE = "urgent_care", "Urgent medical care"
        CONTACT_PRESCRIBER = "contact_prescriber", "Contact the prescriber"

    class Kind(models.TextChoices):
        SIDE_EFFECT = "side_effect", "Side effect reported in a check-in"
        SYMPTOM_TEXT = "symptom_text", "Symptom described in the patient's words"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SIDE_EFFECT)
    level = models.CharField(max_length=20, choices=Level.choices)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts_about")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts_to_act_on",
                                  help_text="The clinician who must act (one row per clinician).")
    checkin = models.ForeignKey("record.CheckIn", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="alerts",
                                help_text="The check-in it came from; kept (empty) if the day is deleted later.")
    day = models.DateField(help_text="The check-in's day.")
    report_key = models.CharField(max_length=64, help_text="The side-effect id, or a key of the typed symptom.")
    effect_name = models.CharField(max_length=120, help_text="The side effect's name, as the patient chose it.")
    severity = models.CharField(max_length=10, help_text="mild, moderate or severe, as the patient chose it.")
    reported_text = models.CharField(max_length=200, blank=True, help_text="The symptom as the patient typed it.")
    title = models.CharField(max_length=200, help_text="Why: the triage headline that made this an alert.")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When a notifier handed it on (e-mail); empty: nobody told yet.")

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Saving the same day again never repeats an alert for the same report at the same level.
            models.UniqueConstraint(fields=["recipient", "patient", "day", "report_key", "level"],
                                    name="alerts_alert_once_per_report"),
            models.CheckConstraint(condition=Q(level__in=["urgent_care", "contact_prescriber"]),
                                   name="alerts_alert_level_valid"),
        ]
        indexes = [
            models.Index(fields=["recipient", "acknowledged_at"], name="alerts_open_by_recipient"),
            models.Index(fields=["notified_at", "created_at"], name="alerts_undelivered"),
        ]

    def __str__(self) -> str:
        return f"alert {self.uuid} ({self.level}) for {self.recipient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
