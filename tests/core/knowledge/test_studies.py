"""The curated studies: every record sourced, reviewed, on a known condition, with the right numbers."""

from __future__ import annotations

import copy

import pytest
import yaml
from pydantic import ValidationError

from ldncare.core.knowledge.records import DATA_DIR, KnowledgeDataError, load_records
from ldncare.core.knowledge.studies import (
    Effect,
    Study,
    UnknownStudyError,
    get_study,
    load_studies,
    studies_for_condition,
)

CONDITION_IDS = {
    "crohns-disease", "ulcerative-colitis", "multiple-sclerosis", "systemic-sclerosis",
    "hashimotos-thyroiditis", "fibromyalgia", "autism", "neuropathic-pain", "depression",
    "complex-regional-pain-syndrome", "me-cfs", "rheumatoid-arthritis", "long-covid",
}  # fmt: skip

# The ids of the verified research notes (shared/research/evidence.yaml): others reference them.
RESEARCH_IDS = {
    "smith2007-crohns-openlabel", "smith2011-crohns-rct", "raknes2018-ibd-register", "lie2018-ibd-prospective",
    "smith2013-pediatric-crohns", "ibd2010-pediatric-duodenal-case", "parker2018-cochrane-crohns",
    "cree2010-ms-qol-crossover", "gironi2008-ppms-pilot", "sharafaddinzadeh2010-ms-qol-rct", "raknes2017-ms-register",
    "ludwig2016-ms-retrospective", "younger2009-fibromyalgia-pilot", "younger2013-fibromyalgia-crossover",
    "bested2023-fibromyalgia-crossover", "bruun2024-fibromyalgia-final-rct", "vatvani2024-fibromyalgia-meta",
    "frech2011-ssc-pruritus", "raknes2020-hypothyroidism-register", "mcdermott2019-hashimoto-chapter",
    "campbell1993-autism-rct", "kolmen1995-autism-crossover", "kolmen1997-autism-replication",
    "willemsen-swinkels1996-autism-crossover", "bouvard1995-autism-0.5mgkg", "elchaar2006-autism-review",
    "roy2015-autism-review", "pgimer2021-diabetic-neuropathy-vs-amitriptyline", "chopra2013-crps-cases",
    "soin2021-crps-review", "polo2019-mecfs-retrospective", "bolton2020-cfs-cases", "mischoulon2017-mdd-augmentation",
    "raknes2019-ra-register", "okelly2022-longcovid-prepost", "bonilla2023-longcovid-retrospective",
    "isman2024-longcovid-ldn-nad", "rassi-mariani2024-chronic-pain-sr", "kim2020-chronic-pain-review",
    "rupp2023-centralized-pain-scoping",
}  # fmt: skip


@pytest.fixture(scope="module")
def raw_records() -> list[dict]:
    return yaml.safe_load((DATA_DIR / "studies.yaml").read_text(encoding="utf-8"))


# Added by the literature search of issue 15 (2026-12-04): syntheses and trials the first research round missed.
SEARCH_2026_12_IDS = {
    "ologunowa2025-fibromyalgia-meta", "annmedsurg2025-fibromyalgia-meta", "bruunplesner2020-fibromyalgia-dose-finding",
    "parkitny2017-fibromyalgia-cytokines", "partridge2023-fibromyalgia-sr", "yang2023-fibromyalgia-sr",
    "raknes2019-psychotropics-register", "byambasuren2025-longcovid-sr", "moloney2026-mdd-adjunct-rct",
    "saif2026-fibromyalgia-women-meta",
}  # fmt: skip


def test_every_verified_research_record_is_converted_with_its_id():
    assert {s.id for s in load_studies()} == RESEARCH_IDS | SEARCH_2026_12_IDS


