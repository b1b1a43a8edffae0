"""Random-effects meta-analysis of LDN trials, and forest plots: only like with like.

Every comparative effect in the study records names its ``effect_measure``
(:data:`~ldncare.core.knowledge.studies.EFFECT_MEASURE_LABELS`): a mean difference on a named
scale, a between-group Cohen's d or Hedges' g, a crossover's within-person d_z, a rank-test
r = Z/sqrt(N), or an effect size the source leaves unnamed. :func:`pool_condition` pools only
effects of **one** measure, after the documented conversions in :data:`CONVERSIONS`
(Cohen's d to Hedges' g with the small-sample factor J, Cochrane Handbook chapter 6); a
mean difference pools only with mean differences on the same scale. Measures that no
documented method converts with the numbers the sources give (a crossover d_z needs the
within-person correlation, Cochrane Handbook chapter 23; a rank-test r has no conversion to
an SMD) are never mixed: when fewer than :data:`MIN_STUDIES` studies share a measure,
:class:`NotPoolable` shows the studies side by side, unpooled, and says why.

Pooling uses statsmodels' :func:`~statsmodels.stats.meta_analysis.combine_effects` with the
**Paule-Mandel** estimator of the between-study variance tau² (``method_re="pm"``), an
inverse-variance random-effects model with a normal-approximation 95% interval. Paule-Mandel
is the estimator recommended over DerSimonian-Laird by Veroniki et al. 2016
(doi:10.1002/jrsm.1164); it is also never negative, whereas statsmodels 0.15's
DerSimonian-Laird (``"dl"``) does not truncate a negative moment estimate at zero. The
DerSimonian-Laird estimate (truncated at zero) is reported alongside for comparison.

Standard errors are taken as stated, else derived from a stated confidence interval, else
from a stated p-value (``se = |estimate| / z(1 - p/2)``); each derivation is reported.
Published syntheses (systematic reviews with a pooled result) are listed next to either
outcome, with their own measure, so a reader sees what they found, positive or not.

>>> fm = pool_condition("fibromyalgia", "pain")
>>> fm.poolable, sorted({e.effect_measure for e in fm.side_by_side})
(False, ['MD', 'SMD_hedges_g_between', 'd_z_crossover', 'effect_size_unnamed'])
>>> pool_condition("crohns-disease", "pain").reason.startswith("no controlled study")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from ldncare.core.evidence.effect_measures import (
    CONVERSIONS,
    NOT_CONVERTIBLE,
    Conversion,
    convert_effect,
)
from ldncare.core.evidence.forest import draw_forest
from ldncare.core.knowledge.studies import (
    EFFECT_MEASURE_LABELS,
    EFFECT_MEASURE_SHORT,
    EFFECT_MEASURES,
    Effect,
    Study,
    studies_for_condition,
)

__all__ = [
    "CONVERSIONS",
    "METHOD",
    "MIN_STUDIES",
    "NOT_CONVERTIBLE",
    "MetaAnalysis",
    "NotPoolable",
    "PooledEffect",
    "StudyEffect",
    "draw_forest",
    "pool_condition",
    "pool_effects",
]

METHOD = "random effects, Paule-Mandel tau² (statsmodels combine_effects, method_re='pm'), normal 95% CI"
MIN_STUDIES = 2
@dataclass(frozen=True)
class PooledEffect:
    """One study's effect as it enters the pooling, with its measure and how its standard error was obtained.

    ``effect_measure`` is the measure pooled (after any conversion); ``reported_measure`` is
    what the source reported; ``conversion`` names the documented method used, if any.
    """

    study_id: str
    label: str
    estimate: float
    se: float
    effect_basis: str
    se_basis: str
    se_derivation: str
    instrument: str
    effect_derivation: str | None = None
    weight: float = 0.0
    effect_measure: str = "MD"
    reported_measure: str = "MD"
    conversion: Conversion | None = None
    scale: str | None = None

    @property
    def ci(self) -> tuple[float, float]:
        """Normal 95% interval of the study effect."""
        z = stats.norm.isf(0.025)
        return (self.estimate - z * self.se, self.estimate + z * self.se)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the measure is always named, with the conversion used (or null)."""
        return {
            "id": self.study_id,
            "label": self.label,
            "effect_measure": self.effect_measure,
            "effect_measure_label": EFFECT_MEASURE_LABELS[self.effect_measure],
            "reported_measure": self.reported_measure,
            "conversion": self.conversion.to_dict() if self.conversion else None,
            "scale": self.scale,
            "estimate": self.estimate,
            "se": self.se,
            "ci": list(self.ci),
            "weight": self.weight,
            "instrument": self.instrument,
            "effect_basis": self.effect_basis,
            "effect_derivation": self.effect_derivation,
            "se_basis": self.se_basis,
            "se_derivation": self.se_derivation,
        }


