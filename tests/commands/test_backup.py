"""``ldncare backup`` / ``ldncare restore``: consistent copies while writing, checked restores.

The drill: back up while a writer thread keeps adding diary days, restore into a fresh
database, and compare — every write confirmed before the backup began is in the copy, and
the copy holds nothing that was never written. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.web.backup import BackupError, backup_database, restore_database, validate_backup
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)
IS_SQLITE = connection.vendor == "sqlite"
SUFFIX = "sqlite3" if IS_SQLITE else "dump"


def _write_days(patient, count: int, first: dt.date) -> None:
    factory = RequestFactory()
    for i in range(count):
        request = factory.post("/me/diary/")
        request.user = patient
        services.checkin_save(request=request, patient=patient,
                              data=services.CheckInData(date=first + dt.timedelta(days=i), pain_score=i % 11),
                              checkin_uuid=uuid.uuid4())


def _rows_in(settings_dict: dict) -> set[tuple[str, str, int]]:
    """(uuid, date, pain) of every diary row in the database described by ``settings_dict``."""
    table = CheckIn._meta.db_table
    if settings_dict["ENGINE"].endswith("sqlite3"):
        import sqlite3

        conn = sqlite3.connect(settings_dict["NAME"])
        try:
            raw = conn.execute(f'SELECT uuid, date, pain_score FROM "{table}"').fetchall()
        finally:
            conn.close()
        return {(str(uuid.UUID(u)), str(d), p) for u, d, p in raw}
    import psycopg

    with psycopg.connect(dbname=settings_dict["NAME"], host=settings_dict["HOST"], port=settings_dict["PORT"],
                         user=settings_dict["USER"]) as conn:
        raw = conn.execute(f'SELECT uuid, date, pain_score FROM "{table}"').fetchall()
    return {(str(u), str(d), p) for u, d, p in raw}


@pytest.fixture
def fresh_database(tmp_path):
    """Settings for an empty second database of the same engine (dropped afterwards)."""
    settings_dict = dict(connection.settings_dict)
    if IS_SQLITE:
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    name = f"ldncare_restore_{uuid.uuid4().hex[:10]}"
    args = ["-h", settings_dict["HOST"], "-p", str(settings_dict["PORT"]), "-U", settings_dict["USER"]]
    subprocess.run(["createdb", *args, name], check=True)
    settings_dict["NAME"] = name
    try:
        yield settings_dict
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", name], check=False)


def test_backup_while_writing_then_restore_into_a_fresh_database(patient, tmp_path, fresh_database):
    _write_days(patient, 20, dt.date(2023, 1, 1))
    confirmed_before = _rows_in(connection.settings_dict)
    assert len(confirmed_before) == 20
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            day = dt.date(2024, 1, 1)
            while not stop.is_set() and len(written) < 400:
                _write_days(patient, 1, day + dt.timedelta(days=len(written)))
                written.append(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:  # the writer is really writing when the backup starts
            stop.wait(0.01)
        backup = backup_database(connection.settings_dict, tmp_path / f"drill.{SUFFIX}")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(written) >= 3
    restored = restore_database(fresh_database, backup.path)
    assert restored.integrity in {"ok", "pg_restore ok"}
    in_copy = _rows_in(fresh_database)
    everything = _rows_in(connection.settings_dict)
    assert len(everything) == 20 + len(written)
    assert confirmed_before <= in_copy  # nothing confirmed before the backup is lost
    assert in_copy <= everything  # nothing in the copy that was never written
    assert len(in_copy) >= 20 + 3


def test_cli_backup_then_restore_round_trip(patient, tmp_path):
    _write_days(patient, 5, dt.date(2023, 5, 1))
    target = tmp_path / f"cli.{SUFFIX}"
    result = runner.invoke(app, ["backup", "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["path"] == str(target)
    assert target.stat().st_size == summary["size_bytes"] > 0
    before = _rows_in(connection.settings_dict)
    _write_days(patient, 3, dt.date(2023, 9, 1))  # written after the backup: gone after restore

    refused = runner.invoke(app, ["restore", str(target)])
    assert refused.exit_code == 2
    assert "--yes" in refused.output
    assert len(_rows_in(connection.settings_dict)) == 8  # refusing changed nothing

    connections.close_all()
    done = runner.invoke(app, ["restore", str(target), "--yes"])
    assert done.exit_code == 0, done.output
    assert "integrity" in done.output
    assert _rows_in(connection.settings_dict) == before


def test_backup_refuses_bad_output_paths(db, tmp_path):
    missing_dir = runner.invoke(app, ["backup", "-o", str(tmp_path / "no" / "such" / "dir.bak")])
    assert missing_dir.exit_code == 2
    assert "is not a directory" in missing_dir.output
    existing = tmp_path / "exists.bak"
    existing.write_text("keep me")
    again = runner.invoke(app, ["backup", "-o", str(existing)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert existing.read_text() == "keep me"


def test_restore_refuses_missing_garbage_and_wrong_engine_files(db, tmp_path):
    missing = runner.invoke(app, ["restore", str(tmp_path / "nothing.sqlite3"), "--yes"])
    assert missing.exit_code == 2
    assert "is not a file" in missing.output
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00not a backup" * 100)
    bad = runner.invoke(app, ["restore", str(garbage), "--yes"])
    assert bad.exit_code == 2
    assert "error:" in bad.output
    wrong = tmp_path / "wrong-engine"
    wrong.write_bytes(b"PGDMP\x01\x0e\x00" if IS_SQLITE else b"SQLite format 3\x00" + b"\x00" * 100)
    other = runner.invoke(app, ["restore", str(wrong), "--yes"])
    assert other.exit_code == 2
    assert ("PostgreSQL dump" if IS_SQLITE else "a SQLite database") in other.output
    assert CheckIn.objects.count() == 0  # nothing was touched


@pytest.mark.skipif(not IS_SQLITE, reason="SQLite file checks")
def test_a_corrupt_sqlite_backup_is_refused_before_restore(patient, tmp_path):
    _write_days(patient, 50, dt.date(2022, 1, 1))
    good = backup_database(connection.settings_dict, tmp_path / "good.sqlite3")
    data = bytearray(good.path.read_bytes())
    page = 4096
    data[2 * page:4 * page] = b"\xff" * (2 * page)  # scribble over b-tree pages
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        validate_backup(connection.settings_dict, corrupt)
    not_ours = tmp_path / "other.sqlite3"
    import sqlite3

    sqlite3.connect(not_ours).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BackupError, match="not an ldncare one"):
        validate_backup(connection.settings_dict, not_ours)


def test_unsupported_engine_is_named():
    with pytest.raises(BackupError, match="not supported"):
        backup_database({"ENGINE": "django.db.backends.mysql"}, Path("x"))
