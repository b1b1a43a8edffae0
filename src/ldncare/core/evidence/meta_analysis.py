"""Random-effects meta-analysis of LDN trials, and forest plots.

Where a condition has at least two controlled studies with an extractable comparative
effect on the same kind of outcome and measure, :func:`pool_condition` pools them with
statsmodels' :func:`~statsmodels.stats.meta_analysis.combine_effects` using the
**Paule-Mandel** estimator of the between-study variance tau² (``method_re="pm"``), an
inverse-variance random-effects model with a normal-approximation 95% interval. Paule-Mandel
is the estimator recommended over DerSimonian-Laird by Veroniki et al. 2016
(doi:10.1002/jrsm.1164); it is also never negative, whereas statsmodels 0.15's
DerSimonian-Laird (``"dl"``) does not truncate a negative moment estimate at zero. The
DerSimonian-Laird estimate (truncated at zero) is reported alongside for comparison.

Only effects the sources state, or that are computed transparently from stated numbers
(record ``basis: computed`` with its derivation), are pooled. Standard errors are taken as
stated, else derived from a stated confidence interval, else from a stated p-value
(``se = |estimate| / z(1 - p/2)``); each derivation is reported with the result.
Where pooling is not possible, a :class:`NotPoolable` says why.

>>> ma = pool_condition("fibromyalgia", "pain")
>>> ma.k, ma.measure, round(ma.estimate, 2), round(ma.ci_low, 2), round(ma.ci_high, 2)
(3, 'standardized_mean_difference', -0.25, -0.46, -0.05)
>>> pool_condition("crohns-disease", "pain").reason.startswith("no controlled study")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from ldncare.core.knowledge.studies import Effect, Study, studies_for_condition

__all__ = [
    "METHOD",
    "MIN_STUDIES",
    "NotPoolable",
    "PooledEffect",
    "MetaAnalysis",
    "draw_forest",
    "pool_condition",
    "pool_effects",
]

METHOD = "random effects, Paule-Mandel tau² (statsmodels combine_effects, method_re='pm'), normal 95% CI"
MIN_STUDIES = 2
_MEASURE_ORDER = ("mean_difference", "standardized_mean_difference")
_MEASURE_LABELS = {
    "mean_difference": "mean difference",
    "standardized_mean_difference": "standardized mean difference",
}


@dataclass(frozen=True)
class PooledEffect:
    """One study's effect as it enters the pooling, with how its standard error was obtained."""

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

    @property
    def ci(self) -> tuple[float, float]:
        """Normal 95% interval of the study effect."""
        z = stats.norm.isf(0.025)
        return (self.estimate - z * self.se, self.estimate + z * self.se)


@dataclass(frozen=True)
class MetaAnalysis:
    """A pooled random-effects estimate and everything needed to judge it."""

    condition_id: str
    outcome_domain: str
    measure: str
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
    excluded: tuple[tuple[str, str], ...] = ()
    published: tuple[dict[str, Any], ...] = ()

    @property
    def k(self) -> int:
        """Number of pooled studies."""
        return len(self.effects)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "poolable": True,
            "condition": self.condition_id,
            "outcome_domain": self.outcome_domain,
            "measure": self.measure,
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
            "studies": [
                {
                    "id": e.study_id,
                    "label": e.label,
                    "estimate": e.estimate,
                    "se": e.se,
                    "ci": list(e.ci),
                    "weight": e.weight,
                    "instrument": e.instrument,
                    "effect_basis": e.effect_basis,
                    "effect_derivation": e.effect_derivation,
                    "se_basis": e.se_basis,
                    "se_derivation": e.se_derivation,
                }
                for e in self.effects
            ],
            "excluded": [{"id": i, "reason": r} for i, r in self.excluded],
            "published": list(self.published),
        }