@dataclass(frozen=True)
class StudyEffect:
    """One controlled study's effect shown side by side (not pooled), on its own measure."""

    study_id: str
    label: str
    year: int
    effect_measure: str
    estimate: float
    instrument: str
    basis: str
    scale: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    derivation: str | None = None
    measure_note: str | None = None
    conversion: Conversion | None = None
    reported_estimate: float | None = None

    @property
    def measure_label(self) -> str:
        """Plain words for the measure."""
        return EFFECT_MEASURE_LABELS[self.effect_measure]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.study_id,
            "label": self.label,
            "year": self.year,
            "effect_measure": self.effect_measure,
            "effect_measure_label": self.measure_label,
            "conversion": self.conversion.to_dict() if self.conversion else None,
            "reported_estimate": self.reported_estimate,
            "scale": self.scale,
            "estimate": self.estimate,
            "ci": [self.ci_low, self.ci_high] if self.ci_low is not None else None,
            "p_value": self.p_value,
            "instrument": self.instrument,
            "basis": self.basis,
            "derivation": self.derivation,
            "measure_note": self.measure_note,
            "not_convertible_because": NOT_CONVERTIBLE.get(self.effect_measure),
        }


@dataclass(frozen=True)
class MetaAnalysis:
    """A pooled random-effects estimate of one effect measure and everything needed to judge it."""

    condition_id: str
    outcome_domain: str
    effect_measure: str
    effects: tuple[PooledEffect, ...]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    tau2: float
    i2: float
    q: float
    tau2_dl: float
    estimate_dl: float
    method: str = METHOD
    scale: str | None = None
    excluded: tuple[tuple[str, str], ...] = ()
    published: tuple[dict[str, Any], ...] = ()
    poolable: bool = True

    @property
    def k(self) -> int:
        """Number of pooled studies."""
        return len(self.effects)

    @property
    def measure_label(self) -> str:
        """Plain words for the pooled measure."""
        return EFFECT_MEASURE_LABELS[self.effect_measure]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "poolable": True,
            "condition": self.condition_id,
            "outcome_domain": self.outcome_domain,
            "effect_measure": self.effect_measure,
            "effect_measure_label": self.measure_label,
            "scale": self.scale,
            "method": self.method,
            "k": self.k,
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "tau2": self.tau2,
            "i2": self.i2,
            "q": self.q,
            "dersimonian_laird": {"tau2": self.tau2_dl, "estimate": self.estimate_dl},
            "sign": "negative favours LDN",
            "studies": [e.to_dict() for e in self.effects],
            "excluded": [{"id": i, "reason": r} for i, r in self.excluded],
            "published": list(self.published),
        }


@dataclass(frozen=True)
class NotPoolable:
    """Pooling was not possible; ``reason`` says why in plain words.

    ``side_by_side`` holds the controlled studies' effects, each on its own measure, when
    they exist but do not share one; ``published`` the published syntheses for the condition.
    """

    condition_id: str
    outcome_domain: str
    reason: str
    excluded: tuple[tuple[str, str], ...] = field(default=())
    side_by_side: tuple[StudyEffect, ...] = field(default=())
    published: tuple[dict[str, Any], ...] = field(default=())
    poolable: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "poolable": False,
            "condition": self.condition_id,
            "outcome_domain": self.outcome_domain,
            "reason": self.reason,
            "sign": "negative favours LDN",
            "side_by_side": [e.to_dict() for e in self.side_by_side],
            "excluded": [{"id": i, "reason": r} for i, r in self.excluded],
            "published": list(self.published),
        }


def _studies(n: int) -> str:
    return "the only primary study" if n == 1 else f"the {n} primary studies"


def _standard_error(effect: Effect) -> tuple[float, str, str] | None:
    if effect.se is not None:
        return effect.se, effect.basis, "standard error as recorded"
    if effect.ci_low is not None and effect.ci_high is not None:
        z = stats.norm.isf((1 - effect.ci_level) / 2)
        se = (effect.ci_high - effect.ci_low) / (2 * z)
        return float(se), "computed", f"se = (upper - lower) / (2 x {z:.3f}) from the stated {effect.ci_level:.0%} CI [{effect.ci_low}, {effect.ci_high}]"
    if effect.p_value is not None and effect.estimate != 0 and effect.p_value < 1:
        z = stats.norm.isf(effect.p_value / 2)
        return float(abs(effect.estimate) / z), "computed", f"se = |estimate| / z(1 - p/2) = {abs(effect.estimate)} / {z:.3f} from the stated P = {effect.p_value}"
    return None


