"""Who am I, and API tokens for clients such as a phone app."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ldncare.web.accounts import otp
from ldncare.web.accounts.lockout import locked_message
from ldncare.web.accounts.models import ApiToken, TokenEnd

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
    otp: str | None = Field(None, max_length=12, description=(
        "The current 6-digit code from the authenticator app: required for clinicians, pharmacists "
        "and administrators (and for anyone who turned two-step sign-in on)"))


class TokenOut(Schema):
    token: str
    name: str
    expires_at: dt.datetime


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


@router.get("/me", response=MeOut, summary="The signed-in account")
def me(request):
    return {"id": request.user.public_id, "username": request.user.username, "role": request.user.role}


def _otp_error(msg: str) -> Status:
    return Status(422, {"detail": "Invalid input", "errors": [{"loc": ["body", "payload", "otp"], "msg": msg,
                                                               "type": "value_error"}]})


@router.post("/auth/token", response={201: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None,
             summary="Exchange username, password (and the 6-digit code for staff) for a bearer token (shown once)")
def token_create(request, payload: TokenIn):
    # authenticate() with the request: django-axes counts the failure and refuses locked accounts/addresses.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return Status(429, {"detail": locked_message()})
        return Status(401, {"detail": "Wrong username or password."})
    device = otp.confirmed_device(user)
    if otp.must_use_second_factor(user) or device is not None:
        if device is None:
            return _otp_error("Set up two-step sign-in on the website first, then send its 6-digit code.")
        if not payload.otp:
            return _otp_error("This account needs the 6-digit code from its authenticator app.")
        if not otp.second_factor_check(user, device, payload.otp):
            wait = otp.throttle_wait_s(device)
            return _otp_error(f"Too many wrong codes. Wait {wait} seconds." if wait
                              else "The code is not right, or it was already used.")
    issued, raw = ApiToken.issue(user=user, name=payload.name)
    return Status(201, {"token": raw, "name": payload.name, "expires_at": issued.expires_at})


@router.delete("/auth/token", response={204: None, 400: ErrorOut}, summary="Revoke the bearer token used for this call")
def token_revoke(request):
    token = getattr(request, "api_token", None)
    if token is None:
        return Status(400, {"detail": "This call was not made with a bearer token."})
    ApiToken.objects.filter(pk=token.pk).revoke(TokenEnd.REVOKED)
    return Status(204, None)
