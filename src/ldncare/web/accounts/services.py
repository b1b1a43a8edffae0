"""Account changes that more than one page needs: services named ``<entity>_<action>``."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction

from ldncare.web.access.audit import audit

__all__ = ["user_email_change"]


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
