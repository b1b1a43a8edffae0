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

_ERROR_ANSWERS = {
    "400": "Malformed request (e.g. a body over the size limit)",
    "401": "Not signed in (no valid bearer token or session)",
    "403": "Visible but not yours to change, or a CSRF check failed",
    "404": "Not found, or not visible to you",
    "422": "Invalid input: the errors name the fields",
}


class LdncareAPI(NinjaAPI):
    """The API, with the error answers every operation can give written into its OpenAPI schema."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Error", {
            "title": "Error", "type": "object", "required": ["detail"],
            "properties": {"detail": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}}},
        })
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for code, description in _ERROR_ANSWERS.items():
                    if code == "401" and not operation.get("security"):
                        continue
                    responses.setdefault(code, {"description": description, **error})
        _local_times(schema)
        return schema


def _local_times(node) -> None:
    """Times in this API are clock times without an offset ("22:00"): JSON Schema's ``time`` format
    (RFC 3339 full-time) demands an offset, so describe them as ``partial-time`` with a pattern."""
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node["format"] = "partial-time"
            node["pattern"] = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


api = LdncareAPI(
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
    from ldncare.web.alerts.api import router as alerts_router
    from ldncare.web.booking.api import router as booking_router
    from ldncare.web.interop.api import router as interop_router
    from ldncare.web.notify.api import router as notify_router
    from ldncare.web.record.api import router as record_router
    from ldncare.web.tools_api import router as tools_router

    api.add_router("/", accounts_router)
    api.add_router("/", alerts_router)
    api.add_router("/", booking_router)
    api.add_router("/", interop_router)
    api.add_router("/", notify_router)
    api.add_router("/", record_router)
    api.add_router("/", tools_router)


_add_routers()
