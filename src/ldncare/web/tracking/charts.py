"""The chart of one discovery on 'What goes with my good days?': her days as points.

Each point is one pair of days as the core's test pairs them
(:func:`ldncare.core.response.insights.paired_days`): the factor on day t on the x axis (or
"No" and "Yes" for a yes/no factor), the outcome on day t + lag on the y axis. A day missing
either value is not a point (nothing is filled in). The dashed line has the estimated slope
(adjusted for the trend and the day-to-day carry-over) and passes through the middle of the points.

The picture is an SVG drawn here, on the server, in a ``viewBox`` (it scales to a phone's width
without sideways scroll); every point is focusable and carries its day in words, and
``static/ldncare/scatter.js`` (same origin, the CSP allows no inline script) reads it out on hover,
tap and focus, moves between points with the arrow keys and switches between the same day and
the day before. A table of the same days is the alternative for screen readers.
"""

from __future__ import annotations

import math

from ldncare.core.response.insights import (
    LAGS,
    SIDE_EFFECT_OUTCOMES,
    Association,
    PairedDay,
    paired_days,
)

__all__ = ["HEIGHT", "WIDTH", "discovery_chart", "factor_text", "nice_ticks"]

#: The SVG's coordinate box; the browser scales it to the width it has.
WIDTH, HEIGHT = 340, 230
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 8, 10, 46
_SEVERITY_WORDS = ("none", "mild", "moderate", "severe")


