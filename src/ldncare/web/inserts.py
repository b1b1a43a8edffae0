"""One row in one statement, unless a unique constraint already holds its place.

``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite ≥ 3.35): a conflict
leaves the transaction usable, so no savepoint is needed around an insert that may meet a
duplicate (two statements fewer than ``save()`` in a nested ``atomic``), and the caller learns
from the same statement whether the row went in. Django's ``bulk_create(ignore_conflicts=True)``
says neither whether the row was stored nor its id.
"""

from __future__ import annotations

from django.db import connections, router

__all__ = ["insert_unless_conflict"]


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
