"""WSGI entry point: ``ldncare.web.wsgi:application``."""

from __future__ import annotations

import sys

from ldncare.web.bootstrap import ConfigurationError, setup_django

try:
    setup_django()
except ConfigurationError as exc:  # one line, no traceback
    sys.stderr.write(f"error: {exc}\n")
    raise SystemExit(2) from None

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
