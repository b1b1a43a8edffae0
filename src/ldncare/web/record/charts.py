"""The diary's charts.

:func:`progress_chart` is the spec of the interactive chart on the progress page and the
clinician's record (drawn in the browser by ``static/ldncare/charts.js`` with the bundled uPlot,
with a table of the same numbers beside it). :func:`progress_svg` is the printed picture of the
same data for the visit report, and :func:`day_curve_svg` the modelled day (matplotlib, no
JavaScript).
"""

from __future__ import annotations

import calendar
import datetime
import io
from html import escape

import matplotlib
from django.utils.safestring import mark_safe

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["OUTCOMES", "RANGES", "chart_table", "day_curve_svg", "progress_chart", "progress_svg"]

OUTCOMES = (
    ("pain_score", "Pain", "#a4161a"),
    ("fatigue_score", "Fatigue", "#8a4b00"),
    ("sleep_quality_score", "Sleep quality", "#0b5cad"),
    ("mood_score", "Mood", "#1d6b35"),
)
# Each line is told apart by its marker and dash as well as its colour (never colour alone).
_LOOKS = {
    "pain_score": ("circle", []),
    "fatigue_score": ("square", [6, 4]),
    "sleep_quality_score": ("triangle", [2, 3]),
    "mood_score": ("diamond", [10, 3, 2, 3]),
}
# The date ranges the chart offers: (label, days; None = everything).
RANGES = (("4 weeks", 28), ("3 months", 91), ("All", None))


def _epoch_s(day) -> int:  # noqa: ANN001
    return calendar.timegm(day.timetuple())


def _number(value):  # noqa: ANN001, ANN202
    """A whole number as an int (``6``, not ``6.0``, in the JSON and the table), others as they are."""
    return int(value) if value is not None and float(value).is_integer() else value


def progress_chart(days, *, element_id: str = "progress-chart") -> dict:  # noqa: ANN001
    """The spec ``charts.js`` draws from the core's diary days (``record.core_bridge.load_diary``):
    the four scores (0–10), the dose taken as a step line on its own axis, the days the dose
    changed and the side effects reported as events above the plot.

    Blank scores stay blank (``None``): the chart leaves a gap, it never draws a value nobody
    entered.
    """
    from ldncare.web.record.templatetags.record_words import side_effect_words

    days = sorted(days, key=lambda d: d.date)
    x = [_epoch_s(d.date) for d in days]
    series = [
        {"key": key, "label": label, "unit": "0–10", "colour": colour,
         "marker": _LOOKS[field][0], "dash": _LOOKS[field][1],
         "values": [_number(d.scores.get(key)) for d in days]}
        for field, label, colour in OUTCOMES
        for key in (field.removesuffix("_score"),)
    ]
    doses = [d.ldn_dose_mg for d in days]
    series.append({"key": "dose", "label": "LDN dose", "unit": "mg", "colour": "#4a5360", "marker": "none",
                   "dash": [1, 0], "axis": "y2", "step": True, "values": doses})
    events: list[dict] = []
    previous = None
    for d, dose in zip(days, doses, strict=True):
        if dose is not None and dose != previous:
            events.append({"x": _epoch_s(d.date), "kind": "dose", "short": f"{dose:g} mg",
                           "label": f"{d.date:%-d %b %Y}: dose {dose:g} mg"})
            previous = dose
        if d.side_effects:
            events.append({"x": _epoch_s(d.date), "kind": "side_effect",
                           "label": f"{d.date:%-d %b %Y}: " + ", ".join(
                               side_effect_words(effect, severity) for effect, severity in d.side_effects)})
    span_days = (days[-1].date - days[0].date).days if days else 0
    return {"id": element_id, "x_kind": "date", "x": x, "x_label": "", "y_label": "Score (0–10)",
            "default_range": 91 if span_days > 91 else None,  # a long diary opens on its last 3 months
            "y_range": [0, 10], "y2_label": "LDN (mg)", "series": series, "events": events,
            "ranges": [{"label": label, "days": days} for label, days in RANGES]}


