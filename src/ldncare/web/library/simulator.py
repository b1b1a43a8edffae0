"""The public simulator page: a thin view over :func:`ldncare.core.pharmacology.simulate`.

The form's bounds are the core's; the charts are drawn in the browser by ``static/ldncare/charts.js``
with the uPlot bundled in ``static/vendor/uplot`` (never a CDN; about 20 KB compressed) and the
day table, parameters and hypothesis labels are server-rendered, so the page works without
JavaScript.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ldncare.core.pharmacology import (
    DAILY_METRICS,
    SCENARIO_EVIDENCE,
    compare_scenarios,
    daily_at,
    load_parameters,
    simulate,
)
from ldncare.web.library.forms import SimulatorForm

CHART_DAYS = 14  # the charts show the last two weeks; the table shows every day
COMPARED = ("mor_occupancy_peak", "mor_occupancy_trough", "mor_hours_ge_50pct")  # the scenarios side by side
COMPARED_LABELS = {"mor_occupancy_peak": ("Peak", "%"), "mor_occupancy_trough": ("Lowest", "%"),
                   "mor_hours_ge_50pct": ("≥ 50%", "hours")}
COLUMNS = {
    "ntx_cmax_ng_per_ml": ("Naltrexone peak", "ng/mL"),
    "ntx_tmax_h": ("Time to peak", "h after dose"),
    "ntx_auc_ng_h_per_ml": ("Naltrexone AUC", "ng·h/mL"),
    "nal6b_cmax_ng_per_ml": ("6β-naltrexol peak", "ng/mL"),
    "nal6b_auc_ng_h_per_ml": ("6β-naltrexol AUC", "ng·h/mL"),
    "mor_occupancy_peak": ("μ-receptor blockade, peak", "%"),
    "mor_occupancy_trough": ("μ-receptor blockade, lowest", "%"),
    "mor_hours_ge_50pct": ("Hours ≥ 50% blocked", "h"),
    "mor_hours_ge_90pct": ("Hours ≥ 90% blocked", "h"),
    "rebound_index": ("Rebound index (HYPOTHESIS)", "vs baseline"),
}


def _fmt(metric: str, value: float) -> str:
    if metric.startswith("mor_occupancy"):
        return f"{100 * value:.0f}"
    if metric == "rebound_index":
        return f"{value:+.2f}"
    if metric.endswith("_h") or "hours" in metric:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


@lru_cache(maxsize=64)
def _run(dose_mg: float, time: str, form: str, weight_kg: float, hepatic: str, scenario: str, days: int):  # noqa: ANN202
    regimen = daily_at(dose_mg, time, days=days, form=form)  # type: ignore[arg-type]
    return simulate(regimen, scenario=scenario, weight_kg=weight_kg, hepatic=hepatic)


@lru_cache(maxsize=64)
def _compared(dose_mg: float, time: str, form: str, weight_kg: float, hepatic: str, days: int) -> list[dict]:
    """All three receptor-offset scenarios side by side (last day), as table rows."""
    regimen = daily_at(dose_mg, time, days=days, form=form)  # type: ignore[arg-type]
    return [{**row, "cells": [_fmt(m, row[m]) for m in COMPARED]}
            for row in compare_scenarios(regimen, weight_kg=weight_kg, hepatic=hepatic)]


def _line(y: np.ndarray, label: str, unit: str, colour: str, marker: str, dash: list[int]) -> dict:
    return {"key": label, "label": label, "unit": unit, "colour": colour, "marker": marker, "dash": dash,
            "values": [float(f"{v:.4g}") for v in y]}


def _figures(result) -> list[dict]:  # noqa: ANN001
    """The three charts as specs for ``static/ldncare/charts.js`` (uPlot): each line has its own
    dash and marker as well as its colour; markers every few hours so the curves stay readable."""
    t_d = result.t_h / 24.0
    start = max(0.0, result.regimen.days - CHART_DAYS)
    keep = t_d >= start
    x = np.round(t_d[keep], 3).tolist()
    s = {name: result.series(name)[keep] for name in ("ntx_ng_per_ml", "nal6b_ng_per_ml", "mor_occupancy",
                                                        "kor_occupancy", "dor_occupancy", "rebound_index")}
    every = max(1, len(x) // 36)
    common = {"x_kind": "number", "x": x, "x_label": "days since the first dose day began", "marker_every": every}
    return [
        common | {"id": "chart-conc", "title": "Blood levels (ng/mL)", "y_label": "ng/mL", "series": [
            _line(s["ntx_ng_per_ml"], "naltrexone", "ng/mL", "#0b5cad", "circle", []),
            _line(s["nal6b_ng_per_ml"], "6β-naltrexol", "ng/mL", "#8a4b00", "square", [2, 3])]},
        common | {"id": "chart-occ", "title": f"Brain opioid-receptor blockade (%), scenario {result.scenario}",
                  "y_label": "% of receptors blocked", "y_range": [0, 100], "series": [
            _line(100 * s["mor_occupancy"], "μ (mu)", "%", "#0b5cad", "circle", []),
            _line(100 * s["kor_occupancy"], "κ (kappa)", "%", "#1d6b35", "triangle", [6, 4]),
            _line(100 * s["dor_occupancy"], "δ (delta)", "%", "#8a4b00", "square", [2, 3])]},
        common | {"id": "chart-rebound", "title": "HYPOTHESIS: endorphin rebound index",
                  "y_label": "signalling vs drug-free baseline", "series": [
            _line(s["rebound_index"], "rebound index", "vs baseline", "#a4161a", "diamond", [])]},
    ]


@require_GET
def page(request):
    """The form, and the result of the submitted (or default) regimen."""
    # Fields left out of the address take their defaults, so "?dose_mg=1.5" is a complete link.
    data = SimulatorForm.defaults() | {k: request.GET[k] for k in SimulatorForm.base_fields if k in request.GET}
    form = SimulatorForm(data)
    context: dict = {"form": form, "parameters": load_parameters(), "scenario_evidence": SCENARIO_EVIDENCE,
                     "chart_days": CHART_DAYS}
    if not form.is_valid():
        return render(request, "library/simulator.html", context, status=422)
    d = form.cleaned_data
    try:
        result = _run(d["dose_mg"], d["time"], d["form"], d["weight_kg"], d["hepatic"], d["scenario"], d["days"])
    except ValueError as exc:  # the core's own checks, should a bound ever differ
        form.add_error(None, str(exc))
        return render(request, "library/simulator.html", context, status=422)
    payload = result.as_dict()
    rows = [{"day": row["day"], "cells": [_fmt(m, row[m]) for m in DAILY_METRICS]} for row in payload["daily"]]
    context |= {
        "result": payload, "rows": rows, "columns": [COLUMNS[m] for m in DAILY_METRICS],
        "hypotheses": [a for a in payload["assumptions"] if a.startswith("HYPOTHESIS")],
        "assumptions": [a for a in payload["assumptions"] if not a.startswith("HYPOTHESIS")],
        "figures": _figures(result), "scenario": d["scenario"],
        "compared": _compared(d["dose_mg"], d["time"], d["form"], d["weight_kg"], d["hepatic"], d["days"]),
        "compared_columns": [COMPARED_LABELS[m] for m in COMPARED],
        "first_chart_day": max(1, d["days"] - CHART_DAYS + 1),
    }
    return render(request, "library/simulator.html", context)