def factor_text(value: float, kind: str) -> str:
    """A factor's value in words: ``yes``, ``30 min``, ``7.5 h``, ``4.5 mg``, ``22:30``, ``3``."""
    if kind == "yes_no":
        return "yes" if value >= 0.5 else "no"
    if kind == "dose_time_h":
        minutes = round(value * 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    unit = {"minutes": " min", "hours": " h", "ldn_dose_mg": " mg"}.get(kind, "")
    return f"{value:g}{unit}"


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering ``low``..``high``, at most ``most`` of them.

    >>> nice_ticks(0, 10)
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    >>> nice_ticks(1.5, 4.5)
    [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
    """
    span = max(high - low, 1e-9)
    for step in (m * 10.0 ** e for e in range(math.floor(math.log10(span / most)) - 1, 10) for m in (1, 2, 2.5, 5)):
        first = math.ceil(low / step - 1e-9) * step
        ticks = [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]
        if len(ticks) <= most + 1:
            return ticks
    return [low, high]  # pragma: no cover


def _spread(i: int, width: float) -> float:
    """A fixed small offset for the i-th point (equal days stay visible; the same on every load)."""
    return ((i * 0.6180339887) % 1.0 - 0.5) * width


def _outcome_text(value: float, outcome: str) -> str:
    if outcome in SIDE_EFFECT_OUTCOMES:
        return _SEVERITY_WORDS[min(3, max(0, round(value)))]
    return f"{value:g}"


def _clip_line(slope: float, x0: float, y0: float, xs: tuple[float, float], ys: tuple[float, float]):
    """The part of the line through (x0, y0) with ``slope`` inside the box ``xs`` × ``ys`` (or None)."""
    a, b = xs
    if slope != 0:
        a = max(a, min((ys[0] - y0) / slope + x0, (ys[1] - y0) / slope + x0))
        b = min(b, max((ys[0] - y0) / slope + x0, (ys[1] - y0) / slope + x0))
    elif not ys[0] <= y0 <= ys[1]:
        return None
    if a >= b:
        return None
    return (a, y0 + slope * (a - x0)), (b, y0 + slope * (b - x0))


def _point_text(p: PairedDay, lag: int, *, factor_label: str, kind: str, outcome_name: str, outcome: str) -> str:
    value, score = factor_text(p.factor, kind), _outcome_text(p.outcome, outcome)
    if lag == 0:
        return f"{p.date:%-d %b %Y}: {factor_label} {value}, {outcome_name} {score}"
    return f"{factor_label} {value} on {p.factor_date:%-d %b}; {outcome_name} {score} on {p.date:%-d %b %Y}"


def discovery_chart(diary, association: Association, *, notes: dict[int, dict], outcome_name: str,
                    factor_label: str, kind: str, element_id: str) -> dict:
    """Everything the template draws for one discovery, at the same day and at the day before.

    ``notes`` gives per lag what to say in words (``sentence``, ``found``, ``q_value``, or ``reason``
    when that lag was not tested); ``kind`` is the factor's (``yes_no``, ``minutes``, ...,
    ``ldn_dose_mg``, ``dose_time_h``). The view of the discovery's own lag is selected.
    """
    pairs = {lag: paired_days(diary, association.outcome, association.factor, lag) for lag in LAGS}
    every = [p for lag in LAGS for p in pairs[lag]]
    yes_no = kind == "yes_no"
    side_effect = association.outcome in SIDE_EFFECT_OUTCOMES
    # the axes: the same for both lags, so switching moves the points, not the scale
    if yes_no:
        x_range, x_ticks = (-0.6, 1.6), [(0.0, "No"), (1.0, "Yes")]
    else:
        low, high = min(p.factor for p in every), max(p.factor for p in every)
        pad = (high - low) * 0.06 or 0.5
        values = nice_ticks(low, high, most=5)
        x_range = (min(low - pad, values[0]), max(high + pad, values[-1]))
        x_ticks = [(v, factor_text(v, kind)) for v in values]
    y_high = 3.0 if side_effect else max(10.0, max((p.outcome for p in every), default=10.0))
    y_range = (-0.4, y_high + 0.4)
    y_ticks = [(float(v), _SEVERITY_WORDS[v]) for v in range(4)] if side_effect else [
        (v, f"{v:g}") for v in nice_ticks(0.0, y_high, most=5)]

    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def px(x: float) -> float:
        return round(_LEFT + (x - x_range[0]) / (x_range[1] - x_range[0]) * plot_w, 1)

    def py(y: float) -> float:
        return round(_TOP + (y_range[1] - y) / (y_range[1] - y_range[0]) * plot_h, 1)

    whole_x = all(float(p.factor).is_integer() for p in every)
    whole_y = all(float(p.outcome).is_integer() for p in every)
    x_spread = 0.5 if yes_no else (0.3 if whole_x and x_range[1] - x_range[0] <= 30 else 0.0)
    views = []
    for lag in LAGS:
        points = []
        for i, p in enumerate(pairs[lag]):
            text = _point_text(p, lag, factor_label=factor_label, kind=kind, outcome_name=outcome_name,
                               outcome=association.outcome)
            points.append({"cx": px(p.factor + _spread(i, x_spread)),
                           "cy": py(p.outcome + (_spread(i * 7 + 3, 0.35) if whole_y else 0.0)),
                           "text": text, "date": p.date, "factor_date": p.factor_date,
                           "factor": factor_text(p.factor, kind), "outcome": _outcome_text(p.outcome, association.outcome)})
        note = notes.get(lag, {})
        line = None
        if note.get("estimate") is not None and pairs[lag]:
            mean_x = sum(p.factor for p in pairs[lag]) / len(pairs[lag])
            mean_y = sum(p.outcome for p in pairs[lag]) / len(pairs[lag])
            span = (0.0, 1.0) if yes_no else (min(p.factor for p in pairs[lag]), max(p.factor for p in pairs[lag]))
            ends = _clip_line(note["estimate"], mean_x, mean_y, span, (y_range[0], y_range[1]))
            if ends is not None:
                (x1, y1), (x2, y2) = ends
                line = {"x1": px(x1), "y1": py(y1), "x2": px(x2), "y2": py(y2)}
        views.append({"lag": lag, "label": "Same day" if lag == 0 else "Day before",
                      "selected": lag == association.lag_days, "points": points, "n": len(points), "line": line,
                      **{k: v for k, v in note.items() if k != "estimate"}})
    return {
        "id": element_id, "width": WIDTH, "height": HEIGHT, "yes_no": yes_no,
        "outcome": outcome_name, "factor": factor_label, "lag": association.lag_days,
        "x_label": f"{factor_label}" + ("" if yes_no else f" ({'clock time' if kind == 'dose_time_h' else 'per day'})"),
        "y_label": outcome_name + (" (side effect)" if side_effect else " (0–10)"),
        "x_axis_y": HEIGHT - _BOTTOM, "x_label_y": HEIGHT - 6, "plot_left": _LEFT, "plot_right": WIDTH - _RIGHT,
        "plot_top": _TOP, "x_mid": round(_LEFT + plot_w / 2, 1), "y_mid": round(_TOP + plot_h / 2, 1),
        "x_ticks": [{"pos": px(v), "label": label} for v, label in x_ticks],
        "y_ticks": [{"pos": py(v), "label": label} for v, label in y_ticks],
        "views": views,
    }
