"""What each kind of message says, on each channel. No health details ever: a reminder says it is
time, a note to the care team says there is something to look at, and links lead to pages that
need a sign-in (the e-mail may be read on a shared screen or kept by a mail provider)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

__all__ = ["Message", "message_build", "email_message", "stop_token", "stop_token_read", "sender"]

STOP_SALT = "ldncare.notify.stop"


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    text: str
    html: str
    url: str
    stop_url: str  # empty when the message cannot be turned off (the care team's alerts)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def stop_token(*, user, kind: str) -> str:
    """A signed, unguessable token that turns off one kind of reminder for one person."""
    return signing.dumps({"u": str(user.public_id), "k": kind}, salt=STOP_SALT)


def stop_token_read(token: str) -> tuple[str, str]:
    """(user public id, kind) from a token; :class:`django.core.signing.BadSignature` if forged."""
    data = signing.loads(token, salt=STOP_SALT)
    return data["u"], data["k"]


_WORDS = {
    "checkin_reminder": ("Time for today's check-in", "record:checkin",
                         "A reminder you asked for: today's check-in is not done yet. It takes about 30 seconds."),
    "dose_reminder": ("Time for your LDN dose", "record:plan",
                      "A reminder you asked for: it is the time you set for your dose. Your plan has the details."),
    "alert": ("ldncare: a patient's report needs your attention", "access:clinic",
              "A patient who shares their record with you has reported something that needs your attention. "
              "Sign in to see it; this e-mail holds no health details."),
    "prescription": ("ldncare: a new prescription for your pharmacy", "pharmacy:queue",
                     "A new prescription has been sent to your pharmacy. Sign in to see it in the queue; "
                     "this e-mail holds no health details."),
    "questionnaire": ("Time for your questionnaire", "questionnaires:index",
                      "A reminder you asked for: a questionnaire you scheduled is due. It takes about a minute."),
    "test": ("ldncare: test message", "home",
             "This is a test message from ldncare: e-mail works."),
}


def message_build(*, kind: str, recipient, stoppable: bool) -> Message:
    subject, url_name, body = _WORDS[kind]
    url = site_url(reverse(url_name))
    stop_url = site_url(reverse("notify:stop", args=[stop_token(user=recipient, kind=kind)])) if stoppable else ""
    context = {"subject": subject, "body": body, "url": url, "stop_url": stop_url, "name": recipient.get_full_name()
               or recipient.get_username(), "site_name": settings.EMAIL_SENDER_NAME}
    return Message(kind=kind, subject=subject, url=url, stop_url=stop_url,
                   text=render_to_string("notify/email/message.txt", context),
                   html=render_to_string("notify/email/message.html", context))


def sender() -> str:
    """``"Name <address>"`` from EMAIL_SENDER_NAME and the address in DEFAULT_FROM_EMAIL."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((settings.EMAIL_SENDER_NAME, address or settings.DEFAULT_FROM_EMAIL))


def email_message(message: Message, *, to: str, connection=None) -> EmailMultiAlternatives:
    headers = {"Auto-Submitted": "auto-generated"}
    if message.stop_url:  # RFC 2369 and RFC 8058: mail clients offer their own one-click "unsubscribe"
        headers["List-Unsubscribe"] = f"<{message.stop_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(subject=message.subject, body=message.text, from_email=sender(), to=[to],
                                   headers=headers, connection=connection)
    email.attach_alternative(message.html, "text/html")
    return email
