"""The SQLite full-text index (FTS5). PostgreSQL needs no table: it ranks with to_tsvector at query time."""

from django.db import migrations

FTS_TABLE = "library_search_fts"

SQLITE_FORWARD = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, keywords, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_REVERSE = f"DROP TABLE IF EXISTS {FTS_TABLE}"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):

    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
