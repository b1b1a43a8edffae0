"""The LDN diary: one row per day, read from and written to CSV with exact error messages.

A diary file is validated as a whole: every problem is collected with its line and column,
and a file with any problem raises :class:`DiaryFormatError` (nothing is analysed from it).
The format is documented in ``docs/diary-format.md``.

>>> text = "date,ldn_dose_mg,dose_time,phase,pain,side_effects\\n"
>>> text += "2026-01-01,,,baseline,6,\\n2026-01-02,1.5,22:00,titration,5,vivid dreams:mild\\n"
>>> diary = parse_diary(text)
>>> [d.scores["pain"] for d in diary.days]
[6.0, 5.0]
>>> diary.days[1].side_effects
(('vivid_dreams', 'mild'),)
>>> parse_diary("date,pain\\n2026-01-01,11\\n")
Traceback (most recent call last):
...
ldncare.core.response.diary.DiaryFormatError: 1 problem in the diary: line 2, column 2 (pain): score 11 is out of range; allowed: a number from 0 to 10, or blank
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from ldncare.core.response.side_effect_names import UnknownSideEffectName, resolve_side_effect_id
from ldncare.core.text import control_character_message, strip_control_characters

__all__ = [
    "CORE_OUTCOMES",
    "DIARY_COLUMNS",
    "EARLIEST_DIARY_DATE",
    "FACTOR_PREFIX",
    "MAX_FACTOR_VALUE",
    "MAX_NOTE_CHARS",
    "MAX_SYMPTOM_CHARS",
    "OUTCOME_PREFIX",
    "PHASES",
    "SEVERITIES",
    "Diary",
    "DiaryDay",
    "DiaryError",
    "DiaryFormatError",
    "diary_date_problem",
    "format_diary",
    "latest_diary_date",
    "parse_diary",
    "parse_period_label",
    "read_diary",
    "symptom_problems",
    "write_diary",
]

PHASES = ("baseline", "titration", "maintenance")
SEVERITIES = ("mild", "moderate", "severe")
CORE_OUTCOMES = ("pain", "fatigue", "sleep_quality", "mood")
DIARY_COLUMNS = ("date", "ldn_dose_mg", "dose_time", "phase", *CORE_OUTCOMES, "pgic", "side_effects", "symptom",
                 "symptom_severity", "notes")
MAX_DOSE_MG = 50.0
MAX_REPORTED_ERRORS = 20
MAX_NOTE_CHARS = 2000
"""The longest note of one day (characters), as the check-in page and the API allow."""
MAX_SYMPTOM_CHARS = 200
"""The longest symptom in the person's own words ("Something else?") of one day (characters)."""
EARLIEST_DIARY_DATE = dt.date(2000, 1, 1)
"""The earliest day a check-in may have, as the check-in page and the API allow."""
_EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))

_PERIOD = re.compile(r"^period\s*(\d{1,2})\s*,?\s*bottle\s*([A-Za-z])$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_]*$|^(outcome|factor):[a-z0-9][a-z0-9_]*$")
OUTCOME_PREFIX = "outcome:"
"""A person's own 0-10 outcome: column ``outcome:<name>`` (e.g. ``outcome:brain_fog``)."""
FACTOR_PREFIX = "factor:"
"""A person's own factor: column ``factor:<name>``, a number (yes/no as 1/0, a count, minutes, hours, a 0-10
level; ``yes``/``no`` are read as 1/0)."""
MAX_FACTOR_VALUE = 1_000_000.0


def parse_period_label(text: str) -> tuple[int, str] | None:
    """``"period 2, bottle B"`` → ``(2, "B")``; anything else → ``None``.

    >>> parse_period_label("Period 3, bottle c")
    (3, 'C')
    >>> parse_period_label("maintenance") is None
    True
    """
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    return int(match.group(1)), match.group(2).upper()


def latest_diary_date(now: dt.datetime | None = None) -> dt.date:
    """The latest day a check-in may have: today where the day starts first (UTC+14).

    A diary day is the patient's local date; taking the earliest time zone on Earth never
    refuses a patient's real "today", and refuses every day that has not begun anywhere.

    >>> latest_diary_date(dt.datetime(2026, 3, 1, 11, 0, tzinfo=dt.UTC))
    datetime.date(2026, 3, 2)
    """
    return (now or dt.datetime.now(dt.UTC)).astimezone(_EARLIEST_ZONE).date()


