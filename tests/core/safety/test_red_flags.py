"""The red-flag vocabulary: sourced, consistent with the catalogue, and matching its own names."""

from __future__ import annotations

import pytest

from ldncare.core.knowledge import load_side_effects
from ldncare.core.safety import load_red_flags, match_red_flags
from ldncare.core.safety.red_flags import red_flag

FLAGS = load_red_flags()


def test_every_flag_is_sourced_and_reviewed():
    assert len(FLAGS) >= 25
    for flag in FLAGS:
        assert flag.sources, flag.id
        assert flag.review.reviewed_by, flag.id
        assert flag.level in {"urgent_care", "contact_prescriber"}


def test_urgent_flags_give_the_emergency_line():
    for flag in FLAGS:
        if flag.level == "urgent_care" or flag.severe_level == "urgent_care":
            assert "911" in flag.action or "care now" in flag.action or "urgent care" in flag.action, flag.id


@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.id)
def test_each_flag_matches_its_own_name(flag):
    found = {m.flag.id for m in match_red_flags(flag.name)}
    assert flag.id in found or any(red_flag(i).level == "urgent_care" for i in found), (flag.id, found)


def test_benign_catalogue_names_are_not_red_flags():
    benign = [e for e in load_side_effects() if e.urgency == "expected"]
    for effect in benign:
        for name in (effect.name, *effect.synonyms):
            assert not match_red_flags(name), (effect.id, name, [m.flag.id for m in match_red_flags(name)])


def test_urgent_catalogue_entries_are_linked():
    linked = {f.side_effect for f in FLAGS if f.side_effect}
    assert {"allergic_reaction", "opioid_withdrawal", "liver_injury_signs"} <= linked


def test_label_warning_on_depression_and_suicidality_is_cited():
    for flag_id in ("suicidal_thoughts", "depression"):
        notes = " ".join(s.note or "" for s in red_flag(flag_id).sources)
        assert "dailymed" in " ".join(s.url or "" for s in red_flag(flag_id).sources)
        assert "suicid" in notes.lower()
