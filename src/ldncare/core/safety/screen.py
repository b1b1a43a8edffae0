"""The safety screen: is LDN safe *for this person*, with these medicines and this profile?

:func:`screen` takes a :class:`Profile` (medicines as free text, condition ids, pregnancy,
breastfeeding, liver status, planned surgery, planned LDN dose, age, weight) and returns a
:class:`ScreenResult`: findings (each with a level, a code, a plain-language message, an
action, sources and which input matched which ingredient), the medicines that could not
be identified, and a verdict (the worst level: ``contraindicated``, ``caution``, or
``ok`` when there is nothing worse than ``info``). The rule texts and thresholds are data
(:mod:`ldncare.core.safety.rules`), the drug names are data (``drugs.yaml``). Not medical
advice: a screen supports, and never replaces, the prescriber's and pharmacist's check.

>>> result = screen(Profile(medicines=("Tylenol #3", "ibuprofen 400 mg")))
>>> result.verdict, [f.code for f in result.findings]
('contraindicated', ['opioid-analgesic'])
>>> result.findings[0].matched[0].ingredient
'codeine'
>>> screen(Profile(medicines=("metformin", "sertraline 50mg"))).verdict
'ok'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field, field_validator

from ldncare.core.knowledge import UnknownConditionError, resolve_condition
from ldncare.core.knowledge.records import Record, Source
from ldncare.core.safety.matching import MedicineMatch, match_medicine
from ldncare.core.safety.rules import LEVELS, Level, Rule, screen_rule
from ldncare.core.safety.vocabulary import DrugVocabulary, load_drug_vocabulary

__all__ = [
    "MAX_AGE_YEARS",
    "MAX_DOSE_MG",
    "MAX_WEIGHT_KG",
    "Finding",
    "FindingMatch",
    "Hepatic",
    "Profile",
    "ScreenResult",
    "Verdict",
    "screen",
]

Hepatic = Literal["none", "mild", "moderate", "severe"]
Verdict = Literal["ok", "caution", "contraindicated"]

#: Above this a dose is not a plausible naltrexone dose at all (300 mg/day is the highest
#: dose in the studies behind the label's liver warning), so it is refused as a typo.
MAX_DOSE_MG = 300.0
MAX_AGE_YEARS = 125.0
MAX_WEIGHT_KG = 400.0
_ACTIVITY = {
    "full_agonist": "a full opioid agonist",
    "partial_agonist": "a partial opioid agonist",
    "agonist_antagonist": "a mixed opioid agonist-antagonist",
}


class Profile(Record):
    """What the screen needs to know; everything optional except that it is plausible.

    ``conditions`` accepts ids, names or synonyms and stores condition ids.
    """

    medicines: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    pregnant: bool = False
    breastfeeding: bool = False
    hepatic: Hepatic = "none"
    surgery_date: dt.date | None = None
    dose_mg: float | None = Field(default=None, gt=0, le=MAX_DOSE_MG, allow_inf_nan=False)
    age_years: float | None = Field(default=None, ge=0, le=MAX_AGE_YEARS, allow_inf_nan=False)
    weight_kg: float | None = Field(default=None, gt=0, le=MAX_WEIGHT_KG, allow_inf_nan=False)

    @field_validator("medicines")
    @classmethod
    def _medicines_not_blank(cls, medicines: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(m.strip() for m in medicines)
        for med in cleaned:
            if not med:
                raise ValueError("a medicine name is empty")
            if len(med) > 200:
                raise ValueError(f"a medicine name is longer than 200 characters: {med[:40]!r}...")
        return cleaned

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, conditions: tuple[str, ...]) -> tuple[str, ...]:
        ids: list[str] = []
        for text in conditions:
            try:
                condition_id = resolve_condition(text).id
            except UnknownConditionError as exc:
                raise ValueError(str(exc)) from None
            if condition_id not in ids:
                ids.append(condition_id)
        return tuple(ids)


class FindingMatch(Record):
    """Which input matched which ingredient (and through which vocabulary name)."""

    input: str = Field(description="the medicine as typed")
    term: str = Field(description="the normalised words that matched")
    matched_form: str = Field(description="the vocabulary name they matched")
    product: str | None = Field(default=None, description="product id when matched via a brand/combination")
    ingredient: str = Field(description="ingredient id")
    via: Literal["name", "synonym", "misspelling", "fuzzy"]


class Finding(Record):
    """One finding of the screen."""

    level: Level
    code: str
    title: str
    message: str
    action: str
    sources: tuple[Source, ...]
    matched: tuple[FindingMatch, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The finding as in the JSON contract: level, code, message, action, sources, matched."""
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "action": self.action,
            "sources": [s.model_dump(exclude_none=True) for s in self.sources],
            "matched": [m.model_dump() for m in self.matched],
        }


