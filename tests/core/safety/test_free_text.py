"""Free-text triage: red flags before the catalogue, a safety net for the rest, suggestions never milder.

The phrasings below are written the way patients type (first person, typos, slang) and
are kept apart from the vocabulary's own synonyms where possible; each has the minimum
level the answer must reach (red flags) or the level it must stay under (benign effects).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldncare.core.knowledge import load_side_effects
from ldncare.core.safety import OUTCOMES, SEVERITIES, triage_effect, triage_text
from ldncare.core.safety.free_text import MAX_TEXT_CHARS

URGENT, CONTACT = OUTCOMES.index("urgent_care"), OUTCOMES.index("contact_prescriber")
BENIGN_IDS = {e.id for e in load_side_effects() if e.urgency == "expected"}

# (what a patient types, the minimum level) - 70 phrasings
HELD_OUT: list[tuple[str, str]] = [
    ("chest pain", "urgent_care"),
    ("my chest hurts", "urgent_care"),
    ("tightness in my chest when I walk", "urgent_care"),
    ("crushing pressure on my chest", "urgent_care"),
    ("chest feels heavy", "urgent_care"),
    ("I want to die", "urgent_care"),
    ("having suicidal thoughts", "urgent_care"),
    ("thinking about ending my life", "urgent_care"),
    ("I've been cutting myself again", "urgent_care"),
    ("everyone would be better off without me", "urgent_care"),
    ("I don't want to live anymore", "urgent_care"),
    ("had a seizure last night", "urgent_care"),
    ("convulsions", "urgent_care"),
    ("I fainted at work", "urgent_care"),
    ("passed out in the shower", "urgent_care"),
    ("blacked out for a minute", "urgent_care"),
    ("threw up blood", "urgent_care"),
    ("vomiting blood this morning", "urgent_care"),
    ("my vomit looks like coffee grounds", "urgent_care"),
    ("coughing up blood", "urgent_care"),
    ("black tarry poop", "urgent_care"),
    ("my stools are black", "urgent_care"),
    ("can't breathe", "urgent_care"),
    ("cant catch my breath", "urgent_care"),
    ("short of breath", "urgent_care"),
    ("wheezing badly", "urgent_care"),
    ("my tongue is swollen", "urgent_care"),
    ("swelling in my face and lips", "urgent_care"),
    ("my throat feels like it is closing", "urgent_care"),
    ("hives all over my arms", "urgent_care"),
    ("broke out in hives", "urgent_care"),
    ("worst headache of my life", "urgent_care"),
    ("sudden explosive headache", "urgent_care"),
    ("I'm confused and don't know where I am", "urgent_care"),
    ("seeing things that aren't there", "urgent_care"),
    ("hearing voices", "urgent_care"),
    ("my face is drooping on one side", "urgent_care"),
    ("slurred speech", "urgent_care"),
    ("excruciating stomach pain", "urgent_care"),
    ("really bad belly pain, doubled over", "urgent_care"),
    ("my eyes are turning yellow", "urgent_care"),
    ("yellow skin", "urgent_care"),
    ("my pee is dark brown", "urgent_care"),
    ("sweating a lot after my dose", "urgent_care"),
    ("night sweats and yawning", "urgent_care"),
    ("goosebumps and chills", "urgent_care"),
    ("feels like the flu", "urgent_care"),
    ("flu like symptoms since I started", "urgent_care"),
    ("runny nose and stomach cramps", "urgent_care"),
    ("feel dopesick", "urgent_care"),
    ("skin peeling and blistering", "urgent_care"),
    ("pooping blood", "contact_prescriber"),
    ("blood in stool", "contact_prescriber"),
    ("bright red blood when I wipe", "contact_prescriber"),
    ("heart racing", "contact_prescriber"),
    ("my heart is pounding at night", "contact_prescriber"),
    ("palpitations", "contact_prescriber"),
    ("heart skipping beats", "contact_prescriber"),
    ("tremor in my hands", "contact_prescriber"),
    ("shaky hands", "contact_prescriber"),
    ("feeling really depressed", "contact_prescriber"),
    ("hopeless", "contact_prescriber"),
    ("high fever", "contact_prescriber"),
    ("running a temperature of 39", "contact_prescriber"),
    ("stomach pain", "contact_prescriber"),
    ("numbness in my feet", "contact_prescriber"),
    ("blurry vision", "contact_prescriber"),
    ("blood in my urine", "contact_prescriber"),
    ("I'm pregnant", "contact_prescriber"),
    ("my hair is falling out", "contact_prescriber"),  # not known: the safety net
    ("weird metallic taste", "contact_prescriber"),  # not known: the safety net
    ("chset pian", "urgent_care"),  # typos
    ("sezures", "urgent_care"),
    ("halucinations", "urgent_care"),
    ("palpatations", "contact_prescriber"),
]

# Benign effects that must stay below contact_prescriber (moderate, day 5 or mild, day 2).
BENIGN: list[str] = [
    "vivid dreams",
    "really vivid dreams",
    "weird dreams every night",
    "mild headache",
    "slight headache in the evening",
    "headaches since I started",
    "trouble sleeping",
    "I can't sleep",
    "can't fall asleep at night",
    "dry mouth",
    "my mouth is dry",
    "nausea early on",
    "a little nauseous",
    "feeling sick in the morning",
    "tired",
    "a bit dizzy when I stand up",
    "bloated",
    "runny nose",
    "headake",
    "nausia",
]


def test_held_out_list_is_big_enough():
    assert len(HELD_OUT) >= 60


@pytest.mark.parametrize(("text", "minimum"), HELD_OUT)
def test_held_out_phrasings_reach_their_level(text, minimum):
    result = triage_text(text, "moderate", 5)
    assert result.rank >= OUTCOMES.index(minimum), (text, result.outcome, result.red_flags)
    assert result.outcome != "expected_transient"


@pytest.mark.parametrize("text", BENIGN)
@pytest.mark.parametrize(("severity", "days"), [("mild", 2), ("moderate", 5)])
def test_benign_effects_stay_below_contact_prescriber(text, severity, days):
    result = triage_text(text, severity, days)
    assert result.rank < CONTACT, (text, result.outcome, result.red_flags, result.reasons[0].text)
    assert result.side_effect_id in BENIGN_IDS


@pytest.mark.parametrize(
    ("text", "effect"),
    [
        ("sweating", "opioid_withdrawal"),
        ("yawning", "opioid_withdrawal"),
        ("goose bumps", "opioid_withdrawal"),
        ("flu-like symptoms", "opioid_withdrawal"),
        ("runny nose with cramps", "opioid_withdrawal"),
        ("hives", "allergic_reaction"),
        ("swollen lips", "allergic_reaction"),
        ("jaundice", "liver_injury_signs"),
    ],
)
def test_signs_map_to_their_catalogue_emergency(text, effect):
    result = triage_text(text, "mild", 1)
    assert result.side_effect_id == effect
    assert result.outcome == "urgent_care"


def test_the_issue_s_wrong_suggestions_are_gone():
    assert triage_text("blood in stool", "mild", 1).side_effect_id != "diarrhea"
    assert triage_text("severe abdominal pain", "mild", 1).side_effect_id != "bloating"
    assert triage_text("severe abdominal pain", "mild", 1).outcome == "urgent_care"
    for text in ("palpitations", "racing heart"):
        result = triage_text(text, "mild", 1)
        assert result.side_effect_id not in {"anxiety", "euphoria"}
        assert not {"anxiety", "euphoria"} & set(result.suggestions)
    assert triage_text("hives", "mild", 1).rank == URGENT


def test_severity_words_in_the_text_raise_never_lower():
    assert triage_text("unbearable headache", "mild", 2).outcome == "contact_prescriber"
    assert triage_text("mild headache", "severe", 2).outcome == "contact_prescriber"


def test_red_flag_severe_level():
    assert triage_text("blood in stool", "moderate", 2).outcome == "contact_prescriber"
    assert triage_text("blood in stool", "severe", 2).outcome == "urgent_care"


def test_red_flag_wins_over_a_benign_word_in_the_same_text():
    result = triage_text("headache and chest pain", "mild", 2)
    assert result.outcome == "urgent_care"
    assert result.red_flags == ("chest_pain",)
    assert "911" in result.advice


def test_unrecognised_text_gets_the_safety_net():
    result = triage_text("my toenails turned green", "mild", 2)
    assert result.matched_by == "unrecognised"
    assert result.outcome == "contact_prescriber"
    assert "emergency" in result.advice
    assert result.side_effect_id is None
    payload = result.to_json()
    assert payload["outcome"] == "contact_prescriber"
    assert payload["matched_by"] == "unrecognised"
    assert payload["text"] == "my toenails turned green"


def test_known_effect_with_unknown_words_is_reported():
    result = triage_text("headache and my toenails turned green", "mild", 2)
    assert result.outcome == "contact_prescriber"
    assert result.side_effect_id == "headache"
    assert any("toenail" in r.text for r in result.reasons)


def test_suicidal_thoughts_name_crisis_lines():
    result = triage_text("I want to kill myself", "mild", 2)
    assert result.outcome == "urgent_care"
    assert "988" in result.advice
    assert "116 123" in result.advice
    assert any("label" in (s.note or "").lower() for s in result.sources)


@pytest.mark.parametrize(("severity", "days"), [("awful", 1), ("mild", -1), ("mild", 99999), ("mild", 1.5), ("mild", True)])
def test_only_severity_and_days_are_refused(severity, days):
    with pytest.raises(ValueError, match="severity|days"):
        triage_text("headache", severity, days)


def test_catalogue_ids_still_work_and_agree():
    for effect in load_side_effects():
        for severity in SEVERITIES:
            by_id = triage_effect(effect.id, severity, 3)
            by_text = triage_text(effect.name, severity, 3)
            assert by_text.rank >= by_id.rank, (effect.id, severity)


# ---------------------------------------------------------------- properties

_text = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Z")), max_size=60)
_phrases = st.sampled_from([t for t, _ in HELD_OUT] + BENIGN + [e.name for e in load_side_effects()])
_fillers = st.sampled_from(["", "i have ", "since my dose ", "a bit of ", "really ", "today ", "and "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text, st.sampled_from(SEVERITIES), st.integers(0, 60))
def test_any_text_gets_a_result_at_least_contact_prescriber_unless_benign_catalogue(text, severity, days):
    result = triage_text(text, severity, days)
    if result.rank < CONTACT:
        assert result.matched_by == "catalogue"
        assert result.side_effect_id in BENIGN_IDS
        assert not result.red_flags


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_text, _phrases), st.sampled_from(SEVERITIES), st.integers(0, 60))
def test_suggestions_never_lower_the_level(text, severity, days):
    result = triage_text(text, severity, days)
    for suggestion in result.suggestions:
        assert triage_effect(suggestion, severity, days).rank >= result.rank, (text, suggestion)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fillers, st.sampled_from(HELD_OUT), _fillers, st.sampled_from(BENIGN), st.booleans(), st.sampled_from(SEVERITIES))
def test_adding_benign_words_never_lowers_a_red_flag(lead, flagged, join, benign, flagged_first, severity):
    text, minimum = flagged
    combined = f"{lead}{text} {join}{benign}" if flagged_first else f"{lead}{benign} {join}{text}"
    assert triage_text(combined, severity, 4).rank >= OUTCOMES.index(minimum), combined


def test_long_text_is_read_not_refused():
    assert triage_text("headache " * 100 + "chest pain", "mild", 1).outcome == "urgent_care"
    cut = triage_text("headache " * 300 + "chest pain", "mild", 1)
    assert cut.rank >= CONTACT
    assert len(cut.text) == MAX_TEXT_CHARS
    assert any("not read" in r.text for r in cut.reasons)


def test_a_duration_in_the_text_lengthens_days_never_shortens():
    assert triage_text("diarrhea for 3 weeks", "moderate", 5).outcome == "contact_prescriber"
    assert triage_text("headache for 2 days", "mild", 20).days == 20


@pytest.mark.parametrize("text", ["pain spreading to my left arm and jaw", "I can barely breathe", "I'm thinking of ending it all",
                                  "I don't see the point in living", "can't move my arm"])
def test_more_emergencies_in_patient_words(text):
    assert triage_text(text, "mild", 1).outcome == "urgent_care"
