"""Account changes that more than one page needs: services named ``<entity>_<action>``."""

from __future__ import annotations

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core.mail import send_mail
from django.db import models, transaction

from ldncare.web.access.audit import audit

__all__ = ["user_email_change", "user_sessions_end_others"]


@transaction.atomic
def user_email_change(*, request, user, email: str) -> None:
    """Change ``user``'s e-mail address (the caller has re-authenticated them), audit it, and
    tell the old address, so that a taken-over account does not change hands silently."""
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    audit(request, subject=user, object_type="email", action="update", outcome="allowed")
    if old and old.lower() != email.lower():
        transaction.on_commit(lambda: send_mail(
            subject="Your ldncare e-mail address was changed",
            message=(
                f"The e-mail address of the ldncare account {user.get_username()} was changed to {email}.\n\n"
                "If you did this, there is nothing to do. If you did not, someone may have your password: "
                "reset it from the sign-in page with this address's help, or contact your clinic."
            ),
            from_email=None,
            recipient_list=[old],
            fail_silently=True,
        ))


@transaction.atomic
def user_sessions_end_others(*, request, user) -> None:
    """End every session of ``user`` but this request's (ASVS 7.4.3): the session hash changes
    (``User.session_epoch``), so other sessions fail Django's check at their next request."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    update_session_auth_hash(request, user)  # this session carries the new hash (and a new id)
    audit(request, subject=user, object_type="session", action="delete", outcome="allowed")
