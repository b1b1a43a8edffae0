"""'What goes with my good days?': the core's honest associations on a patient's diary, in words.

The statistics are the core's (:func:`ldncare.core.response.insights.find_associations`: AR(1) errors,
a trend, Benjamini–Hochberg q-values); here only the diary is built from the database (with her own
outcomes and factors, the dose and its time), each result is put into words and each discovery gets
its chart (:func:`ldncare.web.tracking.charts.discovery_chart`, one per outcome and factor).
"""

from __future__ import annotations

import dataclasses

from ldncare.core.response.diary import CORE_OUTCOMES
from ldncare.core.response.insights import FDR_Q, MIN_DAYS, find_associations
from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn
from ldncare.web.tracking.charts import discovery_chart
from ldncare.web.tracking.models import Kind
from ldncare.web.tracking.selectors import items_of, with_tracked

__all__ = ["insights_for"]

_DOSE = {"ldn_dose_mg": ("LDN dose", "1 mg more LDN"), "dose_time_h": ("dose time", "a dose taken 1 hour later")}


def _number(value: float) -> str:
    return f"{value:.1f}".replace("-", "−")


def _sentence(a, outcome_name: str, factor_label: str, factor_unit: str, yes_no: bool) -> str:
    when = "the same day" if a.lag_days == 0 else "the next day"
    direction = "lower" if a.estimate < 0 else "higher"
    interval = f"(95 % interval {_number(a.ci95[0])} to {_number(a.ci95[1])})"
    size = _number(abs(a.estimate))
    if yes_no:
        lead = (f"On days with “{factor_label}”" if a.lag_days == 0 else f"On days after “{factor_label}”")
        return f"{lead}, {outcome_name} was {size} points {direction} {interval}."
    return f"With {factor_unit}, {outcome_name} was {size} points {direction} {when} {interval}."


def insights_for(patient) -> dict:
    """Everything the page shows: discoveries in words, every test, what was not tested and why."""
    checkins = CheckIn.objects.filter(patient=patient)
    diary = with_tracked(core_bridge.load_diary(checkins), patient, checkins)
    items = {i.code: i for i in items_of(patient)}
    days = len(diary.days)
    if days == 0:
        return {"days": 0, "min_days": MIN_DAYS, "days_needed": MIN_DAYS, "found": [], "tested": [], "not_tested": [], "caveat": ""}
    result = find_associations(diary)

    def outcome_name(code: str) -> str:
        if code in items:
            return items[code].name
        return code.replace("_", " ") if code in CORE_OUTCOMES else code.removeprefix("outcome:").replace("_", " ")

    def factor_kind(code: str) -> str:
        return code if code in _DOSE else (items[code].kind if code in items else "count")

    def factor_words(code: str) -> tuple[str, str, bool]:
        if code in _DOSE:
            return _DOSE[code][0], _DOSE[code][1], False
        item = items.get(code)
        name = item.name if item else code.removeprefix("factor:").replace("_", " ")
        if item is None:
            return name, f"1 more of “{name}”", False
        unit = {Kind.COUNT: f"1 more of “{name}”", Kind.MINUTES: f"10 more minutes of “{name}”",
                Kind.HOURS: f"1 more hour of “{name}”", Kind.LEVEL: f"“{name}” 1 point higher"}.get(item.kind, name)
        return name, unit, item.kind == Kind.YES_NO

    rows, notes = [], {}
    for a in result.associations:
        label, unit, yes_no = factor_words(a.factor)
        scale = 10.0 if (items.get(a.factor) and items[a.factor].kind == Kind.MINUTES) else 1.0
        scaled = a if scale == 1.0 else dataclasses.replace(a, estimate=a.estimate * scale,
                                                            ci95=(a.ci95[0] * scale, a.ci95[1] * scale))
        rows.append({
            "outcome": outcome_name(a.outcome), "factor": label,
            "when": "same day" if a.lag_days == 0 else "day before",
            "estimate": _number(scaled.estimate), "ci_low": _number(scaled.ci95[0]), "ci_high": _number(scaled.ci95[1]),
            "per": "yes vs no" if yes_no else unit, "found": a.found,
            "q_value": "< 0.001" if a.q_value < 0.001 else f"{a.q_value:.3f}",
            "n_days": a.n_days, "sentence": _sentence(scaled, outcome_name(a.outcome), label, unit, yes_no),
        })
        notes.setdefault((a.outcome, a.factor), {})[a.lag_days] = {
            "sentence": rows[-1]["sentence"], "found": a.found, "q_value": rows[-1]["q_value"], "estimate": a.estimate}
    for n in result.not_tested:
        notes.setdefault((n.outcome, n.factor), {}).setdefault(n.lag_days, {"reason": n.reason})
    charted: dict[tuple[str, str], str] = {}
    for a, row in zip(result.associations, rows, strict=True):
        if not a.found:
            continue
        if (a.outcome, a.factor) in charted:  # both lags found: one chart, with both
            row["chart_above"] = charted[(a.outcome, a.factor)]
            continue
        row["chart"] = discovery_chart(diary, a, notes=notes[(a.outcome, a.factor)], outcome_name=row["outcome"],
                                       factor_label=row["factor"], kind=factor_kind(a.factor),
                                       element_id=f"discovery-{len(charted) + 1}")
        charted[(a.outcome, a.factor)] = row["chart"]["id"]
    not_tested = [{"outcome": outcome_name(n.outcome), "factor": factor_words(n.factor)[0],
                   "when": "same day" if n.lag_days == 0 else "day before", "reason": n.reason}
                  for n in result.not_tested]
    return {"days": days, "min_days": MIN_DAYS, "days_needed": max(0, MIN_DAYS - days), "fdr_q": FDR_Q, "found": [r for r in rows if r["found"]],
            "tested": rows, "not_tested": not_tested, "caveat": result.caveat}