def test_the_2025_fibromyalgia_syntheses_are_in_the_atlas_with_their_findings():
    negative = get_study("ologunowa2025-fibromyalgia-meta")
    assert negative.doi == "10.1080/15360288.2025.2496526"
    vs_placebo = next(r for r in negative.results if "standardized_mean_difference" in r.values)
    assert vs_placebo.values["ci_low"] < 0 < vs_placebo.values["ci_high"]  # no benefit over placebo
    positive = get_study("annmedsurg2025-fibromyalgia-meta")
    assert (positive.pmid, positive.n_included_studies) == ("40337423", 5)
    assert positive.results[0].values["ci_high"] < 0
    dose_finding = get_study("bruunplesner2020-fibromyalgia-dose-finding")
    assert (dose_finding.pmid, dose_finding.dose_range_mg, dose_finding.results[0].values["ed50_mg"]) == ("32068870", (0.75, 6.0), 3.88)
    vatvani = get_study("vatvani2024-fibromyalgia-meta")
    assert (vatvani.pmid, vatvani.doi) == ("39344363", "10.3344/kjp.24202")


def test_every_study_has_a_followable_source_and_a_review_stamp():
    for study in load_studies():
        assert study.sources, study.id
        assert all(src.url and src.url.startswith("http") for src in study.sources), study.id
        assert study.review.reviewed_by, study.id
        assert study.review.reviewed_on, study.id


def test_identifiers_are_also_listed_as_sources():
    for study in load_studies():
        pmids = {s.pmid for s in study.sources if s.pmid}
        dois = {s.doi for s in study.sources if s.doi}
        ncts = {s.nct for s in study.sources if s.nct}
        if study.pmid:
            assert study.pmid in pmids, study.id
        if study.doi:
            assert study.doi in dois, study.id
        assert set(study.nct) <= ncts, study.id


def test_every_study_is_about_a_contract_condition_and_every_condition_has_studies():
    for study in load_studies():
        assert set(study.conditions) <= CONDITION_IDS, study.id
    for condition_id in CONDITION_IDS:
        assert studies_for_condition(condition_id), condition_id
    from ldncare.core.knowledge.conditions import load_conditions

    known = {c.id for c in load_conditions()}
    assert {c for s in load_studies() for c in s.conditions} <= known


def test_smith_2007_numbers_match_the_abstract():
    smith = get_study("smith2007-crohns-openlabel")
    assert smith.n_enrolled == 17
    assert smith.ldn_dose_mg == 4.5
    assert smith.duration_weeks == 12
    response = next(r for r in smith.results if "response_pct" in r.values)
    assert response.values == {"response_pct": 89.0, "remission_pct": 67.0}
    assert response.basis == "stated"
    assert "89%" in response.text
    assert "67%" in response.text


@pytest.mark.parametrize(
    ("study_id", "n", "dose_mg"),
    [
        ("smith2011-crohns-rct", 40, 4.5),
        ("bruun2024-fibromyalgia-final-rct", 99, 6.0),
        ("cree2010-ms-qol-crossover", 80, 4.5),
        ("mischoulon2017-mdd-augmentation", 12, 2.0),
        ("younger2013-fibromyalgia-crossover", 31, 4.5),
        ("raknes2020-hypothyroidism-register", 898, None),
    ],
)
def test_key_numbers_against_the_research_notes(study_id, n, dose_mg):
    study = get_study(study_id)
    assert study.n_enrolled == n
    assert study.ldn_dose_mg == dose_mg


def test_stated_and_computed_are_kept_apart():
    ludwig = get_study("ludwig2016-ms-retrospective")
    assert ludwig.n_enrolled == 54
    assert ludwig.n_enrolled_basis == "computed"
    for study in load_studies():
        for result in study.results:
            if "computed" in result.text:
                assert result.basis == "computed", (study.id, result.text)
        for effect in study.effects:
            if effect.basis == "computed":
                assert effect.derivation
    younger = get_study("younger2013-fibromyalgia-crossover")
    assert younger.effects[0].basis == "computed"
    bruun = get_study("bruun2024-fibromyalgia-final-rct")
    md = next(e for e in bruun.effects if e.effect_measure == "MD")
    assert (md.estimate, md.ci_low, md.ci_high, md.basis) == (-0.34, -0.95, 0.27, "stated")


