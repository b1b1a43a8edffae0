"""``ldncare simulate``: the CLI and JSON contract, errors with exit code 2, the picture."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()
DAILY_KEYS = {"day", "ntx_cmax_ng_per_ml", "ntx_tmax_h", "ntx_auc_ng_h_per_ml", "nal6b_cmax_ng_per_ml",
              "nal6b_auc_ng_h_per_ml", "mor_occupancy_peak", "mor_occupancy_trough", "mor_hours_ge_50pct",
              "mor_hours_ge_90pct", "rebound_index"}


def test_json_contract_single_subject():
    result = runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--time", "22:00", "--days", "3", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"scenario", "regimen", "daily", "parameters", "assumptions", "scenarios"}
    assert payload["scenario"] == "compromise"  # the scenario the validation supports, not 'fast'
    assert len(payload["daily"]) == 3
    assert set(payload["daily"][0]) == DAILY_KEYS
    assert payload["daily"][0]["ntx_tmax_h"] == 1.0
    assert {"name", "value", "unit", "status", "source"} <= set(payload["parameters"][0])


def test_json_contract_population():
    result = runner.invoke(app, ["simulate", "--dose-mg", "1.5", "--form", "sr", "--days", "2", "--population",
                                 "200", "--seed", "4", "--scenario", "slow", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["regimen"]["population"] == 200
    day = payload["daily"][1]
    assert set(day) == DAILY_KEYS
    assert set(day["mor_occupancy_peak"]) == {"p5", "p50", "p95"}
    assert day["ntx_cmax_ng_per_ml"]["p5"] <= day["ntx_cmax_ng_per_ml"]["p95"]
    again = runner.invoke(app, ["simulate", "--dose-mg", "1.5", "--form", "sr", "--days", "2", "--population",
                                "200", "--seed", "4", "--scenario", "slow", "--json"])
    assert again.stdout == result.stdout


def test_human_output_has_table_labels_and_disclaimer():
    result = runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--days", "2", "--scenario", "compromise",
                                 "--weight-kg", "90", "--hepatic", "mild"])
    assert result.exit_code == 0, result.output
    for text in ("HYPOTHESIS", "Not medical advice", "compromise", "TLR4", "Parameters"):
        assert text in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dose-mg", "0"], "--dose-mg"),
        (["--dose-mg", "-1"], "--dose-mg"),
        (["--dose-mg", "501"], "at most 500"),
        (["--dose-mg", "4.5", "--form", "xr"], "allowed: ir, sr"),
        (["--dose-mg", "4.5", "--days", "366"], "1 to 365"),
        (["--dose-mg", "4.5", "--population", "10000001"], "10,000,000"),
        (["--dose-mg", "4.5", "--time", "25:00"], "HH:MM"),
        (["--dose-mg", "4.5", "--hepatic", "bad"], "none, mild, moderate, severe"),
        (["--dose-mg", "4.5", "--scenario", "medium"], "fast, compromise, slow"),
        (["--dose-mg", "4.5", "--plot", "x.svg"], ".png"),
    ],
)
def test_invalid_input_exits_2_with_a_clear_message(args, message):
    result = runner.invoke(app, ["simulate", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.slow
def test_plot_writes_a_png(tmp_path):
    target = tmp_path / "day.png"
    result = runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--time", "22:00", "--days", "2", "--plot",
                                 str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000


@pytest.mark.slow
def test_population_on_a_dask_scheduler_equals_the_local_run():
    distributed = pytest.importorskip("distributed")
    args = ["simulate", "--dose-mg", "4.5", "--days", "2", "--population", "300", "--seed", "8", "--json"]
    local = runner.invoke(app, args)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = runner.invoke(app, [*args, "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout)["daily"] == json.loads(local.stdout)["daily"]


def test_unreachable_scheduler_exits_2():
    result = runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--days", "1", "--population", "10",
                                 "--scheduler", "not-an-address"])
    assert result.exit_code == 2
    assert "Dask scheduler" in result.output


def test_default_is_the_validated_scenario_and_all_three_are_compared():
    from ldncare.core.pharmacology.validation import run_checks

    payload = json.loads(runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--days", "3", "--json"]).stdout)
    checks = run_checks()
    fitted = [c for c in checks if c.scenario == payload["scenario"] and c.fitted]
    assert fitted
    assert all(c.passed for c in fitted)
    offsets = [c for c in checks if c.id in ("V19", "V20", "V22") and c.scenario == payload["scenario"]]
    assert sum(c.passed for c in offsets) >= 2  # 'fast' passes none of the three
    rows = {r["scenario"]: r for r in payload["scenarios"]}
    assert set(rows) == {"fast", "compromise", "slow"}
    assert [r["scenario"] for r in payload["scenarios"] if r["default"]] == [payload["scenario"]]
    assert rows["fast"]["mor_occupancy_trough"] < rows["compromise"]["mor_occupancy_trough"] < rows["slow"]["mor_occupancy_trough"]
    assert rows["compromise"]["mor_occupancy_trough"] == pytest.approx(payload["daily"][-1]["mor_occupancy_trough"])


def test_no_output_says_no_plasma_data_exist_below_50_mg():
    for args in (["--json"], []):
        out = runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--days", "2", *args]).stdout
        assert "data exist below 50" not in out
        assert "No plasma" not in out
    payload = json.loads(runner.invoke(app, ["simulate", "--dose-mg", "4.5", "--days", "2", "--json"]).stdout)
    assert any("Rabiner 2011 (2-15 mg" in a for a in payload["assumptions"])
