"""A picture of one diary: the outcome over time, doses and phases, and side effects.

matplotlib with the Agg backend (no display needed). The upper panel shows the daily
scores and their 7-day mean, the phases shaded (baseline, titration, onset lag,
maintenance, blinded periods), the LDN dose as a step line, and the model-based baseline
and maintenance means with their 95 % CIs; the lower panel is the side-effect timeline
(one row per side effect, colour = severity, flagged courses marked).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ldncare.core.response.analysis import ResponseAnalysis, analyze_response  # noqa: E402
from ldncare.core.response.diary import Diary  # noqa: E402
from ldncare.core.response.phases import assign_phases  # noqa: E402
from ldncare.core.response.views import side_effect_courses  # noqa: E402
from ldncare.core.response.wording import STATUS_LABELS  # noqa: E402

__all__ = ["plot_response"]

PHASE_COLOURS = {"baseline": "#dbe9f6", "titration": "#fde3c2", "lag": "#eeeeee", "maintenance": "#d8f0d2"}
SEVERITY_COLOURS = {"mild": "#f2c14e", "moderate": "#f08a3c", "severe": "#c8302c"}


def _spans(dates, labels):
    """Contiguous runs of equal labels as (label, first date, day after last date)."""
    spans = []
    for date, label in zip(dates, labels, strict=True):
        if spans and spans[-1][0] == label and (date - spans[-1][2]).days <= 7:
            spans[-1][2] = date + dt.timedelta(days=1)
        else:
            if spans and (date - spans[-1][2]).days <= 7:
                spans[-1][2] = date  # close a gap of missing days at the boundary
            spans.append([label, date, date + dt.timedelta(days=1)])
    return spans


def plot_response(diary: Diary, path: str | Path, outcome: str = "pain", *, lag_days: int = 14,
                  result: ResponseAnalysis | None = None, dpi: int = 120) -> Path:
    """Draw the diary for ``outcome`` to a PNG file at ``path``; returns the path."""
    result = result or analyze_response(diary, outcome, lag_days=lag_days)
    phases = assign_phases(diary.days)
    dates = [d.date for d in diary.days]
    courses = side_effect_courses(diary)
    rows = max(len(courses), 1)
    fig, (ax, ax_se) = plt.subplots(2, 1, figsize=(11, 6.2 + 0.25 * rows), sharex=True,
                                    gridspec_kw={"height_ratios": [4, 0.9 + 0.32 * rows]})

    # phases
    labels = []
    for d, phase in zip(diary.days, phases, strict=True):
        if phase == "maintenance" and result.maintenance_start and (d.date - result.maintenance_start).days < lag_days:
            labels.append("lag")
        else:
            labels.append(phase or "none")
    legend = []
    seen = set()
    for label, start, end in _spans(dates, labels):
        if label.startswith("period"):
            colour = "#e4dcf1" if label.endswith(("A", "C", "E", "G")) else "#f3e6ef"
            ax.axvspan(start, end, color=colour, lw=0)
            ax.text(start + (end - start) / 2, 10.35, label, ha="center", va="bottom", fontsize=7, color="#555")
            continue
        colour = PHASE_COLOURS.get(label)
        if colour is None:
            continue
        ax.axvspan(start, end, color=colour, lw=0, zorder=0)
        if label not in seen:
            seen.add(label)
            name = f"onset lag ({lag_days} d, excluded)" if label == "lag" else label
            legend.append(Patch(color=colour, label=name))

    # scores
    values = np.array([d.scores.get(outcome, np.nan) for d in diary.days], dtype=float)
    ax.plot(dates, values, "o", ms=3, color="#6b7b8c", alpha=0.6, label=f"daily {outcome}", zorder=3)
    full = np.arange(dates[0], dates[-1] + dt.timedelta(days=1), dtype="datetime64[D]").astype(dt.date)
    series = np.full(len(full), np.nan)
    series[[(x - dates[0]).days for x in dates]] = values
    kernel = np.ones(7)
    ok = ~np.isnan(series)
    counts = np.convolve(ok.astype(float), kernel, mode="same")
    sums = np.convolve(np.where(ok, series, 0.0), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        rolling = np.where(counts >= 4, sums / counts, np.nan)
    ax.plot(full, rolling, color="#1f3b57", lw=1.8, label="7-day mean", zorder=4)

    # baseline and maintenance means with CI
    windows = []
    if result.baseline.first_date:
        windows.append(("baseline", result.baseline, result.baseline_ci95, "#2c6fbb"))
    if result.maintenance.first_date:
        windows.append(("maintenance", result.maintenance, result.maintenance_ci95, "#2e8b3e"))
    for name, summary, ci, colour in windows:
        x = [summary.first_date, summary.last_date + dt.timedelta(days=1)]
        level = (ci[0] + ci[1]) / 2 if ci else summary.mean
        ax.plot(x, [level, level], color=colour, lw=2.4, zorder=5,
                label=f"{name} mean {level:.1f}" + (f" (95% CI {ci[0]:.1f}-{ci[1]:.1f})" if ci else ""))
        if ci:
            ax.fill_between(x, ci[0], ci[1], color=colour, alpha=0.18, lw=0, zorder=4)

    ax.set_ylim(-0.3, 11)
    ax.set_yticks(range(0, 11, 2))
    direction = "lower is better" if result.lower_is_better else "higher is better"
    ax.set_ylabel(f"{outcome} (0-10, {direction})")

    # dose
    ax_dose = ax.twinx()
    doses, current = [], np.nan
    for d in diary.days:
        current = d.ldn_dose_mg if d.ldn_dose_mg else current
        doses.append(current)
    ax_dose.step(dates, doses, where="post", color="#8a3b8f", lw=1.5, label="LDN dose (mg)")
    top = np.nanmax(doses) if np.any(~np.isnan(doses)) else 4.5
    ax_dose.set_ylim(0, top * 2.2)
    ax_dose.set_ylabel("LDN dose (mg)", color="#8a3b8f")
    ax_dose.tick_params(axis="y", colors="#8a3b8f")

    handles, _ = ax.get_legend_handles_labels()
    handles += ax_dose.get_legend_handles_labels()[0] + legend
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.07, 1.0), fontsize=8, frameon=False)

    blinded = any(p and p.startswith("period ") for p in phases)
    title = f"{outcome}: {STATUS_LABELS[result.status]}"
    if blinded:
        title = (f"{outcome}: blinded n-of-1 trial diary (allocation not shown; "
                 "analyse with 'ldncare trial analyze --key')")
    elif result.effect is not None:
        title += (f" — change {result.effect:+.2f} points (95% CI {result.ci95[0]:+.2f} to {result.ci95[1]:+.2f})")
        if result.p_improvement_ge_mcid is not None:
            title += (f", P(observed change ≥ {result.mcid_points:g}-point MCID | AR(1) model) = "
                      f"{result.p_improvement_ge_mcid:.2f}\nopen-label before/after: cannot tell LDN from placebo, "
                      "natural course or regression to the mean")
    elif result.missing:
        title += f" — {result.missing[0]}"
    ax.set_title(title, fontsize=10, loc="left")

    # side effects
    for row, course in enumerate(reversed(courses)):
        for d in diary.days:
            for name, severity in d.side_effects:
                if name == course.name:
                    ax_se.barh(row, 1, left=mdates.date2num(d.date), height=0.6, color=SEVERITY_COLOURS[severity], lw=0)
        if course.flag:
            ax_se.text(mdates.date2num(course.last_day) + 2, row, f"⚑ {course.flag.replace('_', ' ')}",
                       va="center", fontsize=7, color="#a02020")
    ax_se.set_yticks(range(len(courses)), [c.name.replace("_", " ") for c in reversed(courses)], fontsize=8)
    if not courses:
        ax_se.set_yticks([0], ["none reported"], fontsize=8)
    ax_se.set_ylim(-0.6, rows - 0.4)
    ax_se.set_title("side effects (colour = severity)", fontsize=9, loc="left")
    ax_se.legend(handles=[Patch(color=c, label=s) for s, c in SEVERITY_COLOURS.items()], loc="upper left",
                 bbox_to_anchor=(1.07, 1.0), fontsize=8, frameon=False)
    ax_se.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax_se.xaxis.get_major_locator()))
    footer = ("Blinded periods are labelled by bottle only. " if blinded else
              "Open-label before/after comparison: it cannot separate LDN from placebo response. ")
    fig.text(0.01, 0.005, footer + "Not medical advice.", fontsize=7, color="#555")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    path = Path(path)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
