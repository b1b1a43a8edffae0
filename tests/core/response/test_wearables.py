"""Wearable import: Apple Health export.xml streamed into daily factors, and the generic CSV."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from ldncare.core.response.diary import parse_diary
from ldncare.core.response.wearables import (
    WearableImportError,
    merge_factors,
    read_apple_health,
    read_wearable_csv,
)

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (ExportDate,Me,Record*)>\n'
        '<!ATTLIST HealthData locale CDATA #REQUIRED>\n]>\n<HealthData locale="en_NO">\n'
        ' <ExportDate value="2026-03-02 08:00:00 +0100"/>\n <Me HKCharacteristicTypeIdentifierBiologicalSex="x"/>\n')


def _record(kind: str, start: str, end: str, value: str, source: str = "Patty's iPhone") -> str:
    return (f' <Record type="{kind}" sourceName="{source}" unit="count" creationDate="{end}" startDate="{start}" '
            f'endDate="{end}" value="{value}"/>\n')


def _export(*records: str) -> io.BytesIO:
    return io.BytesIO((HEAD + "".join(records) + "</HealthData>\n").encode())


def test_steps_sleep_heart_rate_and_hrv_per_local_day():
    xml = _export(
        _record("HKQuantityTypeIdentifierStepCount", "2026-03-01 09:00:00 +0100", "2026-03-01 09:30:00 +0100", "3000"),
        _record("HKQuantityTypeIdentifierStepCount", "2026-03-01 17:00:00 +0100", "2026-03-01 17:30:00 +0100", "2000"),
        # the watch counted the same walks: not added to the phone's
        _record("HKQuantityTypeIdentifierStepCount", "2026-03-01 09:00:00 +0100", "2026-03-01 17:30:00 +0100", "4800",
                source="Patty's Watch"),
        # 23:30 UTC on 1 March is 00:30 on 2 March in Oslo: a step of the 2nd
        _record("HKQuantityTypeIdentifierStepCount", "2026-03-01 23:30:00 +0000", "2026-03-01 23:40:00 +0000", "120"),
        # a night from 23:00 to 06:30, with an overlapping watch record and an 'in bed' record (not asleep)
        _record("HKCategoryTypeIdentifierSleepAnalysis", "2026-03-01 23:00:00 +0100", "2026-03-02 03:00:00 +0100",
                "HKCategoryValueSleepAnalysisAsleepCore"),
        _record("HKCategoryTypeIdentifierSleepAnalysis", "2026-03-02 02:00:00 +0100", "2026-03-02 06:30:00 +0100",
                "HKCategoryValueSleepAnalysisAsleepREM", source="Patty's Watch"),
        _record("HKCategoryTypeIdentifierSleepAnalysis", "2026-03-01 22:00:00 +0100", "2026-03-02 07:00:00 +0100",
                "HKCategoryValueSleepAnalysisInBed"),
        _record("HKQuantityTypeIdentifierRestingHeartRate", "2026-03-02 08:00:00 +0100", "2026-03-02 08:00:00 +0100", "58"),
        _record("HKQuantityTypeIdentifierRestingHeartRate", "2026-03-02 20:00:00 +0100", "2026-03-02 20:00:00 +0100", "62"),
        _record("HKQuantityTypeIdentifierHeartRateVariabilitySDNN", "2026-03-02 08:00:00 +0100",
                "2026-03-02 08:01:00 +0100", "41.5"),
        _record("HKQuantityTypeIdentifierBodyMass", "2026-03-02 08:00:00 +0100", "2026-03-02 08:00:00 +0100", "70"),
    )
    daily = read_apple_health(xml, time_zone="Europe/Oslo")
    assert daily[dt.date(2026, 3, 1)] == {"factor:steps": 5000}
    assert daily[dt.date(2026, 3, 2)] == {"factor:steps": 120, "factor:sleep_hours": 7.5,
                                          "factor:resting_heart_rate": 60.0, "factor:hrv_sdnn_ms": 41.5}


def test_entity_declarations_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><HealthData>&b;</HealthData>'
    with pytest.raises(WearableImportError, match="entities"):
        read_apple_health(io.BytesIO(bomb), time_zone="UTC")


def test_a_file_that_is_not_an_export_says_so():
    with pytest.raises(WearableImportError, match="root element"):
        read_apple_health(io.BytesIO(b"<html><body/></html>"), time_zone="UTC")
    with pytest.raises(WearableImportError, match="not an XML file"):
        read_apple_health(io.BytesIO(b"steps,1\n"), time_zone="UTC")


def test_generic_csv_and_its_errors():
    daily = read_wearable_csv("date,metric,value\n2026-02-01,steps,8412\n2026-02-01,sleep_hours,7.25\n")
    assert daily == {dt.date(2026, 2, 1): {"factor:steps": 8412.0, "factor:sleep_hours": 7.25}}
    with pytest.raises(WearableImportError, match="unknown metric 'mood'"):
        read_wearable_csv("date,metric,value\n2026-02-01,mood,5\n")
    with pytest.raises(WearableImportError, match="outside"):
        read_wearable_csv("date,metric,value\n2026-02-01,sleep_hours,30\n")
    with pytest.raises(WearableImportError, match="a second, different steps"):
        read_wearable_csv("date,metric,value\n2026-02-01,steps,1\n2026-02-01,steps,2\n")


def test_merging_is_idempotent_and_touches_nothing_else():
    diary = parse_diary("date,pain,notes\n2026-02-01,4,slept badly\n2026-02-02,3,\n")
    daily = read_wearable_csv("date,metric,value\n2026-02-01,steps,8000\n2026-02-03,steps,9000\n")
    once = merge_factors(diary, daily)
    twice = merge_factors(once, daily)
    assert once == twice
    first = once.days[0]
    assert (first.scores["pain"], first.notes, first.factors["factor:steps"]) == (4.0, "slept badly", 8000.0)
    assert once.days[1].factors == {}  # a day the file does not cover keeps what it had
    third = once.days[2]  # a day with steps but no check-in: the factor only, no score made up
    assert (third.date, dict(third.scores), dict(third.factors)) == (dt.date(2026, 2, 3), {}, {"factor:steps": 9000.0})
