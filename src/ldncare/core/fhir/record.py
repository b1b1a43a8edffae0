"""What goes into a FHIR bundle and what comes back out: the patient's LDN record.

:class:`PatientRecord` holds the parts ldncare exchanges: a pseudonym, the conditions
(ldncare id + ICD-10-CM code), the prescribed titration (:class:`PrescribedPlan`, the fields
of ``ldncare plan --json`` that a prescription carries), the diary and the blinded-trial
design (never its allocation key). Export and import are exact inverses on these fields.

>>> import datetime as dt
>>> from ldncare.core.dosing import build_plan
>>> plan = PrescribedPlan.from_plan(build_plan("article", start_date=dt.date(2026, 12, 1)))
>>> [str(s.dose_mg) for s in plan.steps], plan.to_json()["target_mg"]
(['1.5', '3', '4.5'], 4.5)
>>> PrescribedPlan.from_json(plan.to_json()) == plan
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationError, field_validator

from ldncare.core.dosing import DosingStep, Plan
from ldncare.core.dosing.plan import PlanError, to_decimal
from ldncare.core.fhir.codes import InvalidCodeError, check_icd10cm, is_billable_icd10cm
from ldncare.core.knowledge import resolve_condition
from ldncare.core.knowledge.records import Record
from ldncare.core.response import Diary, TrialDesign
from ldncare.core.response.trial import KEY_KIND
from ldncare.core.text import control_character_message

__all__ = [
    "MAX_OTHER_CONDITIONS",
    "MAX_OTHER_CONDITION_CHARS",
    "ConditionEntry",
    "PatientRecord",
    "PlanFormatError",
    "PlanStep",
    "PrescribedPlan",
    "condition_entry",
    "other_condition_problem",
    "trial_design_from_json",
]


MAX_OTHER_CONDITIONS = 10
"""At most this many conditions beyond ldncare's library per person ("other condition")."""
MAX_OTHER_CONDITION_CHARS = 100
"""An other condition, in the person's words, has 2 to this many characters."""


def other_condition_problem(text: str) -> str | None:
    """Why ``text`` cannot be an other condition (what is allowed), or ``None``."""
    if (problem := control_character_message(text)) is not None:
        return problem
    if any(ch in text for ch in "\t\n\r"):
        return "one condition per line; allowed: letters, digits, punctuation and spaces"
    if not 2 <= len(text.strip()) <= MAX_OTHER_CONDITION_CHARS or text != text.strip():
        return f"{len(text.strip())} characters; allowed: 2 to {MAX_OTHER_CONDITION_CHARS} (no spaces around)"
    return None


class PlanFormatError(ValueError):
    """A plan JSON document that is not what ``ldncare plan --json`` prints."""


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _opt(value: Decimal | None) -> int | float | None:
    return None if value is None else _num(value)


class PlanStep(Record):
    """One step of a prescription: a daily dose from ``start_date`` to ``end_date`` (inclusive).

    A :class:`~ldncare.core.dosing.DosingStep` always has an end, a volume and (if measurable)
    a syringe; a plan entered by hand may leave the last step open (``end_date`` None) and
    give no volume.
    """

    start_date: dt.date
    end_date: dt.date | None = None
    dose_mg: Decimal = Field(gt=0)
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="time of day, HH:MM (24 h)")
    volume_ml: Decimal | None = Field(default=None, gt=0)
    device: str | None = None
    device_name: str | None = None

    @classmethod
    def from_step(cls, step: DosingStep) -> PlanStep:
        """The prescription fields of a dosing step."""
        return cls(start_date=step.start_date, end_date=step.end_date, dose_mg=step.dose_mg, time=step.time,
                   volume_ml=step.volume_ml, device=step.device, device_name=step.device_name)


