"""The response report of one diary as plain data (the ``ldncare analyze --json`` contract).

>>> from ldncare.core.response.simulate import simulate_diary
>>> report = build_response_report(simulate_diary(effect_points=-3.0, seed=3), "pain")
>>> sorted(report)[:6]
['adherence', 'baseline', 'baseline_flare', 'caveats', 'disclaimer', 'dose_steps']
>>> report["status"], report["mcid"]["points"]
('likely_responder', 2.0)
"""

from __future__ import annotations

from typing import Any

from ldncare.core.response.analysis import DEFAULT_LAG_DAYS, ResponseAnalysis, analyze_response
from ldncare.core.response.diary import Diary
from ldncare.core.response.views import (
    compare_dose_timing,
    side_effect_courses,
    summarize_adherence,
    summarize_dose_steps,
    summarize_pgic,
)

__all__ = ["analysis_to_dict", "build_response_report"]


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def analysis_to_dict(result: ResponseAnalysis) -> dict[str, Any]:
    """The response part of the report (keys of the CLI JSON contract)."""
    return {
        "outcome": result.outcome,
        "lower_is_better": result.lower_is_better,
        "baseline": {"n_days": result.baseline.n_days, "mean": _round(result.baseline.mean)},
        "maintenance": {"n_days": result.maintenance.n_days, "mean": _round(result.maintenance.mean),
                        "start": result.maintenance_start.isoformat() if result.maintenance_start else None,
                        "lag_days": result.lag_days},
        "effect": {"estimate": _round(result.effect),
                   "ci95": None if result.ci95 is None else [_round(result.ci95[0]), _round(result.ci95[1])],
                   "method": result.method, "rho": _round(result.rho), "trend": result.trend},
        "percent_change": _round(result.percent_change, 1),
        "mcid": {"points": result.mcid_points, "percent": result.mcid_percent, "source": result.mcid_source,
                 "basis": result.mcid_basis},
        "p_improvement_ge_mcid": _round(result.p_improvement_ge_mcid),
        "p_method": result.p_method,
        "status": result.status,
        "headline": result.headline,
        "probability_statement": result.probability_statement,
        "baseline_flare": None if result.baseline_flare is None else {
            "detected": result.baseline_flare.detected,
            "first_week_mean": _round(result.baseline_flare.first_week_mean),
            "last_week_mean": _round(result.baseline_flare.last_week_mean),
            "trend_per_week": _round(result.baseline_flare.trend_per_week),
            "trend_ci95": [_round(v) for v in result.baseline_flare.trend_ci95]},
        "missing": list(result.missing),
        "caveats": list(result.caveats),
    }


def build_response_report(diary: Diary, outcome: str = "pain", *, lag_days: int = DEFAULT_LAG_DAYS,
                          trend: bool = False) -> dict[str, Any]:
    """Response analysis plus side-effect courses, adherence, dose steps and dose timing."""
    report = analysis_to_dict(analyze_response(diary, outcome, lag_days=lag_days, trend=trend))
    report["side_effects"] = [
        {"name": c.name, "first_day": c.first_day.isoformat(), "last_day": c.last_day.isoformat(),
         "days": c.days, "episodes": c.episodes, "longest_episode_days": c.longest_episode_days,
         "worst_severity": c.worst_severity, "still_present": c.still_present, "flag": c.flag}
        for c in side_effect_courses(diary)]
    adherence = summarize_adherence(diary)
    report["adherence"] = {"days_planned": adherence.days_planned, "days_taken": adherence.days_taken,
                           "days_unrecorded": adherence.days_unrecorded}
    report["dose_steps"] = [
        {"dose_mg": s.dose_mg, "first_day": s.first_day.isoformat(), "n_days": s.n_days,
         "mean": _round(s.mean), "mean_last_7_days": _round(s.mean_last_7_days)}
        for s in summarize_dose_steps(diary, outcome)]
    if "sleep_quality" in diary.outcomes:
        timing = compare_dose_timing(diary)
        report["dose_timing"] = {
            "outcome": timing.outcome, "n_bedtime": timing.n_bedtime, "n_morning": timing.n_morning,
            "mean_bedtime": _round(timing.mean_bedtime), "mean_morning": _round(timing.mean_morning),
            "difference": _round(timing.difference),
            "ci95": None if timing.ci95 is None else [_round(timing.ci95[0]), _round(timing.ci95[1])],
            "message": timing.message}
    else:
        report["dose_timing"] = None
    pgic = summarize_pgic(diary)
    report["pgic"] = {"n_ratings": pgic.n_ratings, "last": pgic.last,
                      "last_date": pgic.last_date.isoformat() if pgic.last_date else None,
                      "share_improved": _round(pgic.share_improved), "improved_max": pgic.improved_max}
    report["disclaimer"] = "Not medical advice: discuss any change with your prescriber."
    return report
