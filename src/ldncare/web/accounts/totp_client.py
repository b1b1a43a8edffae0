"""The staff member's side of the code step, for the project's own browser tests and the docs
screenshots (``tests/e2e``, ``docs/_shots.py``): what an authenticator app shows, and filling in
the enrolment page (then past the recovery codes it shows) or the code page. The server side is :mod:`ldncare.web.accounts.otp`.
"""

from __future__ import annotations

import base64
import time
from urllib.parse import urlsplit

__all__ = ["authenticator_code", "pass_second_factor"]


def authenticator_code(key: bytes, *, at: float | None = None, after_step: int = -1, step: int = 30) -> str:
    """What an authenticator app shows for ``key`` at ``at`` (now by default). Without ``at``, a
    code of a time step after ``after_step`` (the device's ``last_t``: codes are single-use): the
    current one, the next one (the server accepts one step ahead), or, failing both, it waits.
    """
    from django_otp.oath import TOTP

    generator = TOTP(key, step=step)
    if at is not None:
        generator.time = at
        return f"{generator.token():06d}"
    while True:
        now = time.time()
        for ahead in (0, 1):
            generator.time = now + ahead * step
            if generator.t() > after_step:
                return f"{generator.token():06d}"
        time.sleep(1)


def pass_second_factor(page, username: str) -> None:
    """After the password, a staff member gives the code on a Playwright ``page``: enrolling first
    (from the page's secret, as a new colleague scans it at the first sign-in) or from the device
    already enrolled. Does nothing on any other page (a patient's sign-in)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == "/accounts/2fa/setup/":
        key = base64.b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
        page.get_by_label("6-digit code").fill(authenticator_code(key))
        page.get_by_role("button", name="Turn on").click()
        page.get_by_role("link", name="I have saved them — continue").click()  # the recovery codes, shown once
    elif path == "/accounts/2fa/":
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("6-digit code").fill(authenticator_code(device.bin_key, after_step=device.last_t))
        page.get_by_role("button", name="Continue").click()