class PrescribedPlan(Record):
    """The prescription part of a titration :class:`~ldncare.core.dosing.Plan`."""

    protocol: str
    protocol_name: str | None = None
    target_mg: Decimal = Field(gt=0)
    max_mg: Decimal | None = Field(default=None, gt=0)
    concentration_mg_per_ml: Decimal | None = Field(default=None, gt=0)
    timing: str | None = None
    weight_kg: Decimal | None = None
    steps: tuple[PlanStep, ...] = Field(min_length=1)

    @classmethod
    def from_plan(cls, plan: Plan) -> PrescribedPlan:
        """The prescription fields of a plan built by :func:`ldncare.core.dosing.build_plan`."""
        return cls(protocol=plan.protocol, protocol_name=plan.protocol_name, target_mg=plan.target_mg,
                   max_mg=plan.max_mg, concentration_mg_per_ml=plan.concentration_mg_per_ml,
                   timing=plan.timing, weight_kg=plan.weight_kg,
                   steps=tuple(PlanStep.from_step(step) for step in plan.steps))

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> PrescribedPlan:
        """Read the JSON that ``ldncare plan --json`` prints; :class:`PlanFormatError` if it is not."""
        if not isinstance(payload, Mapping):
            raise PlanFormatError("a plan is a JSON object as printed by 'ldncare plan --json'")
        missing = [k for k in ("protocol", "target_mg", "steps") if k not in payload]
        if missing:
            raise PlanFormatError(f"plan JSON lacks {', '.join(missing)}; allowed: the output of 'ldncare plan --json'")
        try:
            steps = []
            for i, step in enumerate(payload["steps"]):
                if not isinstance(step, Mapping):
                    raise PlanFormatError(f"steps[{i}] is not an object")
                volume = step.get("volume_ml")
                steps.append(PlanStep(
                    start_date=step.get("start_date"), end_date=step.get("end_date"),
                    dose_mg=to_decimal(step.get("dose_mg"), f"steps[{i}].dose_mg"), time=step.get("time"),
                    volume_ml=None if volume is None else to_decimal(volume, f"steps[{i}].volume_ml"),
                    device=step.get("device"), device_name=step.get("device_name")))

            def number(key: str) -> Decimal | None:
                return None if payload.get(key) is None else to_decimal(payload[key], key)

            return cls(
                protocol=payload["protocol"], protocol_name=payload.get("protocol_name"),
                target_mg=to_decimal(payload["target_mg"], "target_mg"), max_mg=number("max_mg"),
                concentration_mg_per_ml=number("concentration_mg_per_ml"), timing=payload.get("timing"),
                weight_kg=number("weight_kg"), steps=tuple(steps))
        except (PlanError, TypeError) as exc:
            raise PlanFormatError(str(exc)) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise PlanFormatError(f"{where}: {first['msg']}") from None

    def to_json(self) -> dict[str, Any]:
        """The plan in the shape of ``ldncare plan --json`` (the keys this record covers)."""
        return {
            "protocol": self.protocol,
            "protocol_name": self.protocol_name,
            "target_mg": _num(self.target_mg),
            "max_mg": _opt(self.max_mg),
            "concentration_mg_per_ml": _opt(self.concentration_mg_per_ml),
            "timing": self.timing,
            "steps": [
                {"start_date": s.start_date.isoformat(), "end_date": s.end_date and s.end_date.isoformat(),
                 "dose_mg": _num(s.dose_mg), "time": s.time, "volume_ml": _opt(s.volume_ml), "device": s.device,
                 "device_name": s.device_name, "measurable": s.device is not None,
                 "days": s.end_date and (s.end_date - s.start_date).days + 1}
                for s in self.steps
            ],
            "unmeasurable_steps": [i for i, s in enumerate(self.steps) if s.device is None],
            "devices_needed": list(dict.fromkeys(s.device for s in self.steps if s.device)),
            "weight_kg": _opt(self.weight_kg),
        }


class ConditionEntry(Record):
    """A diagnosed condition: the ldncare condition id and the ICD-10-CM code chosen for it."""

    id: str
    icd10: str

    @field_validator("icd10")
    @classmethod
    def _valid_code(cls, code: str) -> str:
        check_icd10cm(code)
        if not is_billable_icd10cm(code):
            raise InvalidCodeError(f"ICD-10-CM {code} is a category, not a billable code; allowed: one of its leaf codes")
        return code


