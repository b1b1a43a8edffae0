"""Daily factors from wearables: Apple Health ``export.xml`` (streamed) and a generic CSV.

An Apple Health export is one XML file of hundreds of MB. It is read as a stream
(expat, one record at a time: only the daily sums are kept), so memory stays bounded
whatever the file's size, and mapped to one value per day **in the person's time zone**:

==============================  ==================================================================
factor                          from
==============================  ==================================================================
``factor:steps``                ``HKQuantityTypeIdentifierStepCount``: the day's sum, from the one
                                source (device) that counted most that day, so a phone and a
                                watch that both counted the same walk are not added together
``factor:sleep_hours``          ``HKCategoryTypeIdentifierSleepAnalysis`` asleep values (asleep,
                                core, deep, REM, unspecified): the union of the asleep intervals
                                of all sources, counted on the day the sleep ends (the morning)
``factor:resting_heart_rate``   ``HKQuantityTypeIdentifierRestingHeartRate``: the day's mean (bpm)
``factor:hrv_sdnn_ms``          ``HKQuantityTypeIdentifierHeartRateVariabilitySDNN``: the day's mean
==============================  ==================================================================

The generic CSV (``date,metric,value``; e.g. from a Fitbit or Google Fit export) names its metric
``steps``, ``sleep_hours``, ``resting_heart_rate`` or ``hrv_sdnn_ms``; one value per date and metric.

:func:`merge_factors` puts the factors into a diary: the imported columns of those days are
replaced, nothing else is touched, so importing the same file twice changes nothing. Days with
factors but no check-in get a row holding only the factors: a wearable's count is not a score a
person entered, and no score is made up for them.

Safety: a file with entity declarations (the "billion laughs" attack) is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat
from zoneinfo import ZoneInfo

from ldncare.core.response.diary import EARLIEST_DIARY_DATE, FACTOR_PREFIX, Diary, DiaryDay

__all__ = [
    "WEARABLE_FACTORS",
    "WearableImportError",
    "merge_factors",
    "read_apple_health",
    "read_wearable_csv",
]

WEARABLE_FACTORS = {
    "steps": FACTOR_PREFIX + "steps",
    "sleep_hours": FACTOR_PREFIX + "sleep_hours",
    "resting_heart_rate": FACTOR_PREFIX + "resting_heart_rate",
    "hrv_sdnn_ms": FACTOR_PREFIX + "hrv_sdnn_ms",
}
_STEPS = "HKQuantityTypeIdentifierStepCount"
_SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
_RESTING = "HKQuantityTypeIdentifierRestingHeartRate"
_HRV = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
_ASLEEP = {"HKCategoryValueSleepAnalysisAsleep", "HKCategoryValueSleepAnalysisAsleepUnspecified",
           "HKCategoryValueSleepAnalysisAsleepCore", "HKCategoryValueSleepAnalysisAsleepDeep",
           "HKCategoryValueSleepAnalysisAsleepREM"}
_CHUNK = 1 << 20  # bytes read at a time
_RANGES = {"steps": (0, 200_000), "sleep_hours": (0, 24), "resting_heart_rate": (20, 250), "hrv_sdnn_ms": (1, 500)}

Daily = dict[dt.date, dict[str, float]]


class WearableImportError(ValueError):
    """The file cannot be imported; the message says why and what is allowed."""


def _when(text: str, zone: ZoneInfo) -> dt.datetime:
    """Apple's ``2026-01-05 23:10:00 -0500`` as a time in ``zone``."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z").astimezone(zone)


def _refuse_entities(*args) -> None:
    raise WearableImportError("the file declares XML entities; an Apple Health export has none (refused for safety)")


def read_apple_health(source: str | Path | BinaryIO, *, time_zone: str,
                      progress: Callable[[int], None] | None = None) -> Daily:
    """Read an Apple Health ``export.xml`` as a stream; return ``{day: {factor: value}}``.

    ``progress`` is called with the number of bytes read so far (for a progress bar).
    """
    zone = ZoneInfo(time_zone)
    steps: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    sleep: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    means: dict[str, dict[dt.date, list[float]]] = {"resting_heart_rate": defaultdict(list),
                                                    "hrv_sdnn_ms": defaultdict(list)}
    handle = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115 - closed below
    parser = expat.ParserCreate()
    seen_root = []

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        if not seen_root:
            if tag != "HealthData":
                raise WearableImportError(f"the file's root element is <{tag}>; an Apple Health export.xml starts "
                                          "with <HealthData>")
            seen_root.append(tag)
        elif tag == "Record":
            _read_record(attrs, zone, steps, sleep, means)

    parser.StartElementHandler = on_start
    parser.EntityDeclHandler = _refuse_entities
    read = 0
    try:
        while chunk := handle.read(_CHUNK):
            parser.Parse(chunk, False)  # one record at a time: nothing is kept but the daily sums
            read += len(chunk)
            if progress is not None:
                progress(read)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WearableImportError(f"not an XML file ldncare can read ({expat.ErrorString(exc.code)}, "
                                  f"line {exc.lineno})") from None
    finally:
        if isinstance(source, str | Path):
            handle.close()
    if not seen_root:
        raise WearableImportError("the file holds no <HealthData> element; expected an Apple Health export.xml")
    daily: Daily = defaultdict(dict)
    for day, by_source in steps.items():
        daily[day][WEARABLE_FACTORS["steps"]] = round(max(by_source.values()))
    for day, intervals in sleep.items():
        daily[day][WEARABLE_FACTORS["sleep_hours"]] = round(_union_hours(intervals), 2)
    for metric, by_day in means.items():
        for day, values in by_day.items():
            daily[day][WEARABLE_FACTORS[metric]] = round(sum(values) / len(values), 1)
    return _checked(daily)


