"""The user model. Every person in ldncare has exactly one role."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class Role(models.TextChoices):
    """What a user is in ldncare; access to health data is decided from it (and consent)."""

    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    PHARMACIST = "pharmacist", "Pharmacist"
    ADMIN = "admin", "Administrator"


class Practice(models.Model):
    """A clinic or surgery; clinicians belong to one (set by an administrator)."""

    name = models.CharField(max_length=200, unique=True)
    city = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pharmacy(models.Model):
    """A (compounding) pharmacy; pharmacists belong to one, patients choose one."""

    name = models.CharField(max_length=200, unique=True)
    city = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "pharmacies"

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name


class User(AbstractUser):
    """A person who signs in: patient, clinician, pharmacist or administrator."""

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False,
        help_text="The id used in addresses, never the sequential primary key.",
    )
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="clinicians",
        help_text="Clinicians only: the practice they work for.",
    )
    pharmacy = models.ForeignKey(
        Pharmacy, null=True, blank=True, on_delete=models.PROTECT, related_name="pharmacists",
        help_text="Pharmacists only: the pharmacy they work for.",
    )

    role = models.CharField(
        max_length=16,
        choices=Role.choices,
        default=Role.PATIENT,
        help_text="Patients sign up themselves; clinicians and pharmacists are created by an admin.",
    )
    time_zone = models.CharField(
        max_length=64, default="UTC",
        help_text="IANA time zone name (e.g. Europe/Oslo): times are shown and reminders sent in it.",
    )
    session_epoch = models.PositiveIntegerField(
        default=0, editable=False,
        help_text="Raised to end every other session (second factor reset, 'sign out my other sessions').",
    )

    def save(self, *args, **kwargs):
        """Save; a new password or a new role ends every API token of this user (ASVS 7.4.3)."""
        update_fields = kwargs.get("update_fields")
        password_changed = self._password is not None  # set_password() was called since the last save
        role_changed = False
        if self.pk and (update_fields is None or "role" in update_fields):
            stored = type(self).objects.filter(pk=self.pk).values_list("role", flat=True).first()
            role_changed = stored is not None and stored != self.role
        super().save(*args, **kwargs)
        if password_changed or role_changed:
            ApiToken.objects.filter(user=self).revoke(TokenEnd.PASSWORD if password_changed else TokenEnd.ROLE)

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (from the password), mixed with :attr:`session_epoch` once raised:
        a session signed in before the raise no longer matches and is ended at its next request.
        Epoch 0 keeps Django's own hash, so existing sessions survive this field's arrival."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac("ldncare.accounts.User.session_auth_hash", f"{self.password}|{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="accounts_user_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(practice__isnull=True) | models.Q(role=Role.CLINICIAN),
                name="accounts_user_practice_only_for_clinicians",
            ),
            models.CheckConstraint(
                condition=models.Q(pharmacy__isnull=True) | models.Q(role=Role.PHARMACIST),
                name="accounts_user_pharmacy_only_for_pharmacists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_username()} ({self.get_role_display()})"

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_pharmacist(self) -> bool:
        return self.role == Role.PHARMACIST


def hash_token(raw: str) -> str:
    """The SHA-256 of an API token: only the hash is stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenEnd(models.TextChoices):
    """Why an API token stopped working (shown on the tokens page)."""

    REVOKED = "revoked", "revoked by you"
    PASSWORD = "password", "password changed"
    SESSIONS = "sessions", "signed out of other sessions"
    SECOND_FACTOR = "second_factor", "two-step sign-in reset"
    ROLE = "role", "role changed"
    EVERYWHERE = "everywhere", "signed out everywhere by an administrator"


def token_expiry():
    """When a token issued now stops working: ``API_TOKEN_MAX_AGE_DAYS`` from now."""
    import datetime

    from django.utils import timezone

    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that still work: not revoked, not expired, of an active user."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)

    def revoke(self, reason: str) -> int:
        """Revoke every token in this set that still works; return how many."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_reason=reason)


class ApiToken(models.Model):
    """A bearer token for an API client (e.g. a phone app). Only its SHA-256 is stored.

    A token ends ``API_TOKEN_MAX_AGE_DAYS`` after it was made, and at once when its owner
    revokes it, changes or resets the password, signs out other sessions, resets the second
    factor, or changes role, or when an administrator signs the owner out everywhere.
    """

    PREFIX = "ldn_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'my phone'.")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=token_expiry, help_text="The token stops working at this moment.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=16, choices=TokenEnd.choices, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        """Create a token; return it with the raw value, which is shown once and never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_sha256=hash_token(raw)), raw


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an ``Idempotency-Key`` (per user and key).

    A retry with the same key and payload gets the same answer and changes nothing; the
    same key with another payload is refused (422).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    resource_id = models.CharField(max_length=64, blank=True, db_index=True,
                                   help_text="The id of what the request made: the record is deleted with it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="accounts_idempotency_user_key")]

    def __str__(self) -> str:
        return f"idempotency key {self.key} of {self.user_id}"


RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32, lower case
RECOVERY_CODE_LENGTH = 16  # 80 random bits, shown as four groups of four


def normalise_recovery_code(text: str) -> str:
    """A recovery code as typed (any case, with spaces or dashes) in its stored form."""
    return "".join(ch for ch in (text or "").lower() if ch not in " -\t")


def is_recovery_code_shaped(text: str) -> bool:
    code = normalise_recovery_code(text)
    return len(code) == RECOVERY_CODE_LENGTH and all(ch in RECOVERY_CODE_ALPHABET for ch in code)


def _recovery_digest(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode("ascii")).hexdigest()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time recovery codes for a lost phone: a django-otp device of the user's.

    Each code works once, in place of the authenticator's code. Only a salted SHA-256 of each
    code is stored (ASVS 2.6.2: a unique random salt per code); the codes themselves are shown
    once, when they are made. Wrong guesses are throttled like the authenticator's.
    """

    class Meta:
        verbose_name = "recovery code set"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1)

    def codes_left(self) -> int:
        return self.codes.count()

    def issue_codes(self) -> list[str]:
        """Replace this device's codes with :data:`RECOVERY_CODE_COUNT` new ones; return them (shown once)."""
        self.codes.all().delete()
        raw = ["".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
               for _ in range(RECOVERY_CODE_COUNT)]
        rows = []
        for code in raw:
            salt = secrets.token_hex(16)
            rows.append(RecoveryCode(device=self, salt=salt, digest=_recovery_digest(salt, code)))
        RecoveryCode.objects.bulk_create(rows)
        return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in raw]

    def verify_token(self, token) -> bool:
        """Spend ``token`` if it is one of the unused codes (django-otp's verify contract)."""
        if not self.verify_is_allowed()[0]:
            return False
        code = normalise_recovery_code(str(token))
        match = None
        if is_recovery_code_shaped(code):
            for row in self.codes.all():  # compare with every code: the work does not reveal a position
                if hmac.compare_digest(row.digest, _recovery_digest(row.salt, code)):
                    match = row
        if match is None:
            self.throttle_increment(commit=True)
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, stored as a salted SHA-256 (deleted when used)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32, help_text="16 random bytes, hex.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of salt and code, hex.")

    def __str__(self) -> str:
        return f"recovery code of {self.device.user_id}"