class ScreenResult(Record):
    """The verdict, the findings (most serious first) and the unidentified medicines."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    unrecognized: tuple[str, ...]
    medicines: tuple[MedicineMatch, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"verdict", "findings": [...], "unrecognized": [...]}`` (the CLI/API contract)."""
        return {
            "verdict": self.verdict,
            "findings": [f.to_json() for f in self.findings],
            "unrecognized": list(self.unrecognized),
        }


def _finding(rule: Rule, matched: Iterable[FindingMatch] = (), **values: Any) -> Finding:
    if rule.level is None:  # pragma: no cover - guarded by the data tests
        raise ValueError(f"screen rule {rule.id!r} has no level")
    return Finding(
        level=rule.level,
        code=rule.id,
        title=rule.title,
        message=rule.message.format_map(values),
        action=rule.action.format_map(values),
        sources=tuple(rule.sources),
        matched=tuple(matched),
    )


def _opioid_rule(rule_id: str) -> bool:
    """True for a rule an opioid agonist may end on: contraindicating, or the label's precaution."""
    rule = screen_rule(rule_id)
    return rule.level == "contraindicated" or rule.params.get("opioid_precaution") == 1


def _medicine_findings(match: MedicineMatch, profile: Profile, vocabulary: DrugVocabulary) -> list[Finding]:
    by_rule: dict[str, list[FindingMatch]] = {}
    for term in match.matched:
        for ingredient_id in term.ingredients:
            ingredient = vocabulary.ingredient(ingredient_id)
            # A product may replace its ingredients' rules with a more specific one (cough
            # products: opioid-antitussive; LDN itself: ldn-itself). An opioid agonist always
            # ends on a contraindicating rule, falling back to the general one: never missed;
            # the one exception is a rule marked as the label's opioid precaution (peripheral
            # antidiarrhoeals, which the label says patients "may not benefit" from).
            rule_id = term.rule if term.rule and ingredient.rule else ingredient.rule
            if ingredient.is_opioid_agonist and (rule_id is None or not _opioid_rule(rule_id)):
                own = ingredient.rule
                rule_id = own if own and _opioid_rule(own) else "opioid-analgesic"
            if rule_id is None:
                continue
            required = screen_rule(rule_id).requires_condition
            if required is not None and required not in profile.conditions:
                rule_id = screen_rule(rule_id).otherwise
                if rule_id is None:
                    continue
            by_rule.setdefault(rule_id, []).append(
                FindingMatch(
                    input=match.text,
                    term=term.input,
                    matched_form=term.matched_form,
                    product=term.record_id if term.kind == "product" else None,
                    ingredient=ingredient_id,
                    via=term.via,
                )
            )
    findings = []
    for rule_id, matched in by_rule.items():
        ingredients = [vocabulary.ingredient(m.ingredient) for m in matched]
        activities = dict.fromkeys(_ACTIVITY[i.opioid_activity] for i in ingredients if i.is_opioid_agonist)
        findings.append(
            _finding(
                screen_rule(rule_id),
                matched,
                medicine=f"'{match.text}'",
                ingredients=", ".join(dict.fromkeys(i.name for i in ingredients)),
                activity=", ".join(activities) or "not an opioid agonist",
            )
        )
    return findings