def _read_record(attrs: dict[str, str], zone: ZoneInfo, steps, sleep, means) -> None:
    kind = attrs.get("type")
    if kind not in (_STEPS, _SLEEP, _RESTING, _HRV):
        return
    try:
        start, end = _when(attrs["startDate"], zone), _when(attrs["endDate"], zone)
    except (KeyError, ValueError):
        return  # a record without readable dates carries nothing a day can use
    if kind == _SLEEP:
        if attrs.get("value") in _ASLEEP and end > start:
            sleep[end.date()].append((start, end))
        return
    try:
        value = float(attrs["value"])
    except (KeyError, ValueError):
        return
    if not math.isfinite(value):
        return
    if kind == _STEPS:
        steps[start.date()][attrs.get("sourceName", "")] += value
    elif kind == _RESTING:
        means["resting_heart_rate"][start.date()].append(value)
    else:
        means["hrv_sdnn_ms"][start.date()].append(value)


def _union_hours(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    total = dt.timedelta(0)
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total.total_seconds() / 3600


def _checked(daily: Daily) -> Daily:
    """Drop days outside the diary's limits and values no device could have measured."""
    latest = dt.date.today() + dt.timedelta(days=1)
    out: Daily = {}
    for day, factors in sorted(daily.items()):
        if not (EARLIEST_DIARY_DATE <= day <= latest):
            continue
        kept = {name: value for name, value in factors.items()
                if _RANGES[name.removeprefix(FACTOR_PREFIX)][0] <= value <= _RANGES[name.removeprefix(FACTOR_PREFIX)][1]}
        if kept:
            out[day] = kept
    return out


def read_wearable_csv(text: str) -> Daily:
    """``date,metric,value`` rows (one per date and metric) → ``{day: {factor: value}}``.

    >>> read_wearable_csv("date,metric,value\\n2026-02-01,steps,8412\\n2026-02-01,sleep_hours,7.25\\n")
    {datetime.date(2026, 2, 1): {'factor:steps': 8412.0, 'factor:sleep_hours': 7.25}}
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().lower() for c in rows[0][:3]] != ["date", "metric", "value"]:
        raise WearableImportError("the CSV must start with the header date,metric,value")
    daily: Daily = defaultdict(dict)
    problems = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = dt.date.fromisoformat(row[0].strip())
            metric = row[1].strip().lower()
            value = float(row[2])
            low, high = _RANGES[metric]
            if not (math.isfinite(value) and low <= value <= high):
                raise ValueError(f"{value:g} is outside {low}-{high}")
        except KeyError:
            problems.append(f"line {line}: unknown metric {row[1].strip()!r}; allowed: {', '.join(_RANGES)}")
            continue
        except (ValueError, IndexError) as exc:
            problems.append(f"line {line}: {exc}; allowed: YYYY-MM-DD, a metric, a number in its range")
            continue
        factor = WEARABLE_FACTORS[metric]
        if factor in daily[day] and daily[day][factor] != value:
            problems.append(f"line {line}: a second, different {metric} for {day}; one value per date and metric")
            continue
        daily[day][factor] = value
    if problems:
        raise WearableImportError("; ".join(problems[:20]) + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""))
    return _checked(daily)


def merge_factors(diary: Diary | None, daily: Daily) -> Diary:
    """``diary`` with the imported factor columns of those days replaced (idempotent)."""
    imported = sorted({name for values in daily.values() for name in values})
    days = {d.date: d for d in (diary.days if diary else ())}
    for day, values in daily.items():
        existing = days.get(day)
        if existing is None:
            days[day] = DiaryDay(date=day, factors=values)
        else:
            kept = {k: v for k, v in existing.factors.items() if k not in imported}
            days[day] = replace(existing, factors={**kept, **values})
    factors = tuple(dict.fromkeys([*(diary.factors if diary else ()), *imported]))
    outcomes = diary.outcomes if diary else ()
    ordered: Iterable[DiaryDay] = (days[d] for d in sorted(days))
    return Diary(days=tuple(ordered), outcomes=outcomes or ("pain", "fatigue", "sleep_quality", "mood"), factors=factors)
