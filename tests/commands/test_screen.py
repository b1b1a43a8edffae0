"""``ldncare screen``: the CLI/JSON contract, human output, and exit 2 on bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, ["screen", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_contraindicated_json_contract_and_exit_zero():
    payload = _json("--med", "Norco 5/325", "--med", "ibuprofen", "--med", "Zzyqx")
    assert set(payload) == {"verdict", "findings", "unrecognized"}
    assert payload["verdict"] == "contraindicated"
    first = payload["findings"][0]
    assert set(first) == {"level", "code", "message", "action", "sources", "matched"}
    assert first["matched"][0]["ingredient"] == "hydrocodone"
    assert first["matched"][0]["input"] == "Norco 5/325"
    assert first["sources"][0]["url"].startswith("https://")
    assert payload["unrecognized"] == ["Zzyqx"]


def test_all_profile_options():
    surgery = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    payload = _json(
        "--med", "levothyroxine", "--condition", "hashimotos-thyroiditis", "--pregnant", "--breastfeeding",
        "--hepatic", "mild", "--surgery-date", surgery, "--dose-mg", "12", "--age", "16", "--weight-kg", "50",
    )
    codes = {f["code"] for f in payload["findings"]}
    assert codes == {"thyroid-hormone-hashimoto", "pregnancy", "breastfeeding", "hepatic-impairment",
                     "surgery-planned", "dose-high", "pediatric", "pediatric-dose-above-trial"}
    assert payload["verdict"] == "caution"


def test_ok_for_non_opioids():
    assert _json("--med", "metformin", "--med", "sertraline 50mg")["verdict"] == "ok"


def test_human_output_names_the_match_and_the_disclaimer():
    result = runner.invoke(app, ["screen", "--med", "tramadoll 50mg"])
    assert result.exit_code == 0
    assert "CONTRAINDICATED" in result.stdout
    assert "'tramadoll 50mg' -> tramadol" in result.stdout
    assert "Not medical advice" in result.stdout
    unknown = runner.invoke(app, ["screen", "--med", "Zzyqx"])
    assert "ask your pharmacist" in unknown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--med", "x", "--dose-mg", "-1"], "allowed"),
        (["--med", "x", "--dose-mg", "0"], "allowed"),
        (["--med", "x", "--dose-mg", "5000"], "<= 300"),
        (["--med", "x", "--dose-mg", "nan"], "not plausible"),
        (["--med", "x", "--age", "300"], "--age"),
        (["--med", "x", "--weight-kg", "0"], "--weight-kg"),
        (["--med", "x", "--surgery-date", "2026-02-30"], "YYYY-MM-DD"),
        (["--med", "x", "--surgery-date", "next week"], "YYYY-MM-DD"),
        (["--med", "x", "--surgery-date", "1926-11-24"], "within 5 years"),
        (["--med", "x", "--hepatic", "bad"], "none, mild, moderate, severe"),
        (["--condition", "hashimotto"], "hashimotos-thyroiditis"),
        (["--med", " "], "empty"),
        ([], "nothing to screen"),
    ],
)
def test_bad_input_exits_2_with_what_is_allowed(args, message):
    result = runner.invoke(app, ["screen", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_imodium_as_needed_is_a_caution_with_the_label_wording():
    payload = _json("--med", "Imodium as needed")
    assert payload["verdict"] == "caution"
    assert payload["findings"][0]["code"] == "opioid-antidiarrheal"
    assert "may not benefit" in payload["findings"][0]["message"]
