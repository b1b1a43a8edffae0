"""Control characters in free text: found on input, stripped on output (one rule, ldncare.core.text)."""

from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.text import (
    control_character_message,
    control_characters,
    strip_control_characters,
)


def test_tab_line_breaks_and_ordinary_text_are_allowed():
    text = "Pain 4/10 \u2013 better;\tslept\r\nwell \u00e9\u4e2d\U0001f600"
    assert control_characters(text) == []
    assert control_character_message(text) is None
    assert strip_control_characters(text) == text


def test_c0_del_c1_and_lone_surrogates_are_named_and_stripped():
    text = "a\x00b\x07c\x1b[31md\x7fe\x85f\ud800g"
    assert control_characters(text) == ["U+0000", "U+0007", "U+001B", "U+007F", "U+0085", "U+D800"]
    assert strip_control_characters(text) == "abc[31mdefg"
    assert "U+0000" in control_character_message(text)


@given(st.text())
def test_stripped_text_has_no_control_characters_and_encodes_as_utf8(text):
    clean = strip_control_characters(text)
    assert control_characters(clean) == []
    clean.encode("utf-8")
    assert strip_control_characters(clean) == clean
