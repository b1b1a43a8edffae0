"""``ldncare evidence``: every form of the CLI contract, JSON shapes, and exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.knowledge.conditions import load_conditions
from ldncare.core.knowledge.studies import load_studies, studies_for_condition

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "evidence"
CONTRACT_CONDITIONS = (
    "crohns-disease", "ulcerative-colitis", "multiple-sclerosis", "systemic-sclerosis", "hashimotos-thyroiditis",
    "fibromyalgia", "autism", "neuropathic-pain", "depression", "complex-regional-pain-syndrome", "me-cfs",
    "rheumatoid-arthritis", "long-covid",
)  # fmt: skip
STUDY_KEYS = ("id", "year", "design", "level", "n_enrolled", "pmid", "doi", "ldn_dose_mg", "results", "sources")


def run(*args: str):
    return runner.invoke(app, ["evidence", *args])


def run_json(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_overview_table_and_json():
    result = run()
    assert result.exit_code == 0
    assert "Fibromyalgia" in result.stdout
    assert "CEBM 2011" in result.stdout
    rows = run_json("--json")
    assert [r["id"] for r in rows] == [c.id for c in load_conditions()]
    for row in rows:
        assert set(row) == {"id", "name", "certainty", "n_studies"}
        assert row["certainty"] in ("high", "moderate", "low", "very_low")
        primary = [s for s in studies_for_condition(row["id"]) if not s.is_review]
        assert row["n_studies"] == len(primary)


@pytest.mark.parametrize("condition_id", CONTRACT_CONDITIONS)
def test_every_contract_condition_answers_with_its_studies_numbers_and_sources(condition_id):
    data = run_json(condition_id, "--json")
    assert data["condition"]["id"] == condition_id
    assert set(data["condition"]) == {"id", "name", "icd10"}
    assert data["condition"]["icd10"]
    assert data["certainty"] in ("high", "moderate", "low", "very_low")
    assert data["certainty_reasons"]
    assert len(data["summary"]) > 100
    records = {s.id: s for s in studies_for_condition(condition_id)}
    assert {s["id"] for s in data["studies"]} == set(records)
    for study in data["studies"]:
        assert set(STUDY_KEYS) <= set(study)
        record = records[study["id"]]
        assert study["year"] == record.citation.year
        assert study["n_enrolled"] == record.n_enrolled
        assert study["ldn_dose_mg"] == record.ldn_dose_mg
        assert study["pmid"] == record.pmid
        assert study["doi"] == record.doi
        assert 1 <= study["level"] <= 5
        assert [r["text"] for r in study["results"]] == [r.text for r in record.results]
        assert study["sources"]
        assert all(src["url"].startswith("http") for src in study["sources"])
    assert "meta_analysis" in data


def test_smith_2007_numbers_in_the_crohns_answer():
    data = run_json("crohns", "--json")
    smith = next(s for s in data["studies"] if s["id"] == "smith2007-crohns-openlabel")
    assert (smith["n_enrolled"], smith["ldn_dose_mg"], smith["pmid"], smith["year"]) == (17, 4.5, "17222320", 2007)
    response = next(r for r in smith["results"] if "response_pct" in r["values"])
    assert response["values"] == {"response_pct": 89.0, "remission_pct": 67.0}
    assert response["basis"] == "stated"
    assert smith["sources"][0]["url"] == "https://pubmed.ncbi.nlm.nih.gov/17222320/"


@pytest.mark.parametrize(
    "args",
    [("Crohn's disease", "--json"), ("crohn", "disease", "--json"), ("--json", "Crohn disease"), ("CROHNS", "--json")],
)
def test_condition_forms_people_type(args):
    assert run_json(*args)["condition"]["id"] == "crohns-disease"


def test_condition_human_output_shows_certainty_summary_and_meta_analysis():
    result = run("fibromyalgia")
    assert result.exit_code == 0
    out = result.stdout
    assert "Certainty of evidence (GRADE): Low" in out
    assert "What this means for you" in out
    assert "Meta-analysis (pain): not pooled" in out
    assert "side by side, unpooled" in out
    assert "Younger 2013: d_z_crossover -0.46" in out  # each study on its own measure
    assert "Published synthesis, Ologunowa 2025" in out
    assert "0 in controlled trials of Ulcerative colitis alone" in run("ulcerative colitis").stdout
    assert "not medical advice" in out
    autism = run("autism")
    assert "not LDN in the modern sense" in autism.stdout
    assert "Meta-analysis (pain): not pooled: no controlled study" in autism.stdout


def test_fibromyalgia_json_names_the_measure_of_every_effect_and_splits_participants():
    data = run_json("fibromyalgia", "--json")
    ma = data["meta_analysis"]
    if ma["poolable"]:  # a pooled analysis names one measure for every pooled study, and the conversion used
        assert {s["effect_measure"] for s in ma["studies"]} == {ma["effect_measure"]}
        assert all("conversion" in s for s in ma["studies"])
    else:
        assert {s["effect_measure"] for s in ma["side_by_side"]} >= {"d_z_crossover", "effect_size_unnamed", "MD"}
    published = {p["id"] for p in ma["published"]}
    assert {"ologunowa2025-fibromyalgia-meta", "annmedsurg2025-fibromyalgia-meta"} <= published
    parts = data["numbers"]["participants"]
    assert set(parts) == {"controlled_trials", "uncontrolled_studies", "registers", "mixed_condition_cohorts"}
    uc = run_json("ulcerative-colitis", "--json")["numbers"]["participants"]
    assert uc["controlled_trials"] == 0
    assert uc["registers"] == 582
    assert uc["mixed_condition_cohorts"] == 47


def test_unknown_condition_exits_2_with_closest_matches():
    result = run("fibromyalga")
    assert result.exit_code == 2
    assert "did you mean: fibromyalgia" in result.stderr
    assert "Traceback" not in result.output


def test_search():
    hits = run_json("search", "vivid", "dreams", "--json")
    assert hits[0] == {**hits[0], "kind": "side_effect", "id": "vivid_dreams"}
    assert run_json("search", "17222320", "--json")[0]["id"] == "smith2007-crohns-openlabel"
    assert {h["kind"] for h in run_json("search", "pain", "--kind", "study", "--json")} == {"study"}
    assert "Search: crohns" in run("search", "crohns").stdout
    assert "No matches" in run("search", "zzzzqqqq").stdout
    bad = run("search", "pain", "--kind", "drug")
    assert bad.exit_code == 2
    assert "allowed: condition, study, side_effect, claim" in bad.stderr


def test_claims():
    claims = run_json("claims", "--json")
    assert claims
    for claim in claims:
        assert claim["verdict"] in ("supported", "partly_supported", "not_supported", "no_evidence_found")
        assert claim["sources"]
    smith = next(c for c in claims if c["id"] == "smith2007-89-response-67-remission")
    assert "smith2007-crohns-openlabel" in smith["studies"]
    only = run_json("claims", "--verdict", "supported", "--json")
    assert only
    assert {c["verdict"] for c in only} == {"supported"}
    assert run("claims").exit_code == 0
    bad = run("claims", "--verdict", "maybe")
    assert bad.exit_code == 2
    assert "allowed:" in bad.stderr


@pytest.mark.parametrize(("fmt", "start"), [("bibtex", "@article{"), ("ris", "TY  - JOUR"), ("csljson", "[")])
def test_cite_formats(fmt, start):
    result = run("cite", "depression", "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout.startswith(start)
    assert "mischoulon2017-mdd-augmentation" in result.stdout


def test_cite_all_and_file_and_errors(tmp_path):
    items = json.loads(run("cite", "all", "--format", "csljson").stdout)
    assert len(items) == len(load_studies())
    assert json.loads(run("cite", "--format", "csljson").stdout) == items
    out = tmp_path / "fibro.bib"
    assert run("cite", "fibromyalgia", "--format", "bibtex", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count("@") == len(studies_for_condition("fibromyalgia"))
    bad = run("cite", "fibromyalgia", "--format", "endnote")
    assert bad.exit_code == 2
    assert "allowed: bibtex, ris, csljson" in bad.stderr
    assert run("cite", "nonsense-condition", "--format", "ris").exit_code == 2


def _two_md_trials():
    from ldncare.core.knowledge.studies import Effect, get_study

    base = get_study("bruun2024-fibromyalgia-final-rct")
    return tuple(
        base.model_copy(update={"id": sid, "effects": [Effect(
            outcome_domain="pain", instrument="pain NRS", effect_measure="MD", scale="NRS 0-10",
            estimate=est, ci_low=est - 0.6, ci_high=est + 0.6, basis="stated")]})
        for sid, est in (("alpha", -0.5), ("beta", -0.2))
    )  # fmt: skip


def test_forest(tmp_path, monkeypatch):
    crohns = run("forest", "crohns", "-o", str(tmp_path / "c.png"))
    assert crohns.exit_code == 2
    assert "no meta-analysis for crohns-disease" in crohns.stderr
    assert not (tmp_path / "c.png").exists()
    fm = run("forest", "fibromyalgia", "-o", str(tmp_path / "fm.png"))
    assert fm.exit_code == 2  # different effect measures: never one pooled estimate, so no forest plot
    assert "side by side" in fm.stderr
    monkeypatch.setattr("ldncare.core.evidence.meta_analysis.studies_for_condition", lambda _c: _two_md_trials())
    png = tmp_path / "forest.png"
    result = run("forest", "fibromyalgia", "-o", str(png))
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "2 trials, pooled MD" in result.stdout
    svg = tmp_path / "forest.svg"
    assert run("forest", "fibromyalgia", "--output", str(svg)).exit_code == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert run("forest", "fibromyalgia", "-o", str(tmp_path / "f.pdf")).exit_code == 2
    assert run("forest", "fibromyalgia", "-o", str(tmp_path / "missing" / "f.png")).exit_code == 2


def test_import_pubmed_json_and_write(tmp_path):
    drafts = run_json("import", "pubmed", str(DATA / "pubmed_two_articles.xml"), "--json")
    assert [d["pmid"] for d in drafts] == ["17222320", "35396307"]
    for d in drafts:
        assert list(d)[:7] == ["pmid", "doi", "title", "journal", "year", "authors", "abstract"]
        assert d["status"] == "draft_unreviewed"
        assert d["review"] is None
    assert drafts[0]["authors"][0] == "Smith JP"
    assert drafts[0]["duplicate_of"] == "smith2007-crohns-openlabel"
    assert drafts[1]["duplicate_of"] is None
    out = tmp_path / "drafts"
    result = run("import", "pubmed", str(DATA / "pubmed_two_articles.xml"), "--write", str(out))
    assert result.exit_code == 0
    assert "wrote 1 draft(s)" in result.stderr
    assert "skipped duplicates: pmid17222320" in result.stderr
    (written,) = out.iterdir()
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["pmid"] == "35396307"


def test_import_ctgov(tmp_path):
    (draft,) = run_json("import", "ctgov", str(DATA / "ctgov_study.json"), "--json")
    assert draft["pmid"] is None
    assert draft["nct"] == ["NCT04678895"]
    assert draft["year"] == 2020
    page = run_json("import", "ctgov", str(DATA / "ctgov_search_page.json"), "--json", "--write", str(tmp_path))
    assert [d["duplicate_of"] for d in page] == ["bruun2024-fibromyalgia-final-rct", None]
    assert [p.name for p in tmp_path.iterdir()] == ["nct04678895.draft.yaml"]


@pytest.mark.parametrize(
    ("source", "file", "message"),
    [
        ("pubmed", "pubmed_malformed.xml", "malformed or truncated XML"),
        ("pubmed", "ctgov_study.json", "not XML"),
        ("ctgov", "ctgov_malformed.json", "invalid JSON at line"),
        ("ctgov", "ctgov_not_a_study.json", "not a ClinicalTrials.gov API v2 study"),
        ("ctgov", "does_not_exist.json", "cannot read the file"),
    ],
)
def test_malformed_imports_exit_2_and_write_nothing(tmp_path, source, file, message):
    out = tmp_path / "drafts"
    result = run("import", source, str(DATA / file), "--write", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_help_lists_every_form():
    result = run("--help")
    assert result.exit_code == 0
    for word in ("[CONDITION]", "search", "claims", "cite", "forest", "import"):
        assert word in result.stdout
    assert "show" not in result.stdout.split("Commands")[-1]
    assert "pubmed" in run("import", "--help").stdout
