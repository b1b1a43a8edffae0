"""Account changes that more than one page needs: services named ``<entity>_<action>``."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core import signing
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse

from ldncare.web.access.audit import audit
from ldncare.web.accounts.models import ApiToken, TokenEnd

__all__ = ["EmailLinkError", "EnrolmentLinkError", "staff_add", "staff_enrolment_link", "staff_enrolment_user",
           "user_email_change", "user_email_change_confirm", "user_email_change_request", "user_sessions_end_all",
           "user_sessions_end_others"]

_EMAIL_LINK_SALT = "ldncare.accounts.email-change"


class EmailLinkError(ValueError):
    """A confirmation link that cannot be used; the message says why, for the page."""


def _fingerprint(email: str) -> str:
    # The link names the old address only by a hash: whoever receives it (a mistyped new
    # address, say) learns nothing about the account's current address.
    return hashlib.sha256((email or "").lower().encode("utf-8")).hexdigest()[:32]


def user_email_change_request(*, request, user, email: str) -> None:
    """Send a confirmation link to the new address (the caller has re-authenticated ``user``).

    Nothing changes until the link is opened by the same user, signed in, within
    ``EMAIL_CHANGE_LINK_MAX_AGE_S``: a mistyped address cannot take over password resets, and
    the link stops working once the address has changed (it names the address it replaces).
    """
    token = signing.dumps({"u": user.pk, "old": _fingerprint(user.email), "new": email}, salt=_EMAIL_LINK_SALT)
    link = request.build_absolute_uri(reverse("accounts:email-confirm", args=[token]))
    hours = max(1, settings.EMAIL_CHANGE_LINK_MAX_AGE_S // 3600)
    audit(request, subject=user, object_type="email_link", action="create", outcome="allowed")
    transaction.on_commit(lambda: send_mail(
        subject="Confirm your new ldncare e-mail address",
        message=(
            f"Someone signed in as {user.get_username()} on ldncare asked to use this address for the account.\n\n"
            f"To confirm, open this link while signed in (it works for {hours} hours):\n{link}\n\n"
            "If you did not ask for this, ignore this message: nothing changes."
        ),
        from_email=None,
        recipient_list=[email],
        fail_silently=True,
    ))


def user_email_change_confirm(*, request, user, token: str) -> str:
    """Apply the change a confirmation link carries; return the new address or raise :class:`EmailLinkError`."""
    try:
        data = signing.loads(token, salt=_EMAIL_LINK_SALT, max_age=settings.EMAIL_CHANGE_LINK_MAX_AGE_S)
    except signing.SignatureExpired:
        raise EmailLinkError("This link has expired. Ask for a new one under Account.") from None
    except signing.BadSignature:
        raise EmailLinkError("This link is not valid. Copy the whole link from the e-mail, or ask for a new one.") from None
    if data.get("u") != user.pk:
        raise EmailLinkError("This link belongs to another account. Sign in as that account to use it.")
    if data.get("old") != _fingerprint(user.email):
        raise EmailLinkError("This link was already used, or the address has changed since it was sent.")
    user_email_change(request=request, user=user, email=data["new"])
    return data["new"]


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
def user_sessions_end_others(*, request, user, reason: str = TokenEnd.SESSIONS) -> None:
    """End every session of ``user`` but this request's (ASVS 7.4.3): the session hash changes
    (``User.session_epoch``), so other sessions fail Django's check at their next request, and
    every API token is revoked (``reason`` is shown on the tokens page)."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    update_session_auth_hash(request, user)  # this session carries the new hash (and a new id)
    ApiToken.objects.filter(user=user).revoke(reason)  # an app holding a token is another session
    audit(request, subject=user, object_type="session", action="delete", outcome="allowed")


