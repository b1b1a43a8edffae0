"""The one place where the web shell calls the framework-free core (``ldncare.core``).

Views stay thin: they hand model rows to these adapters, which turn them into the core's
records and the core's results into plain values for templates and the API. A core
capability that is not installed yet is reported as unavailable (``None``), never faked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from ldncare.web.record.models import CheckIn

__all__ = ["DIARY_COLUMNS", "diary_csv"]

# The diary format of ``docs/diary-format.md`` (response issue contract): one row per day.
DIARY_COLUMNS = ("date", "ldn_dose_mg", "dose_time", "phase", "pain", "fatigue", "sleep_quality", "mood",
                 "pgic", "side_effects", "notes")


def _blank(value) -> str:
    return "" if value is None else str(value)


def diary_rows(checkins) -> list[dict[str, str]]:
    """Check-ins (any order) → rows of the documented diary format, oldest first."""
    rows = []
    for c in sorted(checkins, key=lambda c: c.date):
        rows.append({
            "date": c.date.isoformat(),
            "ldn_dose_mg": "" if c.ldn_dose_mg is None else f"{c.ldn_dose_mg.normalize():f}",
            "dose_time": c.dose_time.strftime("%H:%M") if c.dose_time else "",
            "phase": "",
            "pain": _blank(c.pain_score),
            "fatigue": _blank(c.fatigue_score),
            "sleep_quality": _blank(c.sleep_quality_score),
            "mood": _blank(c.mood_score),
            "pgic": _blank(c.pgic_score),
            "side_effects": ";".join(f"{s.side_effect_id}:{s.severity}" for s in c.side_effects.all()),
            "notes": c.notes.replace("\r", " ").replace("\n", " "),
        })
    return rows


def diary_csv(checkins: list[CheckIn]) -> str:
    """The diary as CSV text in the documented format."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DIARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in diary_rows(checkins):
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection), e.g. a note starting with '='."""
    if value and value[0] in "=+-@\t" and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def planned_dose(plan, day):
    """The (dose_mg, time) the plan gives for ``day``, or ``None``."""
    if plan is None:
        return None
    for step in plan.steps:
        start = step.get("start_date")
        end = step.get("end_date")
        if start and start <= day.isoformat() and (not end or day.isoformat() <= end):
            time_text = step.get("time") or None
            time = dt.time.fromisoformat(time_text) if time_text else None
            return Decimal(str(step["dose_mg"])), time
    return None


def screen_profile(profile):
    """The safety screen of ``ldncare.core.safety`` for this profile, or ``None`` if unavailable."""
    return None


def triage_checkin(checkin) -> list[dict]:
    """Triage advice for each side effect reported on ``checkin`` (empty if none or unavailable)."""
    return []


def analyze(checkins, *, outcome: str):
    """The response analysis card, or ``None`` if unavailable."""
    return None


def day_curve(checkins, plan):
    """The simulator's day curve for the current dose and time, or ``None``."""
    return None


HAS_ICS = False


def plan_ics(plan):
    return None


def evidence(condition_id: str):
    return None
