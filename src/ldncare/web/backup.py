"""Consistent backups and checked restores of the ldncare database (security research §3.2).

SQLite is copied with the online backup API (:meth:`sqlite3.Connection.backup`): a
point-in-time copy even while the server writes, never ``cp`` of a live WAL database.
PostgreSQL is dumped with ``pg_dump -Fc`` (consistent under concurrent use) and restored
with ``pg_restore``. Every backup is checked before it is reported (``PRAGMA
integrity_check`` / ``pg_restore --list``), and so is every file before it is restored.

The functions take a Django ``DATABASES`` entry (``connection.settings_dict``), so they
work on any database, not only the configured one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BackupError",
    "BackupResult",
    "backup_database",
    "database_has_data",
    "default_backup_path",
    "engine_of",
    "restore_database",
    "validate_backup",
]

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
SQLITE_TIMEOUT_S = 20
PAGES_PER_STEP = 256  # copy in slices so writers are not blocked for the whole copy


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what is allowed."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore produced."""

    engine: str
    path: Path
    size_bytes: int
    tables: int
    rows: int
    integrity: str
    seconds: float


def engine_of(settings_dict: dict) -> str:
    """``"sqlite"`` or ``"postgresql"``; anything else is refused."""
    engine = settings_dict.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"database engine {engine!r} is not supported; allowed: SQLite, PostgreSQL")


def default_backup_path(settings_dict: dict, directory: Path, *, now: dt.datetime | None = None) -> Path:
    """``<directory>/ldncare-<engine>-<UTC time>.<sqlite3|dump>``."""
    engine = engine_of(settings_dict)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"ldncare-{engine}-{stamp}.{'sqlite3' if engine == 'sqlite' else 'dump'}"


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    rows = sum(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables)
    return len(tables), rows


def _sqlite_check(path: Path) -> tuple[str, int, int]:
    """Integrity, table and row count of a SQLite file (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_TIMEOUT_S)
    try:
        integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        tables, rows = _sqlite_counts(conn) if integrity == "ok" else (0, 0)
    except sqlite3.DatabaseError as exc:
        return f"unreadable ({exc})", 0, 0
    finally:
        conn.close()
    return integrity, tables, rows


def _pg_env(settings_dict: dict) -> tuple[dict, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env, settings_dict["NAME"]


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools (e.g. apt install postgresql-client)")
    return found


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.returncode}")
    return done


def _pg_list(path: Path) -> int:
    """Entries in a ``pg_dump -Fc`` archive (``pg_restore --list``), raising if unreadable."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ)).stdout
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def _pg_counts(settings_dict: dict) -> tuple[int, int]:
    import psycopg

    env, name = _pg_env(settings_dict)
    with psycopg.connect(dbname=name, host=env.get("PGHOST"), port=env.get("PGPORT"), user=env.get("PGUSER"),
                         password=env.get("PGPASSWORD")) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        rows = sum(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables)
    return len(tables), rows


def validate_backup(settings_dict: dict, path: Path) -> str:
    """Check that ``path`` is a readable, intact backup for this engine; return a summary."""
    engine = engine_of(settings_dict)
    if not path.is_file():
        raise BackupError(f"{path} is not a file; give the path of a backup made by 'ldncare backup'")
    with path.open("rb") as handle:
        head = handle.read(16)
    if engine == "sqlite":
        if head != SQLITE_HEADER:
            kind = "a PostgreSQL dump" if head.startswith(PG_CUSTOM_HEADER) else "not a SQLite database"
            raise BackupError(f"{path} is {kind}; this server uses SQLite, so the backup must be a SQLite file")
        integrity, tables, rows = _sqlite_check(path)
        if integrity != "ok":
            raise BackupError(f"{path} fails PRAGMA integrity_check: {integrity[:300]}")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            has_migrations = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'").fetchone()
        finally:
            conn.close()
        if not has_migrations:
            raise BackupError(f"{path} is a SQLite database but not an ldncare one (no django_migrations table)")
        return f"SQLite, integrity ok, {tables} tables, {rows} rows"
    if not head.startswith(PG_CUSTOM_HEADER):
        kind = "a SQLite database" if head == SQLITE_HEADER else "not a pg_dump custom-format archive"
        raise BackupError(f"{path} is {kind}; this server uses PostgreSQL, so the backup must come from pg_dump -Fc")
    return f"PostgreSQL custom archive, {_pg_list(path)} tables with data"


def backup_database(settings_dict: dict, target: Path) -> BackupResult:
    """Write a consistent copy of the database to ``target`` (a new file) and check it."""
    engine = engine_of(settings_dict)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name (backups are never overwritten)")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory; create it or choose another output path")
    started = dt.datetime.now(dt.UTC)
    if engine == "sqlite":
        source_path = Path(settings_dict["NAME"])
        if not source_path.is_file():
            raise BackupError(f"the SQLite database {source_path} does not exist; nothing to back up")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=SQLITE_TIMEOUT_S)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest, pages=PAGES_PER_STEP)
        finally:
            dest.close()
            source.close()
        integrity, tables, rows = _sqlite_check(target)
        if integrity != "ok":
            raise BackupError(f"the backup {target} fails PRAGMA integrity_check: {integrity[:300]}")
    else:
        env, name = _pg_env(settings_dict)
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target), name], env)
        integrity, tables, rows = "archive readable", _pg_list(target), -1
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return BackupResult(engine, target, target.stat().st_size, tables, rows, integrity, seconds)


def database_has_data(settings_dict: dict) -> bool:
    """Whether the target database already holds tables (restoring would overwrite them)."""
    if engine_of(settings_dict) == "sqlite":
        path = Path(settings_dict["NAME"])
        if not path.is_file() or path.stat().st_size == 0:
            return False
        conn = sqlite3.connect(path, timeout=SQLITE_TIMEOUT_S)
        try:
            return conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
        finally:
            conn.close()
    return _pg_counts(settings_dict)[0] > 0


def restore_database(settings_dict: dict, source: Path) -> BackupResult:
    """Replace the database's contents with the backup ``source`` (validated first), then check it.

    SQLite: the backup is copied page by page into the live file through the backup API
    (readers and the WAL stay consistent). PostgreSQL: ``pg_restore --clean --if-exists``.
    """
    engine = engine_of(settings_dict)
    validate_backup(settings_dict, source)
    started = dt.datetime.now(dt.UTC)
    if engine == "sqlite":
        target_path = Path(settings_dict["NAME"])
        if not target_path.parent.is_dir():
            raise BackupError(f"{target_path.parent} is not a directory; cannot restore the database there")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dest = sqlite3.connect(target_path, timeout=SQLITE_TIMEOUT_S)
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
        integrity, tables, rows = _sqlite_check(target_path)
        if integrity != "ok":
            raise BackupError(f"the restored database fails PRAGMA integrity_check: {integrity[:300]}")
    else:
        env, name = _pg_env(settings_dict)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error",
              "--single-transaction", "-d", name, str(source)], env)
        integrity = "pg_restore ok"
        tables, rows = _pg_counts(settings_dict)
        target_path = Path(name)
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    size = target_path.stat().st_size if engine == "sqlite" else source.stat().st_size
    return BackupResult(engine, target_path, size, tables, rows, integrity, seconds)
