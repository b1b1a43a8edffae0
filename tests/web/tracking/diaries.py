"""Test diaries entered as a person enters them: each day through ``record.services.checkin_save`` and
her own factors through ``tracking.services`` (checked, then saved), never written to the tables directly."""

from __future__ import annotations

import datetime as dt

from django.test import RequestFactory

from ldncare.web.record.services import CheckInData, checkin_save
from ldncare.web.tracking.services import (
    tracked_item_save,
    tracked_values_check,
    tracked_values_save,
)

__all__ = ["enter_diary", "walked_on"]


def walked_on(i: int) -> int:
    """1 if she walked on day i (a fixed pattern, about half the days), else 0."""
    return bin(i * 2654435761 % 2**32).count("1") % 2


def enter_diary(patient, days: int, *, start: dt.date, effect: float = 4.0, walk_every: int = 1) -> None:
    """``days`` check-ins from ``start``: a yes/no factor "Walk" and pain 7 − ``effect`` × walked that day
    (with small noise); ``effect=0`` gives a diary where walking goes with nothing. The walk is entered
    on every ``walk_every``-th day only (other days: not recorded)."""
    request = RequestFactory().post("/me/checkin/")
    request.user = patient
    walk = tracked_item_save(request=request, patient=patient, kind="yes_no", name="Walk")
    for i in range(days):
        walked = walked_on(i)
        pain = round(7 - effect * walked + ((i * 37) % 5 - 2) / 2)
        checkin = checkin_save(request=request, patient=patient,
                               data=CheckInData(date=start + dt.timedelta(days=i), pain_score=max(0, min(10, pain)),
                                                mood_score=4 + (i * 53) % 4))
        if i % walk_every == 0:
            tracked_values_save(request=request, patient=patient, checkin=checkin,
                                values=tracked_values_check(patient=patient, values={walk.code: walked}))