def _to_pooled(study: Study, effect: Effect) -> PooledEffect | str:
    se = _standard_error(effect)
    if se is None:
        return "no standard error, confidence interval or p-value to weight the effect"
    value, se_basis, derivation = se
    measure, estimate, factor, conversion = convert_effect(effect)
    if conversion is not None:
        derivation += f"; then x J = {factor:.4f} ({conversion.method})"
    return PooledEffect(
        study_id=study.id,
        label=study.label,
        estimate=estimate,
        se=value * (factor or 1.0),
        effect_basis=effect.basis if conversion is None else "computed",
        se_basis=se_basis if conversion is None else "computed",
        se_derivation=derivation,
        instrument=effect.instrument,
        effect_derivation=effect.derivation,
        effect_measure=measure,
        reported_measure=effect.effect_measure,
        conversion=conversion,
        scale=effect.scale,
    )


def _side_by_side(study: Study, effect: Effect) -> StudyEffect:
    measure, estimate, factor, conversion = convert_effect(effect)
    return StudyEffect(
        study_id=study.id,
        label=study.label,
        year=study.citation.year,
        effect_measure=measure,
        estimate=round(estimate, 4),
        instrument=effect.instrument,
        basis=effect.basis if conversion is None else "computed",
        scale=effect.scale,
        ci_low=effect.ci_low,
        ci_high=effect.ci_high,
        p_value=effect.p_value,
        derivation=effect.derivation,
        measure_note=effect.measure_note,
        conversion=conversion,
        reported_estimate=effect.estimate if conversion else None,
    )


