"""Consent grants (patient → clinician, patient → pharmacy) and the append-only audit trail."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def hash_invite_code(code: str) -> str:
    """Invite codes are stored hashed, like passwords' poorer cousins (they are short-lived)."""
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def new_invite_code() -> str:
    """Eight characters from an alphabet without look-alikes (0/O, 1/I), e.g. ``K7QM-3XPA``."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class GrantQuerySet(models.QuerySet):
    def active(self):
        """Accepted and not revoked: the only grants that open a record."""
        return self.filter(accepted_at__isnull=False, revoked_at__isnull=True)


class Grant(models.Model):
    """The patient's consent: a clinician may see the record, or a pharmacy receives prescriptions.

    A clinician grant starts as an invitation (a code, optionally e-mailed) and becomes
    active when the clinician redeems the code. A pharmacy grant is active when chosen.
    Revoking sets ``revoked_at``; the policy reads grants on every request, so revocation
    takes effect on the next one.
    """

    class Kind(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        PHARMACY = "pharmacy", "Pharmacy"

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants_given")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="grants_received"
    )
    pharmacy = models.ForeignKey(
        "accounts.Pharmacy", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    invite_code_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    invite_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="clinician") & Q(pharmacy__isnull=True))
                | (Q(kind="pharmacy") & Q(clinician__isnull=True) & Q(pharmacy__isnull=False)),
                name="access_grant_kind_matches_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.clinician or self.pharmacy or "pending invitation"
        return f"{self.patient} → {target}"

    @property
    def is_active(self) -> bool:
        return self.accepted_at is not None and self.revoked_at is None

    @property
    def invite_expires_at(self):
        """An invitation code works ``INVITATION_MAX_AGE_DAYS`` after it was made (None once used)."""
        if self.kind != self.Kind.CLINICIAN or self.accepted_at or not self.created_at:
            return None
        return self.created_at + datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.accepted_at:
            return "active"
        return "expired" if self.invite_expires_at and self.invite_expires_at <= timezone.now() else "invited"


class AppendOnlyError(Exception):
    """Audit rows are never changed or deleted."""


class AuditEvent(models.Model):
    """One access to health data: who, in which role, what, which action, the outcome, when, from where.

    It never holds health values, only ids. Rows are append-only: ``save`` refuses updates,
    ``delete`` refuses, and database triggers (SQLite and PostgreSQL) reject UPDATE and
    DELETE issued any other way.
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, help_text="User id; null for anonymous callers.")
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    subject_id = models.BigIntegerField(null=True, db_index=True, help_text="The patient whose record it is.")
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=8, default="web", help_text="web page or api")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d %H:%M} {self.actor_username or 'anonymous'} {self.action} {self.object_type} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")