def condition_entry(text: str, icd10: str | None = None) -> ConditionEntry:
    """The entry of a condition named by id, name or synonym; ICD-10-CM code: ``icd10`` or the first listed
    (the default, a billable leaf code: multiple sclerosis is G35.D since FY2026, not the header G35).

    >>> condition_entry("Crohn's disease")
    ConditionEntry(id='crohns-disease', icd10='K50.90')

    Raises ``LookupError`` (``UnknownConditionError``) for an unknown condition and
    ``ValueError`` for a code not listed for the condition.
    """
    condition = resolve_condition(text)
    code = condition.icd10[0] if icd10 is None else icd10
    if code not in condition.icd10:
        raise ValueError(f"ICD-10-CM {code} is not listed for {condition.id}; allowed: {', '.join(condition.icd10)}")
    return ConditionEntry(id=condition.id, icd10=code)


class PatientRecord(Record):
    """Everything of one patient that ldncare exchanges as FHIR."""

    model_config = {"arbitrary_types_allowed": True}

    pseudonym: str = Field(min_length=1, max_length=200, description="a pseudonym, never a name: files leave the clinic")
    conditions: tuple[ConditionEntry, ...] = ()
    other_conditions: tuple[str, ...] = Field(default=(), description=(
        "conditions beyond ldncare's library, as the person typed them (a Condition with code.text only)"))
    plan: PrescribedPlan | None = None
    diary: Diary | None = None
    trial: TrialDesign | None = None
    names: dict[str, str] = Field(default_factory=dict, description=(
        "the person's own words for her outcome:/factor: columns, e.g. {'outcome:brain_fog': 'Brain fog'} "
        "(the Observation's text; the column name when absent)"))

    @field_validator("pseudonym")
    @classmethod
    def _plain_text(cls, pseudonym: str) -> str:
        if (problem := control_character_message(pseudonym)) is not None:
            raise ValueError(problem)
        return pseudonym

    @field_validator("other_conditions")
    @classmethod
    def _plain_condition_text(cls, texts: tuple[str, ...]) -> tuple[str, ...]:
        if len(texts) > MAX_OTHER_CONDITIONS:
            raise ValueError(f"{len(texts)} other conditions; allowed: at most {MAX_OTHER_CONDITIONS}")
        for text in texts:
            if (problem := other_condition_problem(text)) is not None:
                raise ValueError(f"other condition {text[:40]!r}: {problem}")
        return texts


def trial_design_from_json(payload: Mapping[str, Any]) -> TrialDesign:
    """The patient's trial design from ``ldncare trial design --json`` output or from a key file.

    From a key file only the design is taken: the allocation never enters a FHIR record.
    Raises ``ValueError`` saying what is wrong.
    """
    if not isinstance(payload, Mapping):
        raise ValueError("a trial design is a JSON object ('ldncare trial design --json' or the key file)")
    if payload.get("kind") == KEY_KIND:
        payload = payload.get("design") or {}
    fields = ("trial_id", "pairs", "period_weeks", "discard_days", "dose_mg", "periods")
    missing = [k for k in fields if k not in payload]
    if missing:
        raise ValueError(f"trial design lacks {', '.join(missing)}; allowed: the output of 'ldncare trial design --json'")
    try:
        periods = [{"number": p.get("number", p.get("period")), "pair": p.get("pair"), "bottle": p.get("bottle"),
                    "start_date": p.get("start_date"), "end_date": p.get("end_date"),
                    "analysis_start": p.get("analysis_start")} for p in payload["periods"]]
        return TrialDesign(**{k: payload[k] for k in fields[:-1]}, periods=tuple(periods))
    except (AttributeError, TypeError):
        raise ValueError("trial periods are JSON objects with period, pair, bottle and dates") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"trial design {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
