"""The usable API token for a bearer secret, with its user, in one statement compiled once.

Every API request starts here, so the look-up skips what the ORM rebuilds per call (a
queryset, its ``WHERE`` tree, ``select_related`` and the SQL text: ~1.7 ms of CPU on the
diary write, against ~0.2 ms for the statement itself; docs/performance.md). The rule is the
one of :meth:`ApiTokenQuerySet.usable <ldncare.web.accounts.models.ApiTokenQuerySet.usable>`:
not revoked, not expired, of an active user. ``tests/web/accounts/test_token_lookup.py``
checks that both agree on every case.

The model instances are made as the ORM makes them (``Model.from_db`` with the backend's
converters, the user cached on the token as ``select_related`` caches it), so callers cannot
tell the difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connections, router

from ldncare.web.accounts.models import ApiToken, hash_token

__all__ = ["usable_token"]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    token_names: tuple[str, ...]
    user_names: tuple[str, ...]
    converters: tuple[tuple[int, tuple, object], ...]  # (column, converter functions, its expression)


@lru_cache(maxsize=8)
def _compiled(alias: str, vendor: str) -> _Compiled:  # noqa: ARG001 (the vendor keys the cache)
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    token_fields = ApiToken._meta.concrete_fields
    user_fields = user_model._meta.concrete_fields
    columns = [f"t.{quote(f.column)}" for f in token_fields] + [f"u.{quote(f.column)}" for f in user_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(ApiToken._meta.db_table)} t "
        f"INNER JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{quote(user_model._meta.pk.column)} = t.{quote(ApiToken._meta.get_field('user').column)} "
        f"WHERE t.{quote('token_sha256')} = %s AND t.{quote('revoked_at')} IS NULL "
        f"AND t.{quote('expires_at')} > %s AND u.{quote('is_active')} = %s"
    )
    converters = []
    for index, (table, field) in enumerate([("t", f) for f in token_fields] + [("u", f) for f in user_fields]):
        expression = field.get_col(table)
        functions = tuple(connection.ops.get_db_converters(expression) + expression.get_db_converters(connection))
        if functions:
            converters.append((index, functions, expression))
    return _Compiled(sql, tuple(f.attname for f in token_fields), tuple(f.attname for f in user_fields),
                     tuple(converters))


def usable_token(raw: str, *, now: dt.datetime) -> ApiToken | None:
    """The token whose secret is ``raw`` if it still works at ``now``, its ``user`` loaded; else ``None``."""
    alias = router.db_for_read(ApiToken)
    connection = connections[alias]
    compiled = _compiled(alias, connection.vendor)
    expires_field = ApiToken._meta.get_field("expires_at")
    active_field = get_user_model()._meta.get_field("is_active")
    params = [hash_token(raw), expires_field.get_db_prep_value(now, connection),
              active_field.get_db_prep_value(True, connection)]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, functions, expression in compiled.converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    split = len(compiled.token_names)
    token = ApiToken.from_db(alias, compiled.token_names, values[:split])
    user = get_user_model().from_db(alias, compiled.user_names, values[split:])
    ApiToken._meta.get_field("user").set_cached_value(token, user)
    return token
