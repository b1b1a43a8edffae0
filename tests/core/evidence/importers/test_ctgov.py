"""ClinicalTrials.gov API v2 importer on real-format fixtures (one study, a page, malformed, wrong)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ldncare.core.evidence.importers import (
    ImportFormatError,
    draft_from_ctgov_study,
    mark_duplicates,
    read_ctgov_json,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "evidence"


def test_reads_one_v2_study_with_its_design_and_registry_fields():
    (draft,) = read_ctgov_json(DATA / "ctgov_study.json")
    assert draft.id == "nct04678895"
    assert draft.nct == ["NCT04678895"]
    assert draft.title == "Low-Dose Naltrexone for the Treatment of Painful Diabetic Neuropathy"
    assert draft.official_title.endswith("Placebo-controlled Crossover Trial")
    assert draft.design_hint == "rct_crossover"
    assert (draft.n_enrolled, draft.enrollment_type) == (35, "ESTIMATED")
    assert draft.overall_status == "RECRUITING"
    assert draft.phases == ["PHASE2"]
    assert (draft.start_date, draft.year) == ("2020-12-22", 2020)
    assert draft.sponsor == "Dartmouth-Hitchcock Medical Center"
    assert draft.conditions_as_reported == ["Painful Diabetic Neuropathy"]
    assert [i["name"] for i in draft.interventions] == ["Naltrexone", "Placebo"]
    assert len(draft.arms) == 2
    assert draft.primary_outcomes[0]["timeFrame"] == "Baseline to week 12"
    assert draft.eligibility["minimumAge"] == "18 Years"
    assert draft.has_results is False
    assert draft.review is None
    assert draft.sources[0].url == "https://clinicaltrials.gov/study/NCT04678895"


def test_a_page_of_studies_is_deduplicated_by_nct_id():
    bruun, new = mark_duplicates(read_ctgov_json(DATA / "ctgov_search_page.json"))
    assert bruun.duplicate_of == "bruun2024-fibromyalgia-final-rct"
    assert new.duplicate_of is None


def test_malformed_json_names_the_position():
    with pytest.raises(ImportFormatError, match=r"ctgov_malformed.json: invalid JSON at line \d+, column \d+"):
        read_ctgov_json(DATA / "ctgov_malformed.json")


def test_json_that_is_not_a_study_is_refused():
    with pytest.raises(ImportFormatError, match="not a ClinicalTrials.gov API v2 study"):
        read_ctgov_json(DATA / "ctgov_not_a_study.json")
    with pytest.raises(ImportFormatError, match="invalid JSON"):
        read_ctgov_json(DATA / "pubmed_two_articles.xml")


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"nctId": "12345"}, "nctId missing or not NCT"),
        ({"nctId": None}, "nctId missing"),
        ({"briefTitle": None, "officialTitle": None}, "no briefTitle"),
    ],
)
def test_field_errors_name_the_field(patch, message):
    study = json.loads((DATA / "ctgov_study.json").read_text(encoding="utf-8"))
    study["protocolSection"]["identificationModule"].update(patch)
    with pytest.raises(ImportFormatError, match=message):
        draft_from_ctgov_study(study)


def test_non_integer_enrollment_and_empty_page(tmp_path):
    study = json.loads((DATA / "ctgov_study.json").read_text(encoding="utf-8"))
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "35"
    with pytest.raises(ImportFormatError, match="enrollmentInfo.count"):
        draft_from_ctgov_study(study)
    page = tmp_path / "page.json"
    page.write_text('{"studies": []}', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="empty"):
        read_ctgov_json(page)
    bad = tmp_path / "bad_item.json"
    bad.write_text('{"studies": [{"protocolSection": {"identificationModule": {}}}]}', encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"studies\[0\]"):
        read_ctgov_json(bad)
