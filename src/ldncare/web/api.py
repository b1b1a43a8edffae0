"""The typed JSON API (django-ninja) at ``/api/v1/``.

One error shape for every failure: ``{"detail": str, "errors": [{"loc", "msg", "type"}]}``;
invalid input answers 422 with field errors. Each app adds its own router here.
"""

from __future__ import annotations

from django.db import connection
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError

from ldncare import __version__

api = NinjaAPI(
    title="ldncare API",
    version="1",
    description="Low-dose naltrexone care. Not medical advice.",
    urls_namespace="api-v1",
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


@api.get("/health", response=HealthOut, summary="Is the service up and the database reachable?")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "version": __version__, "database": connection.vendor}
