"""Small generated wearable files for the import tests (the shape of the Health app's export.xml and
export.zip, and the date,metric,value CSV)."""

from __future__ import annotations

import io
import zipfile

import pytest

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (ExportDate,Record*)>\n'
        ']>\n<HealthData locale="en_NO">\n <ExportDate value="2026-03-02 08:00:00 +0100"/>\n')


def health_record(kind: str, start: str, end: str, value: str, source: str = "Patty's iPhone") -> str:
    return (f' <Record type="HK{kind}" sourceName="{source}" unit="count" creationDate="{end}" startDate="{start}" '
            f'endDate="{end}" value="{value}"/>\n')


def export_xml(*records: str) -> bytes:
    return (HEAD + "".join(records) + "</HealthData>\n").encode()


def export_zip(xml: bytes) -> bytes:
    """As the Health app makes it: apple_health_export/export.xml beside export_cda.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr("apple_health_export/export.xml", xml)
    return out.getvalue()


#: Two Oslo days: 1 March (5000 steps), 2 March (120 steps, 7.5 h asleep, resting HR 60, HRV 41.5).
OSLO_RECORDS = (
    health_record("QuantityTypeIdentifierStepCount", "2026-03-01 09:00:00 +0100", "2026-03-01 09:30:00 +0100", "3000"),
    health_record("QuantityTypeIdentifierStepCount", "2026-03-01 17:00:00 +0100", "2026-03-01 17:30:00 +0100", "2000"),
    # 23:30 UTC on 1 March is 00:30 on 2 March in Oslo
    health_record("QuantityTypeIdentifierStepCount", "2026-03-01 23:30:00 +0000", "2026-03-01 23:40:00 +0000", "120"),
    health_record("CategoryTypeIdentifierSleepAnalysis", "2026-03-01 23:00:00 +0100", "2026-03-02 06:30:00 +0100",
                  "HKCategoryValueSleepAnalysisAsleepCore"),
    health_record("QuantityTypeIdentifierRestingHeartRate", "2026-03-02 08:00:00 +0100", "2026-03-02 08:00:00 +0100",
                  "58"),
    health_record("QuantityTypeIdentifierRestingHeartRate", "2026-03-02 20:00:00 +0100", "2026-03-02 20:00:00 +0100",
                  "62"),
    health_record("QuantityTypeIdentifierHeartRateVariabilitySDNN", "2026-03-02 08:00:00 +0100",
                  "2026-03-02 08:01:00 +0100", "41.5"),
    health_record("QuantityTypeIdentifierBodyMass", "2026-03-02 08:00:00 +0100", "2026-03-02 08:00:00 +0100", "70"),
)


@pytest.fixture
def oslo_export() -> bytes:
    return export_xml(*OSLO_RECORDS)


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.WEARABLE_IMPORT_DIR = tmp_path / "imports"
    return settings.WEARABLE_IMPORT_DIR
