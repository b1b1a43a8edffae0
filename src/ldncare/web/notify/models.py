"""Reminder settings, Web Push subscriptions and the delivery ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

CHANNELS = ("email", "push")


class ReminderSettings(models.Model):
    """A patient's daily reminders: times are clock times in the person's own time zone
    (``User.time_zone``); ``*_sent_on`` is the local day the last one went out (claimed by the
    scheduler, so a reminder goes out at most once per local day however many workers run)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    checkin_time = models.TimeField(null=True, blank=True, help_text="Daily check-in reminder; blank: none.")
    dose_time = models.TimeField(null=True, blank=True, help_text="Daily dose reminder; blank: none.")
    channels = models.JSONField(default=list, blank=True, help_text='Any of "email", "push"; empty: no reminders.')
    checkin_sent_on = models.DateField(null=True, blank=True, editable=False)
    dose_sent_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"
        indexes = [models.Index(fields=["checkin_time"]), models.Index(fields=["dose_time"])]

    def __str__(self) -> str:
        return f"reminders of {self.user}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (the installed app), from ``PushManager.subscribe()``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200, help_text="The browser's P-256 public key (base64url).")
    auth = models.CharField(max_length=100, help_text="The 16-byte authentication secret (base64url).")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of {self.user}"


class Delivery(models.Model):
    """One message to one person on one channel: created once (unique), sent once."""

    class Kind(models.TextChoices):
        CHECKIN_REMINDER = "checkin_reminder", "Check-in reminder"
        DOSE_REMINDER = "dose_reminder", "Dose reminder"
        ALERT = "alert", "Alert to the care team"
        PRESCRIPTION = "prescription", "New prescription for the pharmacy"
        QUESTIONNAIRE = "questionnaire", "Questionnaire reminder"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        RETRY = "retry", "Failed; will be tried again"
        FAILED = "failed", "Failed; no more tries"
        SKIPPED = "skipped", "Not needed any more"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=64, help_text="The local day (reminders), '<questionnaire>:<first day of the "
                                                   "period>' (questionnaire reminders) or the object's id.")
    channel = models.CharField(max_length=10, choices=[(c, c) for c in CHANNELS])
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient", "key", "channel"], name="notify_delivery_once"),
            models.CheckConstraint(condition=Q(channel__in=CHANNELS), name="notify_delivery_channel_valid"),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.recipient} by {self.channel}: {self.state}"
