"""Phase assignment: explicit phases carried forward, or inferred from doses."""

from __future__ import annotations

import datetime as dt

from ldncare.core.response.diary import DiaryDay
from ldncare.core.response.phases import assign_phases, maintenance_start

D0 = dt.date(2026, 1, 1)


def _days(doses, phases=None):
    phases = phases or [None] * len(doses)
    return [DiaryDay(date=D0 + dt.timedelta(i), ldn_dose_mg=x, phase=p) for i, (x, p) in enumerate(zip(doses, phases, strict=False))]


def test_explicit_phases_are_carried_forward():
    days = _days([None, None, 1.5, 1.5], ["baseline", None, "titration", None])
    assert assign_phases(days) == ("baseline", "baseline", "titration", "titration")


def test_inferred_maintenance_starts_at_the_final_dose_run():
    days = _days([None, 1.5, 3.0, 4.5, 3.0, 3.0, None, 3.0])  # stepped back down to 3 mg
    assert assign_phases(days) == ("baseline", "titration", "titration", "titration", "maintenance",
                                   "maintenance", "maintenance", "maintenance")
    assert maintenance_start(days, assign_phases(days)) == D0 + dt.timedelta(4)


def test_no_dose_means_all_baseline():
    assert set(assign_phases(_days([None, None]))) == {"baseline"}