@transaction.atomic
def user_sessions_end_all(*, request, user) -> int:
    """Sign ``user`` out everywhere, for an administrator (a lost laptop, a suspected takeover):
    every session ends at its next request and every API token is revoked. Returns the number of
    tokens revoked. If the administrator ends their own sessions, this one ends too."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    revoked = ApiToken.objects.filter(user=user).revoke(TokenEnd.EVERYWHERE)
    audit(request, subject=user, object_type="session", object_id="all", action="delete", outcome="allowed")
    return revoked


@transaction.atomic
def user_time_zone_change(*, user, time_zone: str) -> None:
    """Show every time in ``time_zone`` from now on (an IANA name, checked by ``accounts.zones``)."""
    from django.core.exceptions import ValidationError

    from ldncare.web.accounts.zones import time_zone_problem

    if (problem := time_zone_problem(time_zone)) is not None:
        raise ValidationError({"time_zone": problem})
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])


_ENROLMENT_SALT = "ldncare.accounts.staff-enrolment"
STAFF_ROLES = ("clinician", "pharmacist", "admin")


class EnrolmentLinkError(ValueError):
    """An enrolment link that cannot be used; the message says why, for the page."""


def staff_enrolment_link(*, user) -> str:
    """A one-time link (signed, expiring after ``STAFF_ENROLMENT_LINK_MAX_AGE_S``) where ``user`` sets a password.

    It names the account's current password hash (by a fingerprint): once a password is set,
    or a newer link replaced it, the link no longer works.
    """
    token = signing.dumps({"u": user.pk, "p": _fingerprint(user.password)}, salt=_ENROLMENT_SALT)
    return settings.SITE_URL + reverse("accounts:enrol", args=[token])


def staff_enrolment_user(*, token: str):
    """The account an enrolment link is for, or :class:`EnrolmentLinkError`."""
    try:
        data = signing.loads(token, salt=_ENROLMENT_SALT, max_age=settings.STAFF_ENROLMENT_LINK_MAX_AGE_S)
    except signing.SignatureExpired:
        raise EnrolmentLinkError("This enrolment link has expired. Ask your administrator for a new one.") from None
    except signing.BadSignature:
        raise EnrolmentLinkError("This enrolment link is not valid. Copy the whole link, or ask your "
                                 "administrator for a new one.") from None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("p") != _fingerprint(user.password):
        raise EnrolmentLinkError("This enrolment link was already used or replaced by a newer one. Sign in, "
                                 "or ask your administrator for a new link.")
    return user


@transaction.atomic
def staff_add(*, role: str, email: str, username: str = "", first_name: str = "", last_name: str = "",
              practice: str = "", pharmacy: str = "", new_link: bool = False):
    """Create a staff account without a password (or, with ``new_link``, replace an unused link); return
    ``(user, link)``. The person sets their password at the link and then enrols the second factor.

    Raises ``ValueError`` with a message for people on bad input.
    """
    from django.contrib.auth.hashers import make_password
    from django.core.validators import validate_email

    from ldncare.web.accounts.models import Pharmacy, Practice

    if role not in STAFF_ROLES:
        raise ValueError(f"role {role!r} is not a staff role; allowed: {', '.join(STAFF_ROLES)}")
    try:
        validate_email(email)
    except Exception:
        raise ValueError(f"{email!r} is not an e-mail address") from None
    if practice and role != "clinician":
        raise ValueError("--practice is for clinicians only")
    if pharmacy and role != "pharmacist":
        raise ValueError("--pharmacy is for pharmacists only")
    username = username or email
    users = get_user_model().objects
    existing = users.filter(models.Q(username=username) | models.Q(email__iexact=email)).first()
    if existing is not None:
        if not new_link:
            raise ValueError(f"an account with the username {username!r} or the address {email!r} exists already; "
                             "--new-link sends it a new enrolment link if it has not set a password yet")
        if existing.has_usable_password():
            raise ValueError(f"{existing.get_username()!r} has set a password already; they reset it from the "
                             "sign-in page")
        existing.password = make_password(None)  # a new fingerprint: the older link stops working
        existing.save(update_fields=["password"])
        return existing, staff_enrolment_link(user=existing)
    user = users.create_user(username=username, email=email, password=None, role=role, first_name=first_name,
                             last_name=last_name, is_staff=role == "admin", is_superuser=role == "admin",
                             practice=Practice.objects.get_or_create(name=practice)[0] if practice else None,
                             pharmacy=Pharmacy.objects.get_or_create(name=pharmacy)[0] if pharmacy else None)
    return user, staff_enrolment_link(user=user)
