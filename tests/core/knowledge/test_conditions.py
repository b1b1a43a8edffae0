from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.knowledge import (
    Condition,
    KnowledgeDataError,
    UnknownConditionError,
    load_conditions,
    resolve_condition,
)
from ldncare.core.knowledge.records import load_records

with warnings.catch_warnings():  # the package reads its data with importlib.resources' legacy API
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as cm

CONTRACT_IDS = {
    "crohns-disease", "ulcerative-colitis", "multiple-sclerosis", "systemic-sclerosis",
    "hashimotos-thyroiditis", "fibromyalgia", "autism", "neuropathic-pain", "depression",
    "complex-regional-pain-syndrome", "me-cfs", "rheumatoid-arthritis", "long-covid",
}  # fmt: skip


def test_every_contract_condition_is_present_once():
    ids = [c.id for c in load_conditions()]
    assert set(ids) == CONTRACT_IDS
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("condition", load_conditions(), ids=lambda c: c.id)
def test_every_icd10_code_is_a_valid_icd10cm_code(condition):
    for code in condition.icd10:
        assert re.fullmatch(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", code), code
        assert cm.is_valid_item(code), f"{condition.id}: {code} is not in ICD-10-CM"


@pytest.mark.parametrize("condition", load_conditions(), ids=lambda c: c.id)
def test_every_condition_is_sourced_and_reviewed(condition):
    assert condition.sources
    assert all(s.url for s in condition.sources)
    assert condition.review.reviewed_by
    assert condition.review.reviewed_on


def test_the_first_code_names_the_condition_in_icd10cm():
    """The primary code is the right disease, not just any valid code."""
    expected = {
        "crohns-disease": "Crohn", "ulcerative-colitis": "Ulcerative colitis", "multiple-sclerosis": "Multiple sclerosis",
        "systemic-sclerosis": "Systemic sclerosis", "hashimotos-thyroiditis": "Autoimmune thyroiditis",
        "fibromyalgia": "Fibromyalgia", "autism": "Autistic", "neuropathic-pain": "Neuralgia",
        "depression": "depressive", "complex-regional-pain-syndrome": "Complex regional pain syndrome",
        "me-cfs": "Myalgic encephalomyelitis", "rheumatoid-arthritis": "Rheumatoid arthritis", "long-covid": "Post COVID-19",
    }  # fmt: skip
    for condition in load_conditions():
        assert expected[condition.id] in cm.get_description(condition.icd10[0]), condition.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crohns", "crohns-disease"), ("Crohn's disease", "crohns-disease"), ("Crohn disease", "crohns-disease"),
        ("CROHN’S", "crohns-disease"), ("pediatric Crohn's disease", "crohns-disease"), ("MS", "multiple-sclerosis"),
        ("scleroderma", "systemic-sclerosis"), ("Hashimoto", "hashimotos-thyroiditis"), ("Hashimotos disease", "hashimotos-thyroiditis"),
        ("ASD", "autism"), ("painful diabetic neuropathy", "neuropathic-pain"), ("MDD", "depression"), ("CRPS", "complex-regional-pain-syndrome"),
        ("ME/CFS", "me-cfs"), ("chronic fatigue syndrome", "me-cfs"), ("RA", "rheumatoid-arthritis"), ("PASC", "long-covid"),
        ("long-covid", "long-covid"), ("UC", "ulcerative-colitis"),
    ],
)  # fmt: skip
def test_people_can_type_what_they_call_it(text, expected):
    assert resolve_condition(text).id == expected


def test_unknown_condition_suggests_the_closest_ids():
    with pytest.raises(UnknownConditionError) as excinfo:
        resolve_condition("fibromyalga")
    assert isinstance(excinfo.value, LookupError)
    assert excinfo.value.suggestions[0] == "fibromyalgia"
    assert "fibromyalgia" in str(excinfo.value)


def test_unrelated_text_has_no_suggestions_but_lists_known_ids():
    with pytest.raises(UnknownConditionError) as excinfo:
        resolve_condition("xylophone")
    assert excinfo.value.suggestions == []
    assert "crohns-disease" in str(excinfo.value)


_NAMES = [(c.id, name) for c in load_conditions() for name in [c.id, c.name, *c.synonyms]]


def _scramble(name: str, data) -> str:
    out = []
    for ch in name:
        if ch in "'’":
            out.append(data.draw(st.sampled_from(["'", "’", ""])))
        elif ch == " " or ch == "-":
            out.append(data.draw(st.sampled_from([" ", "  ", "-", "_", ""])))
        else:
            out.append(ch.upper() if data.draw(st.booleans()) else ch.lower())
    pad = data.draw(st.sampled_from(["", " ", "  "]))
    return pad + "".join(out) + pad


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_NAMES), st.data())
def test_matching_ignores_case_apostrophes_and_spacing(entry, data):
    condition_id, name = entry
    assert resolve_condition(_scramble(name, data)).id == condition_id


def test_a_condition_without_a_source_fails_to_load(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "conditions:\n- id: x\n  name: X disease\n  icd10: [K50.90]\n  category: inflammatory\n"
        "  description: A description long enough to pass.\n  sources: []\n"
        "  review: {reviewed_by: a b, reviewed_on: 2026-11-24}\n"
    )
    with pytest.raises(KnowledgeDataError, match="sources"):
        load_records("c.yaml", Condition, key="conditions", data_dir=tmp_path)


def test_undotted_icd_codes_are_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "conditions:\n- id: x\n  name: X disease\n  icd10: [K5090]\n  category: inflammatory\n"
        "  description: A description long enough to pass.\n  sources: [{pmid: '1'}]\n"
        "  review: {reviewed_by: a b, reviewed_on: 2026-11-24}\n"
    )
    with pytest.raises(KnowledgeDataError, match="dotted form"):
        load_records("c.yaml", Condition, key="conditions", data_dir=tmp_path)
