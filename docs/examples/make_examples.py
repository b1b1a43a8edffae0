"""Generate the example diaries in docs/examples (SYNTHETIC data, seeded: re-running gives the same files).

Run from the repository root: ``.venv/bin/python docs/examples/make_examples.py``.
It writes the diaries, the trial's allocation key, the plots used in docs/response.md and
``expected.json`` (the analysis of each example, which tests/core/response/test_examples.py
reproduces).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ldncare.core.response import (
    analyze_trial,
    design_trial,
    read_diary,
    save_key,
    simulate_diary,
    simulate_trial_diary,
    write_diary,
)
from ldncare.core.response.plot import plot_response
from ldncare.core.response.report import build_response_report

HERE = Path(__file__).resolve().parent
TRIAL_START = dt.date(2027, 1, 4)


def example_diaries() -> dict:
    """The open-label examples: name → diary (all synthetic)."""
    n_days = 28 + 14 + 98
    switch = 28 + 14 + 28  # moved from bedtime to morning dosing after a month of maintenance
    return {
        # pain falls by 3 points; sleep is worse after bedtime doses, so dosing moves to the morning
        "responder": simulate_diary(
            effect_points={"pain": -3.0, "fatigue": -1.5, "sleep_quality": 0.0, "mood": 1.0}, seed=101,
            maintenance_days=98, dose_time=["22:30"] * switch + ["08:00"] * (n_days - switch),
            persistent_side_effect=None),
        # no change in pain; a headache that does not fade
        "non_responder": simulate_diary(effect_points=0.0, seed=202, maintenance_days=98,
                                        persistent_side_effect="headache"),
        # a small change and a short diary: cannot tell
        "unclear": simulate_diary(effect_points=-1.5, seed=307, baseline_days=21, maintenance_days=42),
        # too little baseline
        "too_short": simulate_diary(effect_points=-2.0, seed=404, baseline_days=6, maintenance_days=30),
    }


def main() -> None:
    expected = {}
    for name, diary in example_diaries().items():
        path = write_diary(diary, HERE / f"{name}.csv")
        report = build_response_report(read_diary(path), "pain")
        expected[name] = {k: report[k] for k in ("status", "baseline", "maintenance", "effect", "percent_change",
                                                 "p_improvement_ge_mcid", "missing", "side_effects", "adherence")}
        if name in ("responder", "non_responder"):
            plot_response(read_diary(path), HERE / f"{name}.png", "pain")
    design, key = design_trial(pairs=3, period_weeks=4, start_date=TRIAL_START, seed=2027)
    key_path = HERE / "trial-key.json"
    key_path.unlink(missing_ok=True)
    save_key(key, key_path)
    trial_path = write_diary(simulate_trial_diary(design, key, effect_points=-3.0, seed=507), HERE / "trial-diary.csv")
    result = analyze_trial(read_diary(trial_path), key, "pain")
    expected["trial"] = {"verdict": result.verdict, "pair_improvements": list(result.pair_improvements),
                         "p_ldn_better_by_mcid": result.bayes["p_ldn_better_by_mcid"]}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, default=str) + "\n")
    for name, values in expected.items():
        print(name, values.get("status", values.get("verdict")))


if __name__ == "__main__":
    main()