@dataclass(frozen=True)
class NotPoolable:
    """Pooling was not possible; ``reason`` says why in plain words."""

    condition_id: str
    outcome_domain: str
    reason: str
    excluded: tuple[tuple[str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "poolable": False,
            "condition": self.condition_id,
            "outcome_domain": self.outcome_domain,
            "reason": self.reason,
            "excluded": [{"id": i, "reason": r} for i, r in self.excluded],
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
    return PooledEffect(
        study_id=study.id,
        label=study.label,
        estimate=effect.estimate,
        se=value,
        effect_basis=effect.basis,
        se_basis=se_basis,
        se_derivation=derivation,
        instrument=effect.instrument,
        effect_derivation=effect.derivation,
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


def _published(studies: tuple[Study, ...]) -> tuple[dict[str, Any], ...]:
    out = []
    for s in studies:
        if s.design != "systematic_review_rcts":
            continue
        for r in s.results:
            if "mean_difference" in r.values:
                out.append({"id": s.id, "label": s.label, "text": r.text, "values": dict(r.values)})
    return tuple(out)


def pool_condition(condition_id: str, outcome_domain: str = "pain") -> MetaAnalysis | NotPoolable:
    """Pool the controlled, placebo-comparator studies of ``condition_id`` on ``outcome_domain``.

    Chooses the measure (mean difference on one scale, else standardized mean difference)
    with the most studies; needs at least :data:`MIN_STUDIES`.
    """
    studies = studies_for_condition(condition_id)
    primary = [s for s in studies if not s.is_review]
    controlled = [s for s in primary if s.is_controlled]
    if not controlled:
        return NotPoolable(
            condition_id,
            outcome_domain,
            f"no controlled study: {_studies(len(primary))} {'is' if len(primary) == 1 else 'are all'} of uncontrolled design "
            "(open-label, register, retrospective, case series), which gives no comparative effect to pool",
        )
    excluded: list[tuple[str, str]] = []
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
            pooled = _to_pooled(s, e)
            if isinstance(pooled, str):
                excluded.append((s.id, pooled))
                continue
            key = (e.measure, e.scale if e.measure == "mean_difference" else None)
            by_measure.setdefault(key, []).append(pooled)
    candidates = sorted(by_measure.items(), key=lambda kv: (-len(kv[1]), _MEASURE_ORDER.index(kv[0][0])))
    if not candidates or len(candidates[0][1]) < MIN_STUDIES:
        n_with = len({p.study_id for group in by_measure.values() for p in group})
        why = (
            f"only {n_with} controlled study has an extractable {outcome_domain} effect on a comparable measure; pooling needs at least {MIN_STUDIES}"
            if n_with
            else f"no controlled study ({len(controlled)} found) reports an extractable comparative {outcome_domain} effect with its uncertainty"
        )
        return NotPoolable(condition_id, outcome_domain, why, tuple(excluded))
    (measure, scale), chosen = candidates[0]
    for (other_measure, _), group in candidates[1:]:
        for p in group:
            if p.study_id not in {c.study_id for c in chosen}:
                excluded.append((p.study_id, f"effect only as {_MEASURE_LABELS[other_measure]}"))
    r = pool_effects(chosen)
    weighted = tuple(
        PooledEffect(**{**p.__dict__, "weight": w}) for p, w in zip(chosen, r.pop("weights"), strict=True)
    )
    return MetaAnalysis(
        condition_id=condition_id,
        outcome_domain=outcome_domain,
        measure=measure,
        effects=weighted,
        excluded=tuple(excluded),
        published=_published(studies),
        **r,
    )


def draw_forest(analysis: MetaAnalysis, path: str | Path) -> Path:
    """Draw a forest plot of ``analysis`` to ``path`` (``.png`` or ``.svg``; Agg backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"forest plot file must end in .png or .svg, not {out.suffix or '(none)'!r}")
    rows = list(analysis.effects)
    n = len(rows)
    fig = Figure(figsize=(8, 1.2 + 0.45 * (n + 2)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(n + 1, 1, -1))
    max_w = max(e.weight for e in rows) or 1.0
    for y, e in zip(ys, rows, strict=True):
        lo, hi = e.ci
        ax.plot([lo, hi], [y, y], color="black", lw=1)
        ax.plot([e.estimate], [y], marker="s", color="#1f5f8b", markersize=4 + 8 * math.sqrt(e.weight / max_w), ls="none")
    lo, hi, est = analysis.ci_low, analysis.ci_high, analysis.estimate
    ax.fill([lo, est, hi, est], [0.5, 0.8, 0.5, 0.2], color="#b03a2e")
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    labels = [f"{e.label}{' (computed effect)' if e.effect_basis == 'computed' else ''}" for e in rows]
    ax.set_yticks([*ys, 0.5], [*labels, f"Pooled (k={n}, I²={analysis.i2:.0%})"])
    right = [f"{e.estimate:.2f} [{e.ci[0]:.2f}, {e.ci[1]:.2f}]  w={e.weight:.0%}" for e in rows]
    right.append(f"{est:.2f} [{lo:.2f}, {hi:.2f}]")
    for y, text in zip([*ys, 0.5], right, strict=True):
        ax.annotate(text, xy=(1.02, y), xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.set_ylim(-0.2, n + 1.8)
    ax.set_xlabel(f"{_MEASURE_LABELS[analysis.measure]} (negative favours LDN)")
    ax.set_title(f"LDN vs placebo, {analysis.condition_id}: {analysis.outcome_domain}", fontsize=10)
    fig.text(0.01, 0.01, "Paule-Mandel random effects (statsmodels); standard errors derived from stated CIs or P values. Not medical advice.", fontsize=7, color="grey")
    fig.subplots_adjust(left=0.3, right=0.72, bottom=0.25)
    fig.savefig(out, format=out.suffix.lower().lstrip("."), dpi=120)
    return out
