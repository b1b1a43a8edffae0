"""Forest plots of a pooled meta-analysis (matplotlib, Agg canvas; PNG or SVG).

Only a pooled :class:`~ldncare.core.evidence.meta_analysis.MetaAnalysis` is drawn: every
trial on the one effect measure of the analysis (named on the axis), a square sized by its
weight, its 95% interval, and the pooled diamond. Studies on different measures are never
drawn on one axis.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ldncare.core.evidence.meta_analysis import MetaAnalysis

__all__ = ["draw_forest"]


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
    labels = [f"{e.label}{' (converted: ' + e.reported_measure + ')' if e.conversion else ''}" for e in rows]
    ax.set_yticks([*ys, 0.5], [*labels, f"Pooled (k={n}, I²={analysis.i2:.0%})"])
    right = [f"{e.estimate:.2f} [{e.ci[0]:.2f}, {e.ci[1]:.2f}]  w={e.weight:.0%}" for e in rows]
    right.append(f"{est:.2f} [{lo:.2f}, {hi:.2f}]")
    for y, text in zip([*ys, 0.5], right, strict=True):
        ax.annotate(text, xy=(1.02, y), xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.set_ylim(-0.2, n + 1.8)
    ax.set_xlabel(f"{analysis.effect_measure}{f' ({analysis.scale})' if analysis.scale else ''}, negative favours LDN", fontsize=8)
    ax.set_title(f"LDN vs placebo, {analysis.condition_id}: {analysis.outcome_domain}", fontsize=10)
    fig.text(0.01, 0.01, "Paule-Mandel random effects (statsmodels); standard errors derived from stated CIs or P values. Not medical advice.", fontsize=7, color="grey")
    fig.subplots_adjust(left=0.3, right=0.72, bottom=0.25)
    fig.savefig(out, format=out.suffix.lower().lstrip("."), dpi=120)
    return out
