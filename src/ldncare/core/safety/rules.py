"""Safety rules as data: level, wording, thresholds and sources of every finding.

``core/safety/data/rules.yaml`` holds the screen rules (``screen:``) and the triage rules
(``triage:``). Code decides *when* a rule fires; what it says, how serious it is and where
that comes from live in the data, each rule with its sources and review stamp.

>>> rule = screen_rule("surgery-planned")
>>> rule.level, rule.params["stop_days_before"]
('caution', 2.0)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = [
    "LEVELS",
    "RULES_DIR",
    "RULES_FILE",
    "Level",
    "Rule",
    "load_screen_rules",
    "load_triage_rules",
    "screen_rule",
    "triage_rule",
]

RULES_DIR = Path(__file__).resolve().parent / "data"
RULES_FILE = "rules.yaml"

Level = Literal["contraindicated", "caution", "info"]
#: Levels from most to least serious; a screen's verdict is the first one present (else "ok").
LEVELS: tuple[str, ...] = ("contraindicated", "caution", "info")


class Rule(SourcedRecord):
    """One rule: its level, plain-language message and action templates, and thresholds."""

    level: Level | None = Field(default=None, description="screen rules: the finding's level")
    title: str = Field(min_length=3)
    message: str = Field(min_length=10, description="template; {placeholders} filled by the code")
    action: str = Field(min_length=10)
    requires_condition: str | None = Field(default=None, description="fires only with this condition id")
    otherwise: str | None = Field(default=None, description="rule id that fires instead when the condition is missing")
    params: dict[str, float] = Field(default_factory=dict, description="thresholds used by the code")
    effects: list[str] = Field(default_factory=list, description="triage rules: side-effect ids it applies to")


@cache
def load_screen_rules() -> dict[str, Rule]:
    """The screen rules by id."""
    return {r.id: r for r in load_records(RULES_FILE, Rule, key="screen", data_dir=RULES_DIR)}


@cache
def load_triage_rules() -> dict[str, Rule]:
    """The triage rules by id."""
    return {r.id: r for r in load_records(RULES_FILE, Rule, key="triage", data_dir=RULES_DIR)}


def screen_rule(rule_id: str) -> Rule:
    """The screen rule with this id (``KeyError`` if none)."""
    return load_screen_rules()[rule_id]


def triage_rule(rule_id: str) -> Rule:
    """The triage rule with this id (``KeyError`` if none)."""
    return load_triage_rules()[rule_id]
