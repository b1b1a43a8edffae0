"""Inserts without the ORM's per-call query compilation, for the paths every write takes.

:func:`insert_unless_conflict`: one row in one statement, unless a unique constraint already holds its place.

``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite ≥ 3.35): a conflict
leaves the transaction usable, so no savepoint is needed around an insert that may meet a
duplicate (two statements fewer than ``save()`` in a nested ``atomic``), and the caller learns
from the same statement whether the row went in. Django's ``bulk_create(ignore_conflicts=True)``
says neither whether the row was stored nor its id.

:func:`insert_rows`: several rows of one model in one ``INSERT … VALUES (…), (…)``, its SQL text
made once per model, row count and database, where ``bulk_create`` compiles a query each call
(~0.5 ms of CPU for the diary write's two audit rows; docs/performance.md).
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connections, router

__all__ = ["insert_rows", "insert_unless_conflict"]


def insert_unless_conflict(obj) -> bool:
    """Insert the unsaved model instance ``obj``; False (nothing stored) if a unique constraint holds it off.

    Field defaults and ``auto_now``/``auto_now_add`` are applied as ``save()`` applies them; the
    instance gets its primary key when stored. Any other failure (a check or foreign key
    constraint) raises as with ``save()``. No model validation: validate before.
    """
    meta = obj._meta
    using = router.db_for_write(type(obj), instance=obj)
    connection = connections[using]
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if not (f is pk and getattr(obj, f.attname) is None)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    setattr(obj, pk.attname, row[0])
    obj._state.adding = False
    obj._state.db = using
    return True


@lru_cache(maxsize=64)
def _insert_sql(model, rows: int, vendor: str) -> tuple[str, tuple]:  # noqa: ANN001, ARG001 (vendor keys the cache)
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not (f.primary_key and f.db_returning))  # an auto id: the database
    quote = connections[router.db_for_write(model)].ops.quote_name
    one = f"({', '.join(['%s'] * len(fields))})"
    return (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one] * rows)}"), fields


def insert_rows(objs) -> int:
    """Insert unsaved model instances of one model (an automatic primary key left to the
    database) in one statement; returns how many. Defaults and ``auto_now_add`` apply as in
    ``save()``; the instances do not learn their ids (use ``bulk_create`` when they must). A
    constraint failure raises as with ``bulk_create``. No model validation: validate before.
    """
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows takes instances of one model")
    using = router.db_for_write(model)
    connection = connections[using]
    sql, fields = _insert_sql(model, len(objs), connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
    return len(objs)
