"""SQLite as a web server needs it: concurrent writers wait instead of failing."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from ldncare.web.accounts.models import User

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-specific set-up")


@pytest.mark.django_db(transaction=True)
def test_connection_uses_wal_a_busy_timeout_and_full_sync():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


@pytest.mark.django_db(transaction=True)
def test_two_threads_writing_at_once_both_succeed():
    """Each thread reads then writes in one transaction, overlapping the other.

    With SQLite's default deferred transactions the second writer's read snapshot goes
    stale and it fails at once with "database is locked"; with ``BEGIN IMMEDIATE`` and a
    busy timeout it waits its turn.
    """
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                existing = User.objects.count()
                time.sleep(0.3)  # hold the transaction open while the other thread arrives
                User.objects.create_user(username=name, password="x" * 12, last_name=str(existing))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(f"writer{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert set(User.objects.values_list("username", flat=True)) == {"writer0", "writer1"}
    # serialised: the second writer saw the first one's row
    assert sorted(User.objects.values_list("last_name", flat=True)) == ["0", "1"]
