"""``ldncare fhir``: file-based export and import, round trips, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.fhir.resources import model_class

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
EPOCH = {"SOURCE_DATE_EPOCH": "1795000000"}


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    result = runner.invoke(app, ["plan", "--protocol", "article", "--start-date", "2026-02-02", "--json"])
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout)
    return path


@pytest.mark.parametrize("diary", ["responder.csv", "trial-diary.csv"])
def test_csv_bundle_csv_is_identical(tmp_path, plan_json, diary):
    bundle = tmp_path / "bundle.json"
    result = runner.invoke(app, ["fhir", "export", "--diary", str(EXAMPLES / diary), "--plan", str(plan_json),
                                 "--condition", "fibromyalgia", "--timezone", "Europe/Amsterdam", "-o", str(bundle)],
                           env=EPOCH)
    assert result.exit_code == 0, result.output
    assert "Wrote a FHIR 4.3.0 Bundle" in result.stdout
    data = json.loads(bundle.read_text())
    assert all(model_class(e["resource"]["resourceType"]).model_validate(e["resource"]) for e in data["entry"])
    # the example trial diary is simulated into 2027: a diary day must not be in the future otherwise
    result = runner.invoke(app, ["fhir", "import", str(bundle), "--diary-out", str(tmp_path / "out.csv"),
                                 "--plan-out", str(tmp_path / "plan.json"), "--latest-day", "2027-12-31", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["unknown"] == []
    assert report["conditions"] == [{"id": "fibromyalgia", "icd10": "M79.7"}]
    assert (tmp_path / "out.csv").read_text() == (EXAMPLES / diary).read_text()
    original, restored = json.loads(plan_json.read_text()), json.loads((tmp_path / "plan.json").read_text())
    assert {k: original[k] for k in restored} == restored


def test_trial_design_from_the_key_file_leaves_the_allocation_behind(tmp_path):
    key = json.loads((EXAMPLES / "trial-key.json").read_text())
    result = runner.invoke(app, ["fhir", "export", "--trial", str(EXAMPLES / "trial-key.json")], env=EPOCH)
    assert result.exit_code == 0, result.output
    assert key["design"]["trial_id"] in result.stdout
    assert "allocation\"" not in result.stdout
    bundle = tmp_path / "b.json"
    bundle.write_text(result.stdout)
    result = runner.invoke(app, ["fhir", "import", str(bundle), "--trial-out", str(tmp_path / "design.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "design.json").read_text()) == key["design"]


def test_unknown_resources_are_listed(tmp_path):
    result = runner.invoke(app, ["fhir", "import", str(ROOT / "tests" / "data" / "fhir" / "foreign-bundle.json")])
    assert result.exit_code == 0, result.output
    assert "Not mapped (3, left out)" in result.stdout
    assert "Encounter/" in result.stdout


def test_a_malformed_bundle_writes_nothing(tmp_path):
    bundle = json.loads((ROOT / "tests" / "data" / "fhir" / "foreign-bundle.json").read_text())
    bundle["entry"][4]["resource"]["valueQuantity"]["value"] = "seventy"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["fhir", "import", str(path), "--diary-out", str(out)])
    assert result.exit_code == 2
    assert "entry[4].resource.valueQuantity.value" in result.stderr
    assert "nothing was written" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["fhir", "export"], "nothing to export"),
    (["fhir", "export", "--condition", "fibromyalga"], "unknown condition 'fibromyalga'; did you mean fibromyalgia"),
    (["fhir", "export", "--condition", "fibromyalgia=K50.90"], "not listed for fibromyalgia"),
    (["fhir", "export", "--diary", "missing.csv"], "not found"),
    (["fhir", "export", "--condition", "fibromyalgia", "--timezone", "Mars/Base"], "unknown time zone"),
    (["fhir", "export", "--plan", str(EXAMPLES / "trial-key.json")], "plan JSON lacks"),
    (["fhir", "export", "--condition", "fibromyalgia", "--pseudonym", "p\x1b[31m"], "--pseudonym: control character U+001B"),
    (["fhir", "export", "--condition", "fibromyalgia", "--prescriber", "Dr\x07"], "--prescriber: control character U+0007"),
    (["fhir", "import", "missing.json"], "not found"),
    (["fhir", "import", str(EXAMPLES / "trial-key.json")], "resourceType: expected a FHIR Bundle"),
])
def test_bad_input_exits_2_with_a_message(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_diary_reports_its_problems(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("date,pain\n2026-01-01,11\n")
    result = runner.invoke(app, ["fhir", "export", "--diary", str(path)])
    assert result.exit_code == 2
    assert "line 2, column 2 (pain)" in result.stderr


def test_the_documented_example_bundle_regenerates_identically(tmp_path):
    out = tmp_path / "fhir-bundle.json"
    result = runner.invoke(app, ["fhir", "export", "--diary", str(EXAMPLES / "fhir-diary.csv"),
                                 "--plan", str(EXAMPLES / "fhir-plan.json"), "--condition", "fibromyalgia",
                                 "--pseudonym", "example-patient", "--timezone", "Europe/London", "-o", str(out)],
                           env={"SOURCE_DATE_EPOCH": "1795521600"})
    assert result.exit_code == 0, result.output
    assert out.read_text() == (EXAMPLES / "fhir-bundle.json").read_text()
    assert "SOURCE_DATE_EPOCH=1795521600 ldncare fhir export" in (ROOT / "docs" / "interoperability.md").read_text()


@pytest.mark.django_db
def test_export_a_patient_from_the_database_is_audited(tmp_path, patient):
    from ldncare.web.access.models import AuditEvent
    from ldncare.web.record.models import CheckIn, Profile

    Profile.objects.create(patient=patient, condition_ids=["fibromyalgia"])
    CheckIn.objects.create(patient=patient, date="2026-03-01", pain_score=4)
    out = tmp_path / "b.json"
    result = runner.invoke(app, ["fhir", "export", "--patient", str(patient.public_id), "-o", str(out), "--json"],
                           env=EPOCH)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["resources"]["Condition"] == 1
    bundle = json.loads(out.read_text())
    assert bundle["timestamp"] == "2026-11-18T11:06:40Z"
    assert str(patient.public_id) in out.read_text()
    assert AuditEvent.objects.filter(subject_id=patient.pk, action="export", channel="cli").count() == 1
    by_name = runner.invoke(app, ["fhir", "export", "--patient", patient.username], env=EPOCH)
    assert by_name.exit_code == 0
    assert json.loads(by_name.stdout)["entry"] == bundle["entry"]


@pytest.mark.django_db
def test_export_an_unknown_patient_exits_2():
    result = runner.invoke(app, ["fhir", "export", "--patient", "nobody"])
    assert result.exit_code == 2
    assert "no patient 'nobody'" in result.stderr
    result = runner.invoke(app, ["fhir", "export", "--patient", "nobody", "--condition", "fibromyalgia"])
    assert result.exit_code == 2
    assert "--patient alone" in result.stderr


@pytest.mark.django_db
def test_import_into_a_patients_record_never_overwrites_a_day(tmp_path, patient):
    from ldncare.web.access.models import AuditEvent
    from ldncare.web.record.models import CheckIn

    diary = tmp_path / "d.csv"
    diary.write_text("date,ldn_dose_mg,dose_time,pain,notes\n2026-03-01,,,6,\n2026-03-02,1.5,22:30,5,first dose\n")
    bundle = tmp_path / "b.json"
    result = runner.invoke(app, ["fhir", "export", "--diary", str(diary), "-o", str(bundle)], env=EPOCH)
    assert result.exit_code == 0, result.output
    CheckIn.objects.create(patient=patient, date="2026-03-02", pain_score=2, notes="mine")
    result = runner.invoke(app, ["fhir", "import", str(bundle), "--patient", patient.username])
    assert result.exit_code == 2
    assert "2026-03-02: the patient already has this day" in result.stderr
    assert CheckIn.objects.filter(patient=patient).count() == 1
    result = runner.invoke(app, ["fhir", "import", str(bundle), "--patient", str(patient.public_id),
                                 "--on-existing", "keep-existing", "--json"])
    assert result.exit_code == 0, result.output
    database = json.loads(result.stdout)["written"]["database"]
    assert (database["days_written"], database["kept_existing"]) == (1, ["2026-03-02"])
    assert list(CheckIn.objects.filter(patient=patient).order_by("date").values_list("pain_score", "notes")) == [
        (6, ""), (2, "mine")]
    assert AuditEvent.objects.filter(subject_id=patient.pk, action="create", channel="cli").count() == 1
