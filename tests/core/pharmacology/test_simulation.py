"""Results carry the scenario, the regimen, every parameter with provenance and the hypothesis labels."""

from __future__ import annotations

import json

import pytest

from ldncare.core.pharmacology.engine import DAILY_METRICS
from ldncare.core.pharmacology.regimen import daily_at
from ldncare.core.pharmacology.simulation import simulate, simulate_population_result
from ldncare.core.pharmacology.tlr4 import tlr4_exposure


def test_single_result_json_contract():
    res = simulate(daily_at(4.5, "22:00", days=3, form="sr"), scenario="slow", weight_kg=80, hepatic="mild")
    payload = json.loads(json.dumps(res.as_dict(), allow_nan=False))
    assert set(payload) == {"scenario", "regimen", "daily", "parameters", "assumptions"}
    assert payload["scenario"] == "slow"
    assert [row["day"] for row in payload["daily"]] == [1, 2, 3]
    assert set(payload["daily"][0]) == {"day", *DAILY_METRICS}
    assert {"name", "value", "unit", "status", "source"} <= set(payload["parameters"][0])
    text = " ".join(payload["assumptions"])
    for label in ("HYPOTHESIS", "compounded SR has no PK data", "Not medical advice", "-fold below"):
        assert label in text


def test_population_result_has_percentile_objects():
    res = simulate_population_result(daily_at(1.5, "08:00", days=2), 300, seed=1, scenario="compromise")
    row = res.as_dict()["daily"][1]
    assert set(row["mor_occupancy_peak"]) == {"p5", "p50", "p95"}


def test_unknown_scenario():
    with pytest.raises(ValueError, match="allowed: fast, compromise, slow"):
        simulate(daily_at(4.5, days=1), scenario="medium")


def test_tlr4_gap_at_ldn_doses_is_orders_of_magnitude():
    res = simulate(daily_at(4.5, "22:00", days=1))
    gap = res.tlr4()
    assert gap["fold_below_lowest_in_vitro_uM"] > 100
    assert gap["hypothetical_tlr4_inhibition"] < 1e-4
    assert tlr4_exposure(0.0)["hypothetical_tlr4_inhibition"] == 0.0


def test_package_exports_resolve():
    import ldncare.core.pharmacology as pharmacology

    assert all(hasattr(pharmacology, name) for name in pharmacology.__all__)
