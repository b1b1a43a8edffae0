"""Start Django from the CLI, ``manage.py`` or a WSGI server, with readable config errors.

A malformed setting (``DATABASE_URL=nonsense``, ``DEBUG=maybe``) must stop start-up with
one line naming the variable and what is allowed, not a traceback.
"""

from __future__ import annotations

import os

__all__ = ["ConfigurationError", "setup_django"]

SETTINGS_MODULE = "ldncare.web.settings"


class ConfigurationError(Exception):
    """The environment holds a setting that ldncare cannot use."""


def setup_django() -> None:
    """Point Django at ldncare's settings and set it up; raise :class:`ConfigurationError`."""
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        raise ConfigurationError(str(exc)) from None
