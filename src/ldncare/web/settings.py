"""ldncare's one settings module, driven by the environment (see ``.env.example``).

Every setting has a safe local default so that a fresh checkout runs: SQLite in
``var/ldncare.sqlite3`` and a secret key generated once into ``var/``. Production differs
only through environment variables. Malformed values fail loudly, naming the variable and
what is allowed.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]  # the checkout: src/ldncare/web/settings.py
VAR_DIR = Path(os.environ.get("LDNCARE_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; accept true/false, yes/no, on/off, 1/0 (any case), nothing else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; allowed: true/false, yes/no, on/off, 1/0"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number not below ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list (blank entries dropped)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc.strerror}") from None
    return os.environ.get(name) or None


SQLITE_BUSY_TIMEOUT_S = 20


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Turn a database URL into a Django ``DATABASES`` entry.

    Allowed: ``sqlite:///relative/or/absolute/path.sqlite3`` and
    ``postgres://USER:PASSWORD@HOST:PORT/NAME`` (also ``postgresql://``).
    SQLite is set up for a web server: WAL journal, a busy timeout, and write
    transactions that begin immediately so concurrent writers wait instead of failing.
    """
    allowed = "sqlite:///PATH or postgres://USER:PASSWORD@HOST:PORT/NAME"
    parts = urlsplit(url.strip())
    if parts.scheme == "sqlite":
        path_text = url.strip()[len("sqlite://"):]
        # sqlite:///var/x.sqlite3 is relative to the checkout; sqlite:////abs/x.sqlite3 is absolute.
        path_text = path_text[1:] if path_text.startswith("/") else path_text
        if not path_text:
            raise ImproperlyConfigured(f"{name}={url!r} names no file; allowed: {allowed}")
        path = Path(path_text)
        if not path.is_absolute():
            path = BASE_DIR / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "timeout": SQLITE_BUSY_TIMEOUT_S,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    # FULL: a committed diary entry survives an OS crash or power loss, not only
                    # a killed process (NORMAL with WAL may drop the last commits).
                    "PRAGMA synchronous=FULL;"
                    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000};"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            # One test database per test process (pytest-xdist adds its own suffix per worker), so two
            # test runs in one checkout never delete each other's database.
            "TEST": {"NAME": str(path.with_name(f"test-{path.stem}-{os.getpid()}.sqlite3"))},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        db_name = parts.path.lstrip("/")
        if not db_name or not parts.hostname:
            raise ImproperlyConfigured(f"{name}={url!r} needs a host and a database name; allowed: {allowed}")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has an invalid port; allowed: {allowed}") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": parts.username or "",
            "PASSWORD": parts.password or "",
            "HOST": parts.hostname,
            "PORT": str(port or 5432),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": _postgres_statement_options(),
        }
    raise ImproperlyConfigured(f"{name}={url!r} is not a supported database URL; allowed: {allowed}")


def _postgres_statement_options() -> dict:
    """Parameters bound by the server and statements prepared after 5 uses on a connection: the
    server plans a repeated statement once, and no values are quoted into the SQL text in Python
    (the diary write: ~0.6 ms less of the server's CPU and ~0.5 ms less of ours; docs/performance.md).
    ``DATABASE_PREPARED_STATEMENTS=false`` turns both off, for a pooler in transaction mode that
    cannot keep prepared statements (PgBouncer before 1.21, or without ``max_prepared_statements``).
    """
    if not env_bool("DATABASE_PREPARED_STATEMENTS", True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 5}


