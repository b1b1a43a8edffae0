"""Make the audit table append-only in the database itself, not only in the model.

PostgreSQL: a row trigger rejects UPDATE and DELETE. SQLite: a trigger rejects UPDATE
(DELETE stays guarded by the model only, because Django's test flush empties tables with
DELETE on SQLite; on PostgreSQL it uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION access_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION access_auditevent_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS access_auditevent_no_update_delete ON access_auditevent;
DROP FUNCTION IF EXISTS access_auditevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE ON access_auditevent
BEGIN SELECT RAISE(ABORT, 'access_auditevent is append-only (UPDATE refused)'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS access_auditevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):

    dependencies = [("access", "0002_initial")]

    operations = [migrations.RunPython(forward, reverse)]
