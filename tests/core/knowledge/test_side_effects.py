from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.knowledge import (
    KnowledgeDataError,
    SideEffect,
    TrialReport,
    UnknownSideEffectError,
    load_side_effects,
    resolve_side_effect,
)
from ldncare.core.knowledge.records import load_records
from ldncare.core.knowledge.studies import load_studies

CONTRACT_IDS = {
    "headache", "bloating", "dizziness", "insomnia", "vivid_dreams", "fatigue", "nausea", "vomiting",
    "dry_mouth", "diarrhea", "anxiety", "runny_nose", "muscle_aches", "rash", "difficulty_urinating",
    "low_blood_pressure", "weight_loss", "euphoria", "liver_injury_signs", "allergic_reaction", "opioid_withdrawal",
}  # fmt: skip

ARTICLE_COMMON = ["headache", "bloating", "dizziness", "sleeplessness", "fatigue", "nausea", "dry mouth", "diarrhea"]
ARTICLE_LESS_COMMON = ["runny nose", "insomnia", "muscle aches", "rash", "difficulty urinating", "low blood pressure", "weight loss"]


def test_exactly_the_contract_ids():
    ids = [s.id for s in load_side_effects()]
    assert set(ids) == CONTRACT_IDS
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", ARTICLE_COMMON + ARTICLE_LESS_COMMON)
def test_every_side_effect_the_article_lists_resolves(name):
    resolve_side_effect(name)


def test_the_articles_lists_are_recorded():
    assert {resolve_side_effect(n).article_list for n in ARTICLE_COMMON} == {"common"}
    less = {resolve_side_effect(n).id: resolve_side_effect(n).article_list for n in ARTICLE_LESS_COMMON}
    assert less.pop("insomnia") == "common"  # the article lists it twice; filed once, as common
    assert set(less.values()) == {"less_common"}


def test_the_urgent_ones_need_urgent_care_and_name_their_signs():
    urgent = {s.id: s for s in load_side_effects() if s.urgency == "urgent_care"}
    assert set(urgent) == {"liver_injury_signs", "allergic_reaction", "opioid_withdrawal"}
    assert all(s.warning_signs for s in urgent.values())
    assert "dark urine" in urgent["liver_injury_signs"].warning_signs


def test_smith_2007_sleep_disturbance_is_7_of_17_computed_not_printed():
    (report,) = [r for r in resolve_side_effect("insomnia").trial_reports if r.study == "smith2007-crohns-openlabel"]
    assert (report.events, report.n) == (7, 17)
    assert report.percent == pytest.approx(100 * 7 / 17, abs=0.05)  # 41.2%
    assert report.percent_computed is True


def test_trial_reports_name_studies_that_exist():
    known = {s.id for s in load_studies()}
    for effect in load_side_effects():
        for report in effect.trial_reports:
            assert report.study is None or report.study in known, (effect.id, report.study)


def test_standard_dose_figures_are_kept_apart_from_ldn_reports():
    nausea = resolve_side_effect("nausea")
    label = [r for r in nausea.trial_reports if r.dose_context == "standard_dose"]
    assert [r.percent for r in label] == [10]
    assert all(r.study is None for r in label)


@pytest.mark.parametrize("effect", load_side_effects(), ids=lambda s: s.id)
def test_every_side_effect_is_sourced_reviewed_and_says_what_to_do(effect):
    assert effect.sources
    assert effect.review.reviewed_on
    assert effect.expected_course
    assert effect.what_to_do
    assert effect.frequency in {"common", "less_common", "rare"}


def test_inconsistent_report_numbers_are_refused():
    source = {"pmid": "1"}
    with pytest.raises(ValueError, match="does not equal"):
        TrialReport(finding="sleep trouble", events=7, n=17, percent=50, source=source)
    with pytest.raises(ValueError, match="computed percent needs"):
        TrialReport(finding="sleep trouble", percent=41.2, percent_computed=True, source=source)


def test_a_side_effect_without_a_source_fails_to_load(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "side_effects:\n- id: x\n  name: X\n  frequency: common\n  frequency_basis: because it is so\n"
        "  article_list: common\n  expected_course: fades in a week\n  urgency: expected\n"
        "  what_to_do: nothing at all\n  sources: []\n  review: {reviewed_by: a b, reviewed_on: 2026-11-24}\n"
    )
    with pytest.raises(KnowledgeDataError, match="sources"):
        load_records("s.yaml", SideEffect, key="side_effects", data_dir=tmp_path)


def test_unknown_side_effect_suggests_the_closest():
    with pytest.raises(UnknownSideEffectError) as excinfo:
        resolve_side_effect("nausia")
    assert isinstance(excinfo.value, LookupError)
    assert excinfo.value.suggestions[0] == "nausea"


_NAMES = [(s.id, n) for s in load_side_effects() for n in [s.id, s.name, *s.synonyms]]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_NAMES), st.data())
def test_matching_ignores_case_spaces_and_underscores(entry, data):
    effect_id, name = entry
    sep = data.draw(st.sampled_from([" ", "_", "-", "  ", ""]))
    text = sep.join(name.replace("_", " ").split())
    text = text.upper() if data.draw(st.booleans()) else text.lower()
    assert resolve_side_effect(text).id == effect_id