def _local_secret_key() -> str:
    """The secret key for local use: generated once into ``var/secret_key``."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:  # created exclusively: two processes starting at once end up with the same key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


# Off unless asked for: the development server (`ldncare run`, `make run`) turns it on for itself;
# production (`ldncare serve`, any WSGI server) never has it on by accident.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if os.environ.get("DEBUG", "").strip() and not DEBUG:  # DEBUG=false written down: a production setup
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off; set SECRET_KEY (or SECRET_KEY_FILE) "
            "to a long random string"
        )
    SECRET_KEY = _local_secret_key()  # local commands and tests: generated once into var/secret_key

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or "sqlite:///var/ldncare.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ldncare.web.accounts",
    "ldncare.web.access",
    "ldncare.web.record",
    "ldncare.web.booking",
    "ldncare.web.demo",
    "ldncare.web.library",
    "ldncare.web.clinic",
    "ldncare.web.pharmacy",
    "ldncare.web.alerts",
    "django_tasks",
    "django_tasks_db",
    "ldncare.web.notify",
    "ldncare.web.tracking",
    "ldncare.web.questionnaires",
]

MIDDLEWARE = [
    "ldncare.web.proxy.TrustedProxyMiddleware",  # first: the client's address and scheme (TRUSTED_PROXIES)
    "ldncare.web.security.NoStoreMiddleware",  # signed-in answers carry health data: never cached
    "ldncare.web.security.UploadLimitMiddleware",  # bodies (files included) over the cap answer 413
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ldncare.web.accounts.zones.UserTimeZoneMiddleware",  # times in the signed-in person's zone
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ldncare.web.security.AbsoluteSessionLifetimeMiddleware",
    "ldncare.web.accounts.otp.SecondFactorMiddleware",
    "ldncare.web.security.ContentSecurityPolicyMiddleware",
    "ldncare.web.security.FreeTextMiddleware",  # control characters in JSON strings: 422
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its answer
]

ROOT_URLCONF = "ldncare.web.urls"
WSGI_APPLICATION = "ldncare.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ldncare.web.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# django-axes checks every sign-in first (refusing locked accounts and addresses), then Django's own.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks here first (empty unless collectstatic ran)
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `collectstatic` (an optional deployment step) writes a brotli and a gzip copy of every file.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Served without a collectstatic step. WhiteNoise sends a file's .br or .gz sibling to a browser that
# accepts it: the bundled libraries (static/vendor) carry theirs in the source tree (kept equal to
# the file by tests/web/test_static_files.py), so every page's JavaScript travels compressed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ldncare <noreply@localhost>")
# How long the link that confirms a new e-mail address works (accounts.services.user_email_change_request).
EMAIL_CHANGE_LINK_MAX_AGE_S = env_int("EMAIL_CHANGE_LINK_MAX_AGE_S", 24 * 60 * 60, minimum=300)
# Password-reset mails (accounts.views.PasswordResetView): at most this many an hour to one address,
# and this many requests an hour from one client address; beyond, nothing is sent (same answer).
PASSWORD_RESET_MAILS_PER_HOUR = env_int("PASSWORD_RESET_MAILS_PER_HOUR", 3, minimum=1)
PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR", 10, minimum=1)
# Sign-up: how often an hour one client address may meet a taken username before sign-up waits.
SIGNUP_TAKEN_PER_HOUR = env_int("SIGNUP_TAKEN_PER_HOUR", 5, minimum=1)
# A patient's invitation code for a clinician works this many days (access.Grant.invite_expires_at).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14, minimum=1)
# How long the one-time link from `ldncare staff-add` works (accounts.services.staff_enrolment_link).
STAFF_ENROLMENT_LINK_MAX_AGE_S = env_int("STAFF_ENROLMENT_LINK_MAX_AGE_S", 72 * 60 * 60, minimum=300)

# Background work (reminders, notifications; ldncare.web.notify, docs/architecture.md): the Django Tasks
# API (django-tasks backport). Default: tasks stored in the database already there (no extra server;
# `ldncare worker` runs them). TASKS_BACKEND=rq with REDIS_URL: the same tasks on Redis (RQ) with as
# many `ldncare worker` processes as a clinic needs.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in ("database", "rq"):
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: allowed are 'database' and 'rq'")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The sender's display name on every e-mail ldncare sends (DEFAULT_FROM_EMAIL is the address).
EMAIL_SENDER_NAME = os.environ.get("EMAIL_SENDER_NAME", "ldncare")
# The address people reach the site at, for links in e-mails and push messages sent by the worker.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Web Push (RFC 8030/8291/8292) for the installed app: VAPID keys from `ldncare webpush-keys`.
VAPID_PRIVATE_KEY = env_secret("VAPID_PRIVATE_KEY") or ""
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
# A message that fails (SMTP refused, push service down) is tried again after 1, 2, 4 ... times this
# many seconds, at most NOTIFY_MAX_ATTEMPTS times in all.
NOTIFY_RETRY_BASE_S = env_int("NOTIFY_RETRY_BASE_S", 60, minimum=0)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6, minimum=1)

# Security headers that hold in every environment; HTTPS-only settings follow DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Health data: the session ends after a period without requests (NIST SP 800-63B AAL2: 30 min)
# and, however active, a fixed time after sign-in (ASVS 7.3.2; ldncare.web.security).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_S", 30 * 60, minimum=60)
SESSION_ABSOLUTE_AGE_S = env_int("SESSION_ABSOLUTE_AGE_S", 12 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # the pages send the token from the form or the hx-headers attribute
# Request bodies above this many bytes answer 400 (no diary request comes near it).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024, minimum=64 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Django does not count file parts of a multipart body in the limit above; UploadLimitMiddleware
# (ldncare.web.security) answers 413 to any body over it, files included, before reading it.
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Every uploaded file is streamed to a temporary file (never kept in memory); a wearable import
# (/me/tracking/import/, ldncare.web.tracking.imports) may be up to WEARABLE_IMPORT_MAX_BYTES (default
# 1 GiB: an Apple Health export.zip of years) and waits in WEARABLE_IMPORT_DIR until the worker has read it
# (a directory every web server and worker can reach). Bigger uploads get a form error.
FILE_UPLOAD_HANDLERS = ["ldncare.web.tracking.uploads.LimitedTemporaryFileUploadHandler"]
WEARABLE_IMPORT_MAX_BYTES = env_int("WEARABLE_IMPORT_MAX_BYTES", 1024 * 1024 * 1024, minimum=1024 * 1024)
WEARABLE_IMPORT_DIR = Path(os.environ.get("WEARABLE_IMPORT_DIR", VAR_DIR / "imports"))
# An API token stops working this many days after it was made (accounts.ApiToken), or earlier when
# revoked (password change or reset, "sign out my other sessions", second-factor reset, role change).
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 90, minimum=1)
# Sent on every HTML response (ldncare.web.security). Scripts: this origin only, never inline.
# Styles still allow 'unsafe-inline' (docs/security.md, "Not yet"): the pages' own scripts and uPlot
# set styles through the CSSOM only, which the policy does not govern; the admin and API docs pages are unchecked.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The reverse proxies in front (docs/deploy.md): addresses and networks, comma-separated. Only from
# them are X-Forwarded-For (the client address: the first untrusted hop from the right) and
# X-Forwarded-Proto believed (ldncare.web.proxy); the lockout, the audit log and HTTPS read the result.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
try:
    from ldncare.web.proxy import parse_trusted_proxies

    TRUSTED_PROXY_NETWORKS = parse_trusted_proxies(TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
if os.environ.get("BEHIND_TLS_PROXY") and not TRUSTED_PROXIES:
    raise ImproperlyConfigured("BEHIND_TLS_PROXY is replaced by TRUSTED_PROXIES: set TRUSTED_PROXIES to the "
                               "proxy's address (e.g. TRUSTED_PROXIES=127.0.0.1) and remove BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_NETWORKS else None

# Sign-in lockout (django-axes, counts in the database: shared by every process; see
# ldncare.web.accounts.lockout). Failures within AXES_COOLOFF_MINUTES lock an account after
# AXES_FAILURE_LIMIT and an address after LDNCARE_ADDRESS_FAILURE_LIMIT, for AXES_COOLOFF_MINUTES
# after the last failure. A successful sign-in does not wipe the counts (no reset by an attacker's
# own account). Administrators lift lockouts in the admin (Axes: access attempts).
AXES_HANDLER = "ldncare.web.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
LDNCARE_ADDRESS_FAILURE_LIMIT = env_int("LDNCARE_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
if LDNCARE_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"LDNCARE_ADDRESS_FAILURE_LIMIT={LDNCARE_ADDRESS_FAILURE_LIMIT} must be at least "
        f"AXES_FAILURE_LIMIT={AXES_FAILURE_LIMIT} (an address may hold several accounts)"
    )
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "ldncare.web.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "ldncare.web.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "code", "otp"]
AXES_VERBOSE = False
# Second factor (django-otp TOTP; ldncare.web.accounts.otp): required for clinicians,
# pharmacists and administrators. The issuer is the name shown in the authenticator app.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "ldncare")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; failures and lockouts (WARNING) are what matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