def _profile_findings(profile: Profile, today: dt.date) -> list[Finding]:
    findings = []
    if profile.pregnant:
        findings.append(_finding(screen_rule("pregnancy")))
    if profile.breastfeeding:
        findings.append(_finding(screen_rule("breastfeeding")))
    if profile.hepatic != "none":
        findings.append(_finding(screen_rule("hepatic-impairment"), hepatic=profile.hepatic))
    if profile.surgery_date is not None:
        days = (profile.surgery_date - today).days
        if days >= 0:
            rule = screen_rule("surgery-planned")
            stop = profile.surgery_date - dt.timedelta(days=int(rule.params["stop_days_before"]))
            stop_text = stop.isoformat() + (" (that date has passed: tell your surgical team now)" if stop < today else "")
            until = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            findings.append(_finding(rule, surgery_date=profile.surgery_date.isoformat(), days_until=until, stop_date=stop_text))
        else:
            since = f"{-days} day{'s' if days != -1 else ''} ago"
            findings.append(_finding(screen_rule("surgery-recent"), surgery_date=profile.surgery_date.isoformat(), days_since=since))
    if profile.dose_mg is not None:
        dose = profile.dose_mg
        text = f"{dose:g}"
        if dose >= screen_rule("dose-not-low").params["at_least_mg"]:
            findings.append(_finding(screen_rule("dose-not-low"), dose_mg=text))
        elif dose > screen_rule("dose-high").params["above_mg"]:
            findings.append(_finding(screen_rule("dose-high"), dose_mg=text))
        elif dose > screen_rule("dose-above-usual").params["above_mg"]:
            findings.append(_finding(screen_rule("dose-above-usual"), dose_mg=text))
    rule = screen_rule("pediatric")
    if profile.age_years is not None and profile.age_years < rule.params["adult_age_years"]:
        max_mg = None
        if profile.weight_kg is not None:
            max_mg = min(rule.params["mg_per_kg"] * profile.weight_kg, rule.params["cap_mg"])
        weight_dose = f"; for {profile.weight_kg:g} kg that is {max_mg:.2f} mg" if max_mg is not None else ""
        findings.append(_finding(rule, weight_dose=weight_dose))
        if max_mg is not None and profile.dose_mg is not None and profile.dose_mg > max_mg + 1e-9:
            findings.append(
                _finding(
                    screen_rule("pediatric-dose-above-trial"),
                    dose_mg=f"{profile.dose_mg:g}",
                    weight_kg=f"{profile.weight_kg:g}",
                    max_mg=f"{max_mg:.2f}",
                )
            )
    return findings


def screen(profile: Profile, *, today: dt.date | None = None, vocabulary: DrugVocabulary | None = None) -> ScreenResult:
    """Screen a profile; ``today`` (default: the current date) anchors the surgery dates.

    >>> r = screen(Profile(surgery_date=dt.date(2026, 12, 10)), today=dt.date(2026, 12, 1))
    >>> r.verdict, "2026-12-08" in r.findings[0].action
    ('caution', True)
    """
    vocabulary = vocabulary or load_drug_vocabulary()
    today = today or dt.date.today()
    findings: list[Finding] = []
    unrecognized: list[str] = []
    matches = tuple(match_medicine(text, vocabulary) for text in profile.medicines)
    for match in matches:
        findings.extend(_medicine_findings(match, profile, vocabulary))
        if not match.fully_recognized:
            unrecognized.append(match.text)
            unknown = f" completely (not recognised: {', '.join(match.unknown_words)})" if match.recognized else ""
            findings.append(_finding(screen_rule("unrecognized-medicine"), medicine=f"'{match.text}'", unknown=unknown))
    findings.extend(_profile_findings(profile, today))
    findings.sort(key=lambda f: LEVELS.index(f.level))
    levels = {f.level for f in findings}
    verdict: Verdict = "contraindicated" if "contraindicated" in levels else "caution" if "caution" in levels else "ok"
    return ScreenResult(verdict=verdict, findings=tuple(findings), unrecognized=tuple(unrecognized), medicines=matches)