def test_weight_based_autism_trials_are_flagged_not_modern_ldn():
    autism = [s for s in studies_for_condition("autism") if s.design.startswith("rct")]
    assert len(autism) == 5
    for study in autism:
        assert not study.modern_ldn_dose, study.id
        assert "not LDN in the modern sense" in study.indirectness or "above the adult LDN range" in study.indirectness
    assert get_study("kolmen1995-autism-crossover").dose_mg_per_kg == 1.0
    assert get_study("bouvard1995-autism-0.5mgkg").dose_mg_per_kg == 0.5


def test_a_record_without_source_fails(raw_records, tmp_path):
    record = copy.deepcopy(raw_records[0])
    Study.model_validate(record)
    record["sources"] = []
    with pytest.raises(ValidationError, match="sources"):
        Study.model_validate(record)
    del record["sources"]
    (tmp_path / "studies.yaml").write_text(yaml.safe_dump([record]), encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match=r"smith2007-crohns-openlabel.*sources"):
        load_records("studies.yaml", Study, data_dir=tmp_path)


def test_a_record_without_review_stamp_fails(raw_records):
    record = copy.deepcopy(raw_records[0])
    del record["review"]
    with pytest.raises(ValidationError, match="review"):
        Study.model_validate(record)


def test_mg_per_kg_dose_must_be_flagged(raw_records):
    record = copy.deepcopy(next(r for r in raw_records if r["id"] == "kolmen1995-autism-crossover"))
    record["modern_ldn_dose"] = True
    with pytest.raises(ValidationError, match="not LDN in the modern sense"):
        Study.model_validate(record)


def test_effects_only_on_controlled_designs(raw_records):
    record = copy.deepcopy(next(r for r in raw_records if r["id"] == "smith2007-crohns-openlabel"))
    record["effects"] = [
        {"outcome_domain": "pain", "instrument": "x", "effect_measure": "MD", "scale": "NRS 0-10", "estimate": -1.0, "se": 0.5, "basis": "stated"}
    ]
    with pytest.raises(ValidationError, match="controlled design"):
        Study.model_validate(record)


def test_computed_effect_needs_its_derivation():
    with pytest.raises(ValidationError, match="derivation"):
        Effect(outcome_domain="pain", instrument="x", effect_measure="MD", scale="NRS 0-10", estimate=-1.0, se=0.5, basis="computed")
    with pytest.raises(ValidationError, match="within its confidence interval"):
        Effect(outcome_domain="pain", instrument="x", effect_measure="MD", scale="NRS 0-10", estimate=1.0, ci_low=-1, ci_high=0, basis="stated")


def test_studies_for_condition_is_sorted_newest_first():
    years = [s.citation.year for s in studies_for_condition("fibromyalgia")]
    assert years == sorted(years, reverse=True)


def test_unknown_study():
    with pytest.raises(UnknownStudyError):
        get_study("nobody2099")


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _spellings(value: float) -> set[str]:
    a = abs(value)
    forms = {f"{a:g}", f"{a:.1f}", f"{a:.2f}", f"{a:.3f}"}
    if a < 1:
        forms |= {f.lstrip("0") for f in list(forms)}
    if a == int(a) and int(a) in _WORDS:
        forms.add(_WORDS[int(a)])
    return forms


def test_every_structured_number_is_printed_in_its_result_text():
    """The numbers in ``values`` are transcriptions of the result text, not new data."""
    for study in load_studies():
        for result in study.results:
            text = result.text.lower()
            for key, value in result.values.items():
                assert any(form in text for form in _spellings(value)), (study.id, key, value)


def test_younger_2013_computed_effect_reproduces_its_derivation():
    from scipy import stats

    effect = get_study("younger2013-fibromyalgia-crossover").effects[0]
    t = stats.t.isf(0.016 / 2, df=30)
    assert t == pytest.approx(2.55, abs=0.005)
    assert -t / 31**0.5 == pytest.approx(effect.estimate, abs=0.005)