def diary_date_problem(day: dt.date, *, latest: dt.date) -> str | None:
    """Why ``day`` cannot be a check-in day (before 2000, or after ``latest``), else ``None``.

    >>> diary_date_problem(dt.date(1, 1, 1), latest=dt.date(2026, 3, 1))
    'day 0001-01-01 is before 2000-01-01; allowed: a day from 2000-01-01 to 2026-03-01'
    >>> diary_date_problem(dt.date(2026, 3, 1), latest=dt.date(2026, 3, 1)) is None
    True
    """
    if EARLIEST_DIARY_DATE <= day <= latest:
        return None
    where = "before 2000-01-01" if day < EARLIEST_DIARY_DATE else "in the future"
    return f"day {day.isoformat()} is {where}; allowed: a day from 2000-01-01 to {latest.isoformat()}"


def symptom_problems(text: str, severity: str | None) -> dict[str, str]:
    """What is wrong with a day's symptom in the person's own words, by field (``symptom``,
    ``symptom_severity``); empty when it can be stored. ``text`` is compared stripped: no text and
    no severity is no symptom. The one rule for the check-in page, the API and diary files.

    >>> symptom_problems("crushing chest pain", "moderate")
    {}
    >>> symptom_problems("chest pain", None)
    {'symptom_severity': 'say how bad it is: mild, moderate or severe'}
    >>> symptom_problems("pain\\x07", "mild")["symptom"][:29]
    'control character U+0007 is n'
    """
    text = text.strip()
    problems: dict[str, str] = {}
    if (problem := control_character_message(text)) is not None:
        problems["symptom"] = problem
    elif len(text) > MAX_SYMPTOM_CHARS:
        problems["symptom"] = f"the symptom has {len(text)} characters; allowed: at most {MAX_SYMPTOM_CHARS}"
    if text and severity not in SEVERITIES:
        problems["symptom_severity"] = ("say how bad it is: mild, moderate or severe" if not severity else
                                        f"unknown severity {severity!r}; allowed: mild, moderate or severe")
    elif not text and severity:
        problems["symptom"] = "describe the symptom, or leave its severity empty"
    return problems


def _period_label(number: int, bottle: str) -> str:
    return f"period {number}, bottle {bottle}"


@dataclass(frozen=True, slots=True)
class DiaryDay:
    """One check-in. ``scores`` maps outcome → value (0-10); missing outcomes are absent."""

    date: dt.date
    ldn_dose_mg: float | None = None
    dose_time: dt.time | None = None
    phase: str | None = None
    scores: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    pgic: int | None = None
    side_effects: tuple[tuple[str, str], ...] = ()
    notes: str = ""
    factors: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    symptom: str = ""  # in the person's own words ("Something else?"), as typed
    symptom_severity: str | None = None  # mild, moderate or severe; set exactly when ``symptom`` is

    def __post_init__(self) -> None:
        if not isinstance(self.scores, MappingProxyType):
            object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))
        if not isinstance(self.factors, MappingProxyType):
            object.__setattr__(self, "factors", MappingProxyType(dict(self.factors)))


@dataclass(frozen=True, slots=True)
class Diary:
    """A validated diary: days sorted by date, and the outcome columns it records."""

    days: tuple[DiaryDay, ...]
    outcomes: tuple[str, ...] = CORE_OUTCOMES
    factors: tuple[str, ...] = ()  # ``factor:<name>`` columns, in the file's order

    @property
    def first_date(self) -> dt.date:
        return self.days[0].date

    @property
    def last_date(self) -> dt.date:
        return self.days[-1].date


@dataclass(frozen=True, slots=True)
class DiaryError:
    """One problem in a diary file: where (line, column number and name) and what."""

    line: int
    column: int | None
    column_name: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column} ({self.column_name})"
        return f"{where}: {self.message}"


class DiaryFormatError(ValueError):
    """A diary file failed validation; ``.errors`` holds every problem found."""

    def __init__(self, errors: list[DiaryError], limit: int = MAX_REPORTED_ERRORS) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:limit])
        more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(f"{len(errors)} {noun} in the diary: {shown}{more}")


