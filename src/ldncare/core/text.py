"""Free text that is safe to store and to write out: the one rule for control characters.

People type notes; files and other systems carry them on. A control character in a note
(BEL, ESC, NUL, the C1 range) is never something a person meant to write, breaks files
(FHIR strings forbid every code point below U+0020 except TAB, LF and CR:
https://hl7.org/fhir/R4B/datatypes.html#string) and runs terminal escapes when a CSV file is
printed. Lone UTF-16 surrogates (which JSON's ``\\ud800`` escapes can produce) cannot be
written as UTF-8 at all. So: input is checked with :func:`control_characters` (refused with
a message naming the character) and output goes through :func:`strip_control_characters`,
so nothing already stored is ever written raw.

>>> control_characters("pain \\x07better\\x1b[31m")
['U+0007', 'U+001B']
>>> strip_control_characters("line 1\\nline 2\\x00\\t!")
'line 1\\nline 2\\t!'
"""

from __future__ import annotations

import re

__all__ = ["ALLOWED_CONTROLS", "control_character_message", "control_characters", "strip_control_characters"]

ALLOWED_CONTROLS = "\t\n\r"
"""The only characters below U+0020 that free text may hold (as in FHIR strings)."""

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_characters(text: str) -> list[str]:
    """The forbidden characters of ``text`` as ``U+XXXX``, in order of first appearance (no repeats)."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _FORBIDDEN.findall(text)))


def control_character_message(text: str) -> str | None:
    """A message for people if ``text`` holds a forbidden character, else ``None``."""
    found = control_characters(text)
    if not found:
        return None
    return (f"control character {', '.join(found[:5])} is not allowed in text; allowed: letters, digits, "
            "punctuation, spaces, tabs and line breaks")


def strip_control_characters(text: str) -> str:
    """``text`` without the forbidden characters (TAB, LF and CR stay)."""
    return _FORBIDDEN.sub("", text)
