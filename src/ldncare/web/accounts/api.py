"""Who am I, and API tokens for clients such as a phone app."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib.auth import authenticate
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ldncare.web.accounts import throttle
from ldncare.web.accounts.models import ApiToken

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: uuid_module.UUID
    username: str
    role: str


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=1000)
    name: str = Field("api client", max_length=100)


class TokenOut(Schema):
    token: str
    name: str


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


@router.get("/me", response=MeOut, summary="The signed-in account")
def me(request):
    return {"id": request.user.public_id, "username": request.user.username, "role": request.user.role}


@router.post("/auth/token", response={201: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None,
             summary="Exchange username and password for a bearer token (shown once)")
def token_create(request, payload: TokenIn):
    if throttle.is_locked(request, payload.username):
        return Status(429, {"detail": "Too many failed sign-ins. Wait 15 minutes."})
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        throttle.record_failure(request, payload.username)
        return Status(401, {"detail": "Wrong username or password."})
    throttle.reset(request, payload.username)
    _, raw = ApiToken.issue(user=user, name=payload.name)
    return Status(201, {"token": raw, "name": payload.name})


@router.delete("/auth/token", response={204: None, 400: ErrorOut}, summary="Revoke the bearer token used for this call")
def token_revoke(request):
    token = getattr(request, "api_token", None)
    if token is None:
        return Status(400, {"detail": "This call was not made with a bearer token."})
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    return Status(204, None)
