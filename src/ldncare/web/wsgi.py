"""WSGI entry point: ``ldncare.web.wsgi:application``."""

from __future__ import annotations

import gc
import sys

from ldncare.web.bootstrap import ConfigurationError, setup_django

try:
    setup_django()
except ConfigurationError as exc:  # one line, no traceback
    sys.stderr.write(f"error: {exc}\n")
    raise SystemExit(2) from None

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402


def head_without_body(app):
    """Answer HEAD with the GET's status and headers and no body (RFC 9110 §9.3.2).

    gunicorn drops the body itself; waitress (``ldncare run``) sends whatever the app returns.
    """

    def wrapped(environ, start_response):
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        if hasattr(result, "close"):
            result.close()  # the request's end (signals, database connections), as after a GET
        return []

    return wrapped


application = head_without_body(get_wsgi_application())


def _load_and_freeze() -> None:
    """Import every view now, then keep the loaded program out of the garbage collector's walks.

    The loaded app (Django, NumPy/SciPy, statsmodels, fhir.resources, the knowledge data) is
    some 800 000 objects that live as long as the process. Without ``gc.freeze`` every full
    collection walks all of them — about 0.5 s on the 2-core development machine — inside
    whichever request triggered it: the progress page's p99 under load. Frozen objects are
    never collected (they never die anyway); everything allocated later is collected as
    before. Under a pre-forking server (gunicorn ``preload_app``) the workers also keep
    sharing these memory pages. See https://docs.python.org/3/library/gc.html#gc.freeze
    """
    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()


_load_and_freeze()