def read_diary(path: str | Path) -> Diary:
    """Read and validate a diary CSV file (UTF-8, a header row, one row per day)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiaryFormatError([DiaryError(1, None, None, f"not UTF-8 text ({exc.reason})")]) from None
    return parse_diary(text)


def parse_diary(text: str) -> Diary:
    """Parse and validate diary CSV text; raises :class:`DiaryFormatError` listing all problems."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # e.g. a field over the csv module's 128 kB limit
        raise DiaryFormatError([DiaryError(1, None, None, f"not a CSV file the diary can read ({exc}); "
                                                          f"allowed: notes of at most {MAX_NOTE_CHARS} characters")]) from None
    errors: list[DiaryError] = []
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DiaryFormatError([DiaryError(1, None, None, "empty file; expected a header row starting with 'date'")])
    header = [h.strip().lower() for h in rows[0]]
    for number, name in enumerate(header, start=1):
        if not _COLUMN_NAME.match(name):
            errors.append(DiaryError(1, number, name or "(blank)", "column names are lowercase letters, digits and _"))
        elif header.count(name) > 1 and header.index(name) != number - 1:
            errors.append(DiaryError(1, number, name, "duplicate column"))
    if "date" not in header:
        errors.append(DiaryError(1, None, None, f"no 'date' column; columns allowed: {', '.join(DIARY_COLUMNS)} and extra 0-10 outcome columns"))
    if errors:
        raise DiaryFormatError(errors)
    extra = [h for h in header if h not in DIARY_COLUMNS and not h.startswith(FACTOR_PREFIX)]
    outcomes = tuple(h for h in header if h in CORE_OUTCOMES) + tuple(extra)
    factors = tuple(h for h in header if h.startswith(FACTOR_PREFIX))

    days: list[DiaryDay] = []
    seen: dict[dt.date, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are allowed
        if len(row) > len(header):
            errors.append(DiaryError(line, None, None, f"{len(row)} fields but the header has {len(header)}"))
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        day = _parse_row(line, header, cells, outcomes, errors, factors)
        if day is None:
            continue
        if day.date in seen:
            errors.append(DiaryError(line, header.index("date") + 1, "date",
                                     f"duplicate date {day.date.isoformat()} (first on line {seen[day.date]}); one row per day"))
            continue
        seen[day.date] = line
        days.append(day)
    if errors:
        raise DiaryFormatError(errors)
    if not days:
        raise DiaryFormatError([DiaryError(2, None, None, "no diary days after the header")])
    days.sort(key=lambda d: d.date)
    return Diary(days=tuple(days), outcomes=outcomes, factors=factors)


def _parse_row(line: int, header: list[str], cells: dict[str, str], outcomes: tuple[str, ...],
               errors: list[DiaryError], factor_columns: tuple[str, ...] = ()) -> DiaryDay | None:
    n_before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(DiaryError(line, header.index(column) + 1, column, message))

    date = None
    try:
        date = dt.date.fromisoformat(cells["date"])
    except ValueError:
        err("date", f"{cells['date']!r} is not a date; allowed: an ISO date YYYY-MM-DD")

    dose = None
    if cells.get("ldn_dose_mg"):
        try:
            dose = float(cells["ldn_dose_mg"])
            if not math.isfinite(dose) or dose < 0 or dose > MAX_DOSE_MG:
                raise ValueError
        except ValueError:
            err("ldn_dose_mg", f"{cells['ldn_dose_mg']!r} is not a dose; allowed: a number of mg from 0 to {MAX_DOSE_MG:g}, or blank for no dose")
            dose = None

    dose_time = None
    if cells.get("dose_time"):
        match = _TIME.match(cells["dose_time"])
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            dose_time = dt.time(int(match.group(1)), int(match.group(2)))
        else:
            err("dose_time", f"{cells['dose_time']!r} is not a time; allowed: HH:MM (24-hour), or blank")

    phase = None
    if cells.get("phase"):
        raw = cells["phase"].lower()
        if raw in PHASES:
            phase = raw
        elif (period := parse_period_label(cells["phase"])) is not None:
            phase = _period_label(*period)
        else:
            err("phase", f"unknown phase {cells['phase']!r}; allowed: {', '.join(PHASES)}, a blinded label like 'period 1, bottle A', or blank")

    scores: dict[str, float] = {}
    for name in outcomes:
        value = cells.get(name, "")
        if not value:
            continue
        try:
            score = float(value)
            if not (0 <= score <= 10):
                raise ValueError
        except ValueError:
            shown = value if _looks_numeric(value) else repr(value)
            err(name, f"score {shown} is out of range; allowed: a number from 0 to 10, or blank"
                if _looks_numeric(value) else f"score {shown} is not a number; allowed: a number from 0 to 10, or blank")
            continue
        scores[name] = score

    factors: dict[str, float] = {}
    for name in factor_columns:
        value = cells.get(name, "")
        if not value:
            continue
        number = {"yes": 1.0, "no": 0.0}.get(value.lower())
        if number is None:
            try:
                number = float(value)
                if not math.isfinite(number) or not (0 <= number <= MAX_FACTOR_VALUE):
                    raise ValueError
            except ValueError:
                err(name, f"factor {value!r} is not allowed; allowed: a number from 0 to {MAX_FACTOR_VALUE:,.0f} "
                          "(yes/no as 1/0 or yes/no, a count, minutes, hours, a 0-10 level), or blank")
                continue
        factors[name] = number

    pgic = None
    if cells.get("pgic"):
        value = cells["pgic"]
        if value.isdigit() and 1 <= int(value) <= 7:
            pgic = int(value)
        else:
            err("pgic", f"PGIC {value!r} is not allowed; allowed: a whole number from 1 (very much improved) to 7 (very much worse), or blank")

    side_effects: list[tuple[str, str]] = []
    if cells.get("side_effects"):
        for item in cells["side_effects"].split(";"):
            item = item.strip()
            if not item:
                continue
            name, _, severity = item.rpartition(":")
            if not name:
                name, severity = severity, ""
            severity = severity.strip().lower()
            if severity not in SEVERITIES:
                err("side_effects", f"{item!r} needs a severity; allowed: name:mild, name:moderate or name:severe, separated by ';'")
                continue
            try:
                side_effect_id = resolve_side_effect_id(name)
            except UnknownSideEffectName as exc:
                hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
                err("side_effects", f"unknown side effect {name.strip()!r}{hint} (names from the knowledge data)")
                continue
            if any(existing == side_effect_id for existing, _ in side_effects):
                err("side_effects", f"side effect {side_effect_id!r} listed twice on one day")
                continue
            side_effects.append((side_effect_id, severity))

    symptom, symptom_severity = cells.get("symptom", ""), cells.get("symptom_severity", "").lower() or None
    for column, problem in symptom_problems(symptom, symptom_severity).items():
        err(column if column in header else "symptom", problem)

    notes = cells.get("notes", "")
    if (problem := control_character_message(notes)) is not None:
        err("notes", problem)
    elif len(notes) > MAX_NOTE_CHARS:
        err("notes", f"the note has {len(notes)} characters; allowed: at most {MAX_NOTE_CHARS}")

    if len(errors) > n_before or date is None:
        return None
    return DiaryDay(date=date, ldn_dose_mg=dose, dose_time=dose_time, phase=phase, scores=scores,
                    pgic=pgic, side_effects=tuple(side_effects), notes=notes, factors=factors,
                    symptom=symptom, symptom_severity=symptom_severity if symptom else None)


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _format_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def format_diary(diary: Diary | Iterable[DiaryDay]) -> str:
    """The diary as CSV text in the documented column order (round-trips through :func:`parse_diary`).

    Control characters in notes and symptoms are left out (:func:`ldncare.core.text.strip_control_characters`).
    The ``symptom`` and ``symptom_severity`` columns are written when a day has a symptom in the person's words.
    """
    if isinstance(diary, Diary):
        days, outcomes, factors = diary.days, diary.outcomes, diary.factors
    else:
        days = tuple(diary)
        seen = {name for d in days for name in d.scores}
        outcomes = tuple(o for o in CORE_OUTCOMES) + tuple(sorted(seen - set(CORE_OUTCOMES)))
        factors = tuple(sorted({name for d in days for name in d.factors}))
    extra = [o for o in outcomes if o not in CORE_OUTCOMES]
    symptoms = ["symptom", "symptom_severity"] if any(d.symptom for d in days) else []  # only when one was typed
    header = ["date", "ldn_dose_mg", "dose_time", "phase", *CORE_OUTCOMES, *extra, *factors, "pgic", "side_effects",
              *symptoms, "notes"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for d in days:
        writer.writerow([
            d.date.isoformat(),
            _format_number(d.ldn_dose_mg),
            d.dose_time.strftime("%H:%M") if d.dose_time else "",
            d.phase or "",
            *(_format_number(d.scores.get(o)) for o in (*CORE_OUTCOMES, *extra)),
            *(_format_number(d.factors.get(f)) for f in factors),
            "" if d.pgic is None else str(d.pgic),
            ";".join(f"{name}:{severity}" for name, severity in d.side_effects),
            *((strip_control_characters(d.symptom), d.symptom_severity or "") if symptoms else ()),
            strip_control_characters(d.notes),  # never written raw (ldncare.core.text)
        ])
    return buffer.getvalue()


def write_diary(diary: Diary | Iterable[DiaryDay], path: str | Path) -> Path:
    """Write the diary as CSV to ``path``; returns the path."""
    path = Path(path)
    path.write_text(format_diary(diary), encoding="utf-8")
    return path
