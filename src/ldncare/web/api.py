"""The typed JSON API (django-ninja) at ``/api/v1/``.

One error shape for every failure: ``{"detail": str, "errors": [{"loc", "msg", "type"}]}``;
invalid input answers 422 with field errors. Each app adds its own router here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError

from ldncare import __version__
from ldncare.web.auth import API_AUTH

api = NinjaAPI(
    title="ldncare API",
    version="1",
    description=(
        "Low-dose naltrexone care. Not medical advice. Authenticate with `Authorization: Bearer <token>` "
        "(POST /auth/token) or the browser session (with the CSRF token on writes). Objects you may not "
        "see answer 404; a record you may see but not change answers 403."
    ),
    urls_namespace="api-v1",
    auth=API_AUTH,
)


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class HealthOut(Schema):
    status: str
    version: str
    database: str


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Forbidden", "errors": []}, status=403)


@api.get("/health", response=HealthOut, auth=None, summary="Is the service up and the database reachable?")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "version": __version__, "database": connection.vendor}


def _add_routers() -> None:
    from ldncare.web.accounts.api import router as accounts_router
    from ldncare.web.booking.api import router as booking_router
    from ldncare.web.interop.api import router as interop_router
    from ldncare.web.record.api import router as record_router
    from ldncare.web.tools_api import router as tools_router

    api.add_router("/", accounts_router)
    api.add_router("/", booking_router)
    api.add_router("/", interop_router)
    api.add_router("/", record_router)
    api.add_router("/", tools_router)


_add_routers()
