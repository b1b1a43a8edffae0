"""``ldncare fhir``: the patient's LDN record in and out as an HL7 FHIR R4B Bundle.

``export`` builds a collection Bundle from files (a diary CSV, a plan from ``ldncare plan
--json``, condition ids, a trial design) or, with ``--patient``, from the ldncare database;
``import`` reads a Bundle back into the same files and reports what it could not map.
Mapping and limits: ``docs/interoperability.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections import Counter
from pathlib import Path

import typer

from ldncare.commands.common import fail, print_json
from ldncare.core.fhir import (
    FHIR_VERSION,
    MAX_BUNDLE_BYTES,
    ON_CONFLICT,
    ExportError,
    FhirImportError,
    ImportConflictError,
    PatientRecord,
    PlanFormatError,
    PrescribedPlan,
    bundle_to_json,
    condition_entry,
    export_bundle,
    import_bundle,
    trial_design_from_json,
)
from ldncare.core.response import DiaryFormatError, read_diary, write_diary
from ldncare.core.text import control_character_message

__all__ = ["app", "export", "import_"]

app = typer.Typer(help=f"HL7 FHIR ({FHIR_VERSION}, R4B) export and import of a patient's LDN record.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def recorded_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible files, as in reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(dt.UTC)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        fail(f"SOURCE_DATE_EPOCH {epoch!r} is not a number of seconds; allowed: an integer, or unset")


def _read_json(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{what} file {str(path)!r} not found")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path.name} is not JSON ({exc}); allowed: {what} JSON")


def _conditions(texts: list[str]):
    entries = []
    for text in texts:
        name, _, code = text.partition("=")
        try:
            entries.append(condition_entry(name, code.strip() or None))
        except LookupError as exc:
            hint = f"; did you mean {', '.join(exc.suggestions)}?" if getattr(exc, "suggestions", None) else ""
            fail(f"unknown condition {name!r}{hint} (allowed: ids from 'ldncare evidence conditions', optionally ID=ICD10CM)")
        except ValueError as exc:
            fail(str(exc))
    return tuple(entries)


def _write(path: Path | None, text: str) -> None:
    if path is None:
        typer.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}; allowed: a writable file path")


@app.command("export")
def export(
    diary: Path = typer.Option(None, "--diary", help="Diary CSV (format: docs/diary-format.md)."),
    plan: Path = typer.Option(None, "--plan", help="Plan JSON as printed by 'ldncare plan --json'."),
    condition: list[str] = typer.Option(None, "--condition", help="Condition id, optionally ID=ICD10CM code (repeatable)."),
    trial: Path = typer.Option(None, "--trial", help="Trial design JSON ('ldncare trial design --json') or the key file "
                                                     "(only its design is exported, never the allocation)."),
    patient: str = typer.Option(None, "--patient", help="Export this patient (public id or username) from the ldncare "
                                                        "database instead of files (audited)."),
    pseudonym: str = typer.Option("anonymous", "--pseudonym", help="Pseudonym of the patient in the file (never a name)."),
    timezone: str = typer.Option(None, "--timezone", help="IANA time zone of the diary's dose times (default: the "
                                 "patient's own zone with --patient, else $TZ, else UTC)."),
    prescriber: str = typer.Option(None, "--prescriber", help="Who wrote the plan (shown as its author)."),
    output: Path = typer.Option(None, "-o", "--output", help="Write the Bundle here (default: standard output)."),
    as_json: bool = typer.Option(False, "--json", help="With -o: print a JSON summary instead of text."),
) -> None:
    """Export a patient's LDN record as a FHIR R4B Bundle (JSON). Not medical advice."""
    zone = timezone or os.environ.get("TZ") or "UTC"  # files; the database export uses the patient's zone
    if patient is not None and (diary or plan or trial or condition):
        fail("--patient exports from the database; allowed: --patient alone, or --diary/--plan/--condition/--trial")
    if patient is None and not (diary or plan or trial or condition):
        fail("nothing to export; allowed: --diary, --plan, --condition, --trial, or --patient ID")
    try:
        if patient is not None:
            bundle = _export_from_database(patient, timezone)
        else:
            for option, text in (("--pseudonym", pseudonym), ("--prescriber", prescriber or "")):
                if (problem := control_character_message(text)) is not None or len(text) > 200:
                    fail(f"{option}: {problem or 'longer than 200 characters'}")
            record = PatientRecord(pseudonym=pseudonym, conditions=_conditions(condition or []),
                                   plan=_plan(plan) if plan else None, diary=_diary(diary) if diary else None,
                                   trial=_trial(trial) if trial else None)
            bundle = export_bundle(record, timezone=zone, recorded=recorded_time(), prescriber=prescriber)
    except ExportError as exc:
        fail(str(exc))
    _write(output, bundle_to_json(bundle))
    if output is not None:
        counts = dict(Counter(entry.resource.get_resource_type() for entry in bundle.entry))
        if as_json:
            print_json({"output": str(output), "fhir_version": FHIR_VERSION, "resources": counts})
        else:
            typer.echo(f"Wrote a FHIR {FHIR_VERSION} Bundle of {len(bundle.entry)} resources to {output}: "
                       + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def _export_from_database(patient: str, zone: str | None):
    """The database-backed export: Django is set up and imported here only, and the export is audited."""
    user = _database_patient(patient)
    from django.db import DatabaseError

    from ldncare.web.access.models import AuditEvent
    from ldncare.web.interop.services import export_patient_bundle

    try:
        bundle = export_patient_bundle(user, timezone=zone, recorded=recorded_time())
        AuditEvent.objects.create(actor_username="(command line)", subject_id=user.pk, object_type="fhir",
                                  object_id=str(user.public_id), action=AuditEvent.Action.EXPORT,
                                  outcome=AuditEvent.Outcome.ALLOWED, channel="cli")
    except DatabaseError as exc:
        fail(f"the database cannot be read ({exc}); allowed: a migrated ldncare database (ldncare run migrates it)")
    return bundle


def _restore_into_database(patient: str, record: PatientRecord, on_existing: str, name: str) -> dict:
    """Add ``record`` to a patient's record in the database (one transaction, audited); a report for the output."""
    user = _database_patient(patient)
    from django.db import DatabaseError

    from ldncare.web.access.models import AuditEvent
    from ldncare.web.interop.services import RestoreError, restore_record

    try:
        report = restore_record(user, record, on_existing=on_existing)
    except RestoreError as exc:
        fail(f"{name}: {len(exc.problems)} problem(s) in patient {patient}'s record, nothing was written:"
             + "".join(f"\n  {problem}" for problem in exc.problems))
    except DatabaseError as exc:
        fail(f"the database cannot be written ({exc}); nothing was written")
    AuditEvent.objects.create(actor_username="(command line)", subject_id=user.pk, object_type="fhir",
                              object_id=str(user.public_id), action=AuditEvent.Action.CREATE,
                              outcome=AuditEvent.Outcome.ALLOWED, channel="cli")
    return {"patient": str(user.public_id), "days_written": report.days_written,
            "kept_existing": [d.isoformat() for d in report.kept_existing], "not_stored": list(report.not_stored)}


def _database_patient(patient: str):
    """The active patient ``patient`` (public id or username) of the ldncare database; Django is set up here only."""
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    try:
        key = {"public_id": uuid.UUID(patient)}
    except ValueError:
        key = {"username": patient}
    try:
        user = get_user_model().objects.filter(role="patient", is_active=True, **key).first()
    except DatabaseError as exc:
        fail(f"the database cannot be read ({exc}); allowed: a migrated ldncare database (ldncare run migrates it)")
    if user is None:
        fail(f"no patient {patient!r} in the database; allowed: a patient's public id (UUID) or username")
    return user


def _plan(path: Path) -> PrescribedPlan:
    try:
        return PrescribedPlan.from_json(_read_json(path, "plan"))
    except PlanFormatError as exc:
        fail(f"{path.name}: {exc}")


def _diary(path: Path):
    try:
        return read_diary(path)
    except FileNotFoundError:
        fail(f"diary file {str(path)!r} not found")
    except DiaryFormatError as exc:
        fail(f"{path.name}: {exc} (format: docs/diary-format.md)")


def _trial(path: Path):
    try:
        return trial_design_from_json(_read_json(path, "trial design"))
    except ValueError as exc:
        fail(f"{path.name}: {exc}")


def _latest_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"--latest-day {text!r} is not a date; allowed: YYYY-MM-DD")