def pool_effects(effects: list[PooledEffect]) -> dict[str, float]:
    """Pool study effects with Paule-Mandel random effects; DerSimonian-Laird alongside.

    >>> e = [PooledEffect(s, s, x, 0.5, "stated", "stated", "", "pain NRS") for s, x in (("a", -1.0), ("b", -0.5))]
    >>> r = pool_effects(e)
    >>> r["estimate"], round(r["se"], 4), r["tau2"]
    (-0.75, 0.3536, 0.0)
    """
    est = np.array([e.estimate for e in effects], dtype=float)
    var = np.array([e.se**2 for e in effects], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels' I² divides by Q, which may be 0
        res = combine_effects(est, var, method_re="pm", row_names=[e.study_id for e in effects])
    z = stats.norm.isf(0.025)
    mean, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    q = float(res.q)
    df = len(effects) - 1
    # DerSimonian-Laird moment estimate, truncated at zero (DerSimonian & Laird 1986)
    w = 1 / var
    tau2_dl = max(0.0, float((q - df) / (w.sum() - (w**2).sum() / w.sum())))
    w_dl = 1 / (var + tau2_dl)
    return {
        "estimate": mean,
        "se": se,
        "ci_low": float(mean - z * se),
        "ci_high": float(mean + z * se),
        "p_value": float(2 * stats.norm.sf(abs(mean / se))),
        "tau2": max(0.0, float(res.tau2)),
        "i2": max(0.0, (q - df) / q) if q > 0 else 0.0,
        "q": q,
        "tau2_dl": tau2_dl,
        "estimate_dl": float(w_dl.dot(est) / w_dl.sum()),
        "weights": [float(weight) for weight in res.weights_rel_re],
    }


_POOLED_KEYS = {"mean_difference": "MD", "standardized_mean_difference": "SMD"}


def _published(studies: tuple[Study, ...]) -> tuple[dict[str, Any], ...]:
    """Pooled results of the systematic reviews of the condition, with the measure they pooled."""
    out = []
    for s in studies:
        if s.design not in ("systematic_review_rcts", "systematic_review_mixed"):
            continue
        for r in s.results:
            key = next((k for k in _POOLED_KEYS if k in r.values), None)
            if key is None:
                continue
            out.append({
                "id": s.id, "label": s.label, "year": s.citation.year, "outcome": r.outcome, "pooled_measure": _POOLED_KEYS[key],
                "estimate": r.values[key], "ci_low": r.values.get("ci_low"), "ci_high": r.values.get("ci_high"),
                "n_included_studies": s.n_included_studies, "text": r.text, "values": dict(r.values),
            })
    return tuple(sorted(out, key=lambda d: (-d["year"], d["id"])))


def _mixed_measures_reason(n_studies: int, outcome_domain: str, side: tuple[StudyEffect, ...]) -> str:
    per_study: dict[str, list[str]] = {}
    for e in side:
        reported = e.conversion.source_measure if e.conversion else e.effect_measure
        text = EFFECT_MEASURE_SHORT[reported] + (f" ({e.scale})" if e.scale else "")
        per_study.setdefault(e.label, []).append(text)
    listing = "; ".join(f"{label}: {' and '.join(texts)}" for label, texts in per_study.items())
    return (
        f"the {n_studies} controlled studies with an extractable {outcome_domain} effect report it on different "
        f"measures ({listing}) and no two share one, even after the documented conversions; pooling them as one "
        "number would mix quantities that mean different things, so they are shown side by side, unpooled"
    )


def pool_condition(condition_id: str, outcome_domain: str = "pain") -> MetaAnalysis | NotPoolable:
    """Pool the controlled, placebo-comparator studies of ``condition_id`` on ``outcome_domain``.

    Groups the effects by measure (after :data:`CONVERSIONS`; a mean difference by its
    scale too) and pools the group with the most studies if it has at least
    :data:`MIN_STUDIES`; otherwise returns :class:`NotPoolable` with the effects side by side.
    """
    studies = studies_for_condition(condition_id)
    published = _published(studies)
    primary = [s for s in studies if not s.is_review]
    controlled = [s for s in primary if s.is_controlled]
    if not controlled:
        return NotPoolable(
            condition_id,
            outcome_domain,
            f"no controlled study: {_studies(len(primary))} {'is' if len(primary) == 1 else 'are all'} of uncontrolled design "
            "(open-label, register, retrospective, case series), which gives no comparative effect to pool",
            published=published,
        )
    excluded: list[tuple[str, str]] = []
    side: list[StudyEffect] = []
    by_measure: dict[tuple[str, str | None], list[PooledEffect]] = {}
    for s in controlled:
        comparator = (s.comparator or "").lower()
        effects = [e for e in s.effects if e.outcome_domain == outcome_domain]
        if not effects:
            excluded.append((s.id, f"no extractable comparative {outcome_domain} effect with its uncertainty in the source as read"))
            continue
        if "placebo" not in comparator:
            excluded.append((s.id, f"comparator is {s.comparator!r}, not placebo"))
            continue
        for e in effects:
            side.append(_side_by_side(s, e))
            pooled = _to_pooled(s, e)
            if isinstance(pooled, str):
                excluded.append((s.id, pooled))
                continue
            key = (pooled.effect_measure, pooled.scale if pooled.effect_measure == "MD" else None)
            by_measure.setdefault(key, []).append(pooled)
    candidates = sorted(by_measure.items(), key=lambda kv: (-len(kv[1]), EFFECT_MEASURES.index(kv[0][0])))
    if not candidates or len(candidates[0][1]) < MIN_STUDIES:
        n_with = len({e.study_id for e in side})
        if n_with >= MIN_STUDIES:
            why = _mixed_measures_reason(n_with, outcome_domain, tuple(side))
        elif n_with:
            why = f"only {n_with} controlled study has an extractable {outcome_domain} effect; pooling needs at least {MIN_STUDIES}"
        else:
            why = f"no controlled study ({len(controlled)} found) reports an extractable comparative {outcome_domain} effect with its uncertainty"
        return NotPoolable(condition_id, outcome_domain, why, tuple(excluded), tuple(side), published)
    (measure, scale), chosen = candidates[0]
    chosen_ids = {c.study_id for c in chosen}
    for (other_measure, _), group in candidates[1:]:
        for p in group:
            if p.study_id not in chosen_ids:
                excluded.append((p.study_id, f"effect only as {EFFECT_MEASURE_LABELS[other_measure]}, not convertible to "
                                             f"{EFFECT_MEASURE_LABELS[measure]}: {NOT_CONVERTIBLE.get(other_measure, 'no documented conversion')}"))
    r = pool_effects(chosen)
    weighted = tuple(
        PooledEffect(**{**p.__dict__, "weight": w}) for p, w in zip(chosen, r.pop("weights"), strict=True)
    )
    return MetaAnalysis(
        condition_id=condition_id,
        outcome_domain=outcome_domain,
        effect_measure=measure,
        scale=scale,
        effects=weighted,
        excluded=tuple(excluded),
        published=published,
        **r,
    )
