"""``ldncare backup`` and ``ldncare restore``: consistent copies of the database, checked restores.

SQLite is copied with the online backup API (safe while the server writes); PostgreSQL with
``pg_dump -Fc`` / ``pg_restore``. See ``docs/reliability.md`` for the operator's drill.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["backup", "restore"]


def _settings_dict() -> dict:
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        fail(str(exc))
    from django.db import connection

    return connection.settings_dict


def _as_json(result) -> dict:
    return {"engine": result.engine, "path": str(result.path), "size_bytes": result.size_bytes,
            "tables": result.tables, "rows": result.rows, "integrity": result.integrity,
            "seconds": round(result.seconds, 3)}


def backup(
    output: Path | None = typer.Option(None, "-o", "--output",
                                       help="The new backup file (default: var/backups/ldncare-<engine>-<time>.*)."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write a consistent, checked copy of the database (safe while the server runs)."""
    settings_dict = _settings_dict()
    from django.conf import settings

    from ldncare.web.backup import BackupError, backup_database, default_backup_path

    try:
        if output is None:
            directory = Path(settings.VAR_DIR) / "backups"
            directory.mkdir(parents=True, exist_ok=True)
            output = default_backup_path(settings_dict, directory)
        result = backup_database(settings_dict, output)
    except BackupError as exc:
        fail(str(exc))
    if json_output:
        print_json(_as_json(result))
        return
    rows = f", {result.rows} rows" if result.rows >= 0 else ""
    typer.echo(f"backup written: {result.path} ({result.engine}, {result.size_bytes} bytes, "
               f"{result.tables} tables{rows}, integrity {result.integrity}, {result.seconds:.2f} s)")


def restore(
    file: Path = typer.Argument(..., help="A backup made by 'ldncare backup'."),
    yes: bool = typer.Option(False, "--yes", help="Overwrite a database that already holds data."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Replace the database with a backup: the file is checked first, the result after."""
    settings_dict = _settings_dict()
    from ldncare.web.backup import BackupError, database_has_data, restore_database, validate_backup

    try:
        summary = validate_backup(settings_dict, file)
        if not yes and database_has_data(settings_dict):
            fail(f"the database {settings_dict['NAME']} already holds data and restoring replaces all of it; "
                 "take a backup first, then run again with --yes")
        result = restore_database(settings_dict, file)
    except BackupError as exc:
        fail(str(exc))
    if json_output:
        print_json({**_as_json(result), "source": str(file), "checked": summary})
        return
    typer.echo(f"restored {file} ({summary}) into {result.path}: {result.tables} tables, {result.rows} rows, "
               f"integrity {result.integrity}, {result.seconds:.2f} s")