@app.command("import")
def import_(
    bundle: Path = typer.Argument(..., help="A FHIR R4B Bundle (JSON)."),
    diary_out: Path = typer.Option(None, "--diary-out", help="Write the diary as CSV here."),
    plan_out: Path = typer.Option(None, "--plan-out", help="Write the plan JSON (the keys of 'ldncare plan --json' it covers)."),
    trial_out: Path = typer.Option(None, "--trial-out", help="Write the trial design JSON here."),
    on_conflict: str = typer.Option("refuse", "--on-conflict", help="An item given twice (same day, same score; a "
                                    "duplicate day): 'refuse' the bundle (default) or 'keep-first' and list the others."),
    latest_day: str = typer.Option(None, "--latest-day", help="The latest diary day accepted (YYYY-MM-DD; default: "
                                   "today). Only for simulated or planned diaries."),
    patient: str = typer.Option(None, "--patient", help="Also add the record to this patient's record in the ldncare "
                                "database (public id or username; audited). A day they already have is never "
                                "overwritten."),
    on_existing: str = typer.Option("refuse", "--on-existing", help="With --patient, a day the patient already has: "
                                    "'refuse' the import (default) or 'keep-existing' and list it."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import a FHIR Bundle: report what was read, what is unknown and every conflict; write the diary and plan
    (and, with --patient, into the database). All or nothing."""
    if on_conflict not in ON_CONFLICT:
        fail(f"--on-conflict {on_conflict!r}; allowed: {', '.join(ON_CONFLICT)}")
    if on_existing not in ("refuse", "keep-existing"):
        fail(f"--on-existing {on_existing!r}; allowed: refuse, keep-existing")
    latest = _latest_day(latest_day)
    try:
        size = bundle.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            fail(f"{bundle.name} is {size / 2**20:.1f} MiB; allowed: at most {MAX_BUNDLE_BYTES // 2**20} MiB "
                 "(split it, e.g. by year); nothing was written")
        text = bundle.read_bytes()
    except FileNotFoundError:
        fail(f"bundle file {str(bundle)!r} not found")
    except OSError as exc:
        fail(f"cannot read {bundle}: {exc.strerror}; allowed: a readable file")
    try:
        result = import_bundle(text, on_conflict=on_conflict, latest_day=latest)
    except ImportConflictError as exc:
        if as_json:
            print_json({"error": str(exc), "conflicts": [c.to_json() for c in exc.conflicts], "written": {}})
        lines = "".join(f"\n  {c}" for c in exc.conflicts)
        fail(f"{bundle.name}: {len(exc.conflicts)} item(s) given more than once, nothing was written "
             f"(allowed: one value per item; --on-conflict keep-first keeps the first of each):{lines}")
    except FhirImportError as exc:
        fail(f"{bundle.name}: {exc}; nothing was written")
    record = result.record
    for path, part, name in ((diary_out, record.diary, "diary"), (plan_out, record.plan, "plan"),
                             (trial_out, record.trial, "trial design")):
        if path is not None and part is None:
            fail(f"{bundle.name} holds no {name}; nothing was written")
    written = {}
    if patient is not None:
        written["database"] = _restore_into_database(patient, record, on_existing, bundle.name)
    if diary_out is not None:
        written["diary"] = str(write_diary(record.diary, diary_out))
    if plan_out is not None:
        _write(plan_out, json.dumps(record.plan.to_json(), indent=2, ensure_ascii=False) + "\n")
        written["plan"] = str(plan_out)
    if trial_out is not None:
        _write(trial_out, record.trial.model_dump_json(indent=2) + "\n")
        written["trial"] = str(trial_out)
    report = {
        "patient": record.pseudonym,
        "conditions": [{"id": c.id, "icd10": c.icd10} for c in record.conditions],
        "diary_days": len(record.diary.days) if record.diary else 0,
        "plan_steps": len(record.plan.steps) if record.plan else 0,
        "trial_id": record.trial.trial_id if record.trial else None,
        "imported": result.imported,
        "unknown": list(result.unknown),
        "conflicts": [c.to_json() for c in result.conflicts],
        "adjusted": list(result.adjusted),
        "written": written,
    }
    if as_json:
        print_json(report)
        return
    typer.echo(f"Patient {record.pseudonym}: {report['diary_days']} diary days, {report['plan_steps']} plan steps, "
               f"{len(record.conditions)} conditions" + (f", trial {report['trial_id']}" if record.trial else ""))
    typer.echo("Imported: " + ", ".join(f"{n} {kind}" for kind, n in result.imported.items()))
    if result.unknown:
        typer.echo(f"Not mapped ({len(result.unknown)}, left out):")
        for line in result.unknown:
            typer.echo(f"  {line}")
    if result.conflicts:
        typer.echo(f"Given more than once ({len(result.conflicts)}; the first kept, the others left out):")
        for conflict in result.conflicts:
            typer.echo(f"  {conflict}")
    if result.adjusted:
        typer.echo(f"Stored in another form ({len(result.adjusted)}):")
        for line in result.adjusted:
            typer.echo(f"  {line}")
    for name, path in written.items():
        if name == "database":
            typer.echo(f"Added {path['days_written']} diary days to patient {patient}'s record"
                       + (f"; kept their own {len(path['kept_existing'])} day(s): {', '.join(path['kept_existing'])}"
                          if path["kept_existing"] else ""))
            for line in path["not_stored"]:
                typer.echo(f"  not stored: {line}")
        else:
            typer.echo(f"Wrote the {name} to {path}")