def chart_table(spec: dict) -> dict:
    """The chart's numbers as a table (its accessible alternative): one row per day, a column per
    line, and what the chart marks that day; ``body`` is the rows as HTML (escaped), built here
    because a template loop over a 3-year diary's 7 665 cells cost more than the analysis."""
    marks: dict[int, list[str]] = {}
    for event in spec.get("events", ()):
        marks.setdefault(event["x"], []).append(event["label"].split(": ", 1)[-1])
    columns = [f"{s['label']} ({s['unit']})" if s.get("unit") else s["label"] for s in spec["series"]]
    rows = []
    for i, x in enumerate(spec["x"]):
        day = datetime.datetime.fromtimestamp(x, tz=datetime.UTC).date()
        cells = ["—" if s["values"][i] is None else f"{s['values'][i]:g}" for s in spec["series"]]
        rows.append({"day": day, "cells": cells, "marks": "; ".join(marks.get(x, [])) or "—"})
    body = "".join(
        f'<tr><th scope="row">{row["day"].day} {row["day"]:%b %Y}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in row["cells"]) + f"<td>{escape(row['marks'])}</td></tr>"
        for row in rows)
    return {"columns": columns, "rows": rows, "body": mark_safe(body)}  # noqa: S308 (every text escaped above)


def progress_svg(checkins, *, title: str = "Outcomes, dose and side effects") -> str:
    """Outcome scores over time, the dose as a step line, and side-effect days marked."""
    checkins = sorted(checkins, key=lambda c: c.date)
    fig, (ax, ax_dose) = plt.subplots(
        2, 1, figsize=(7.5, 5.0), sharex=True, gridspec_kw={"height_ratios": [3, 1.2]}, constrained_layout=True
    )
    dates = [c.date for c in checkins]
    for field, label, colour in OUTCOMES:
        points = [(c.date, getattr(c, field)) for c in checkins if getattr(c, field) is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=label, color=colour)
    effect_days = [c.date for c in checkins if c.side_effects.all()]
    if effect_days:
        ax.scatter(effect_days, [10.4] * len(effect_days), marker="v", color="#4a5360", label="Side effect reported",
                   zorder=3)
    ax.set_ylim(-0.3, 10.8)
    ax.set_ylabel("Score (0–10)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if checkins:
        ax.legend(loc="upper left", fontsize=8, ncols=3)
    doses = [float(c.ldn_dose_mg) if c.ldn_dose_mg is not None else 0.0 for c in checkins]
    if dates:
        ax_dose.step(dates, doses, where="post", color="#1b1f24")
        ax_dose.fill_between(dates, doses, step="post", alpha=0.15, color="#1b1f24")
    ax_dose.set_ylabel("LDN (mg)")
    ax_dose.set_ylim(bottom=0)
    ax_dose.grid(alpha=0.3)
    ax_dose.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    fig.autofmt_xdate()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()


def day_curve_svg(t_h, occupancy, conc_ng_per_ml, *, dose_mg: float, clock: str) -> str:
    """The last simulated day: receptor occupancy (%) and naltrexone concentration over clock time."""
    import numpy as np

    t = np.asarray(t_h, dtype=float)
    occ = np.asarray(occupancy, dtype=float) * 100.0
    conc = np.asarray(conc_ng_per_ml, dtype=float)
    last_day = t >= t.max() - 24.0
    t, occ, conc = t[last_day], occ[last_day], conc[last_day]
    fig, ax = plt.subplots(figsize=(7.5, 3.2), constrained_layout=True)
    ax.plot(t, occ, color="#0b5cad", label="μ-opioid receptors blocked (%)")
    ax.set_ylabel("Receptors blocked (%)")
    ax.set_ylim(0, 100)
    ax2 = ax.twinx()
    ax2.plot(t, conc, color="#8a4b00", linestyle="--", label="Naltrexone (ng/mL)")
    ax2.set_ylabel("Naltrexone (ng/mL)")
    ticks = np.arange(np.ceil(t.min() / 3) * 3, t.max() + 0.01, 3)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{int(h % 24):02d}:00" for h in ticks])
    ax.set_xlabel("Clock time")
    ax.set_title(f"{dose_mg:g} mg at {clock}: a modelled day")
    ax.grid(alpha=0.3)
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(lines, [line.get_label() for line in lines], loc="upper right", fontsize=8)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()
