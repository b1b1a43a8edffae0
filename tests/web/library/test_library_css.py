"""Every text/background colour pair of the library stylesheet meets WCAG 2.1 AA (4.5:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[3] / "src/ldncare/web/library/static/library/library.css"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _pairs() -> list[tuple[str, str, str]]:
    """(selector, colour, background) of every rule that sets both; colour alone is checked on white."""
    pairs = []
    for selector, body in _RULE.findall(CSS.read_text()):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", body)
        background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", body)
        if colour:
            pairs.append((selector.strip(), colour.group(1), background.group(1) if background else "#ffffff"))
    return pairs


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


def test_the_stylesheet_has_colour_rules():
    assert len(_pairs()) >= 8


@pytest.mark.parametrize(("selector", "fg", "bg"), _pairs())
def test_text_colours_meet_aa(selector, fg, bg):
    assert contrast(fg, bg) >= 4.5, selector
