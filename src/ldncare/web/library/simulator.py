"""The public simulator page: a thin view over :func:`ldncare.core.pharmacology.simulate`.

The form's bounds are the core's; the charts are drawn in the browser by the Plotly bundled
in the ``plotly`` Python package (served by :func:`plotly_js`, never a CDN) and the day
table, parameters and hypothesis labels are server-rendered, so the page works without
JavaScript.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
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
COMPARED_LABELS = {"mor_occupancy_peak": ("Peak", "% blocked"), "mor_occupancy_trough": ("Lowest", "% blocked"),
                   "mor_hours_ge_50pct": ("≥ 50% blocked", "hours")}
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


def _plotly_path() -> Path:
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise Http404("plotly is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


@lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    path = _plotly_path()
    if not path.exists():
        raise Http404("plotly.min.js not found in the plotly package")
    return path.read_bytes()


@require_GET
@cache_control(max_age=7 * 86400, public=True)
def plotly_js(request):
    """The plotly.js bundle shipped inside the installed ``plotly`` package."""
    return HttpResponse(_plotly_bytes(), content_type="text/javascript; charset=utf-8")


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


def _line(x: np.ndarray, y: np.ndarray, name: str, **extra) -> dict:  # noqa: ANN003
    return {"type": "scatter", "mode": "lines", "name": name, "x": np.round(x, 3).tolist(),
            "y": [float(f"{v:.4g}") for v in y], **extra}


def _figures(result) -> list[dict]:  # noqa: ANN001
    t_d = result.t_h / 24.0
    start = max(0.0, result.regimen.days - CHART_DAYS)
    keep = t_d >= start
    x = t_d[keep]
    s = {name: result.series(name)[keep] for name in ("ntx_ng_per_ml", "nal6b_ng_per_ml", "mor_occupancy",
                                                        "kor_occupancy", "dor_occupancy", "rebound_index")}
    base = {"margin": {"l": 60, "r": 10, "t": 40, "b": 50}, "legend": {"orientation": "h", "y": -0.25},
            "font": {"family": "system-ui, sans-serif", "color": "#1b1f24"}, "height": 340}
    xaxis = {"title": {"text": "days since the first dose day began"}}
    return [
        {"id": "chart-conc", "data": [_line(x, s["ntx_ng_per_ml"], "naltrexone", line={"color": "#0b5cad"}),
                                      _line(x, s["nal6b_ng_per_ml"], "6β-naltrexol", line={"color": "#8a4b00", "dash": "dot"})],
         "layout": base | {"title": {"text": "Blood levels (ng/mL)"}, "xaxis": xaxis, "yaxis": {"title": {"text": "ng/mL"}}}},
        {"id": "chart-occ", "data": [_line(x, 100 * s["mor_occupancy"], "μ (mu)", line={"color": "#0b5cad"}),
                                     _line(x, 100 * s["kor_occupancy"], "κ (kappa)", line={"color": "#1d6b35", "dash": "dash"}),
                                     _line(x, 100 * s["dor_occupancy"], "δ (delta)", line={"color": "#8a4b00", "dash": "dot"})],
         "layout": base | {"title": {"text": f"Brain opioid-receptor blockade (%), scenario {result.scenario}"},
                           "xaxis": xaxis, "yaxis": {"title": {"text": "% of receptors blocked"}, "range": [0, 100]}}},
        {"id": "chart-rebound", "data": [_line(x, s["rebound_index"], "rebound index", line={"color": "#a4161a"})],
         "layout": base | {"title": {"text": "HYPOTHESIS: endorphin rebound index"}, "xaxis": xaxis,
                           "yaxis": {"title": {"text": "signalling vs drug-free baseline"}}}},
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
