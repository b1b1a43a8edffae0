"""The stylesheet's colour pairs meet WCAG 2.1 AA contrast (4.5:1 for text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "src/ldncare/web/static/ldncare/site.css"


def _colours() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_a_known_value():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg"), [
    ("ink", "paper"), ("muted", "paper"), ("muted", "tint"), ("accent", "paper"), ("accent", "tint"),
    ("accent-ink", "accent"), ("warn", "warn-bg"), ("danger", "paper"), ("ink", "warn-bg"), ("ok", "paper"),
])
def test_text_colours_meet_aa(fg, bg):
    colours = _colours()
    assert contrast(colours[fg], colours[bg]) >= 4.5


def _dark_colours() -> dict[str, str]:
    block = re.search(r"@media \(prefers-color-scheme: dark\)\s*{\s*:root\s*{(.*?)}", CSS.read_text(), re.S).group(1)
    return _colours() | dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


@pytest.mark.parametrize(("fg", "bg"), [
    ("ink", "paper"), ("muted", "paper"), ("muted", "tint"), ("accent", "paper"), ("accent", "tint"),
    ("accent-ink", "accent"), ("warn", "warn-bg"), ("danger", "paper"), ("ink", "warn-bg"), ("ok", "paper"),
    ("ink", "tint"), ("danger", "tint"),
])
def test_dark_mode_text_colours_meet_aa(fg, bg):
    colours = _dark_colours()
    assert contrast(colours[fg], colours[bg]) >= 4.5
