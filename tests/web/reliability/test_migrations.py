"""Migrations are safe to ship: none missing, every one applies forwards and reverses.

Forwards from zero is what the test database set-up already does on each engine (SQLite
here, PostgreSQL in ``make test-postgres``). Here every ldncare migration is also undone
(``migrate <app> zero``) and applied again, so a rollback during a failed deployment works.
``migrate library zero`` as a command also completes (the library's post_migrate
handler skips re-indexing when its table is gone). The data migrations carry their reverse: the audit trail's append-only triggers are
dropped and re-created, the SQLite full-text index likewise, and the public-id backfill
reverses as a no-op (the column goes with its migration).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db(transaction=True)


def _our_apps() -> list[str]:
    return sorted(a.label for a in apps.get_app_configs() if a.name.startswith("ldncare."))


def _our_tables() -> set[str]:
    ours = set(_our_apps())
    return {m._meta.db_table for m in apps.get_models() if m._meta.app_label in ours and m._meta.managed}


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 if one is missing


def test_every_operation_of_every_ldncare_migration_is_reversible():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = set(_our_apps())
    irreversible = [
        f"{app}.{name}: {operation.describe()}"
        for (app, name), migration in loader.disk_migrations.items() if app in ours
        for operation in migration.operations if not operation.reversible
    ]
    assert irreversible == []


def test_all_ldncare_migrations_reverse_to_zero_and_apply_again():
    tables = _our_tables()
    assert tables <= set(connection.introspection.table_names())
    try:
        # The library app is undone last and without the post_migrate signal: its handler
        # re-indexes the library and needs the library's table (see the xfail test below).
        for label in reversed(_our_apps()):
            if label != "library":
                call_command("migrate", label, "zero", interactive=False, verbosity=0)
        executor = MigrationExecutor(connection)
        executor.migrate([("library", None)])
        assert tables.isdisjoint(connection.introspection.table_names())
    finally:
        call_command("migrate", interactive=False, verbosity=0)
    assert tables <= set(connection.introspection.table_names())
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_migrate_library_zero_command_completes():
    from ldncare.web.library.models import SearchDocument

    table = SearchDocument._meta.db_table
    try:
        call_command("migrate", "library", "zero", interactive=False, verbosity=0)
        assert table not in connection.introspection.table_names()
    finally:
        call_command("migrate", interactive=False, verbosity=0)
    assert SearchDocument.objects.exists()  # re-applied and re-indexed by post_migrate
