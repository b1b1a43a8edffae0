"""Consent services: invite a clinician, accept, revoke, choose a pharmacy (HackSoft style).

Keyword-only, atomic, and each writes its audit row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent, Grant, hash_invite_code, new_invite_code
from ldncare.web.accounts.models import Pharmacy, Role

__all__ = ["consent_accept", "consent_invite", "consent_revoke", "pharmacy_choose"]

ALLOWED = AuditEvent.Outcome.ALLOWED


@transaction.atomic
def consent_invite(*, request, patient, email: str = "") -> tuple[Grant, str]:
    """Create a clinician invitation; return it with its code (shown once, e-mailed if asked)."""
    if patient.role != Role.PATIENT:
        raise PermissionDenied("only patients invite clinicians to their record")
    code = new_invite_code()
    grant = Grant.objects.create(
        patient=patient, kind=Grant.Kind.CLINICIAN, invite_code_sha256=hash_invite_code(code), invite_email=email
    )
    audit(request, subject=patient, object_type="grant", object_id=grant.pk, action="create", outcome=ALLOWED)
    if email:
        send_mail(
            subject="An invitation to see a patient's LDN diary on ldncare",
            message=(
                "A patient invites you to see their ldncare record.\n\n"
                f"Sign in to ldncare as a clinician and enter this code: {code}\n"
                f"The code works once, for {settings.INVITATION_MAX_AGE_DAYS} days.\n\n"
                "The patient can withdraw this at any time."
            ),
            from_email=None,
            recipient_list=[email],
        )
    return grant, code


@transaction.atomic
def consent_accept(*, request, clinician, code: str) -> Grant:
    """A clinician redeems an invitation code; the grant becomes active for them."""
    if clinician.role != Role.CLINICIAN:
        raise PermissionDenied("only clinicians accept invitations")
    grant = (
        Grant.objects.select_for_update()
        .filter(kind=Grant.Kind.CLINICIAN, invite_code_sha256=hash_invite_code(code),
                accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        raise ValidationError({"code": "This code is not valid (already used, withdrawn or mistyped)."})
    if grant.status == "expired":
        raise ValidationError({"code": f"This code has expired (codes work for {settings.INVITATION_MAX_AGE_DAYS} "
                                       "days). Ask your patient for a new one."})
    grant.clinician = clinician
    grant.accepted_at = timezone.now()
    grant.invite_code_sha256 = ""  # one use only
    grant.save(update_fields=["clinician", "accepted_at", "invite_code_sha256"])
    audit(request, subject=grant.patient, object_type="grant", object_id=grant.pk, action="update", outcome=ALLOWED)
    return grant


@transaction.atomic
def consent_revoke(*, request, patient, grant_id: int) -> Grant:
    """The patient withdraws a grant; it stops working on the next request."""
    grant = Grant.objects.select_for_update().filter(pk=grant_id, patient=patient).first()
    if grant is None:
        raise Grant.DoesNotExist
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
    audit(request, subject=patient, object_type="grant", object_id=grant.pk, action="update", outcome=ALLOWED)
    return grant


@transaction.atomic
def pharmacy_choose(*, request, patient, pharmacy: Pharmacy) -> Grant:
    """The patient chooses a pharmacy; a previous choice is revoked (one pharmacy at a time)."""
    if patient.role != Role.PATIENT:
        raise PermissionDenied("only patients choose a pharmacy")
    now = timezone.now()
    Grant.objects.active().filter(patient=patient, kind=Grant.Kind.PHARMACY).exclude(pharmacy=pharmacy).update(
        revoked_at=now
    )
    grant = Grant.objects.active().filter(patient=patient, kind=Grant.Kind.PHARMACY, pharmacy=pharmacy).first()
    if grant is None:
        grant = Grant.objects.create(patient=patient, kind=Grant.Kind.PHARMACY, pharmacy=pharmacy, accepted_at=now)
    audit(request, subject=patient, object_type="grant", object_id=grant.pk, action="create", outcome=ALLOWED)
    return grant
