"""Popular searches, counted without storing who searched.

A search that returned results adds one to the counter of its normalised query for the
current day (:class:`~ldncare.web.library.models.PopularSearch`). Nothing else is kept:
no user, no session, no IP address, no time beyond the day. The list shown is the most
counted queries of the last :data:`WINDOW_DAYS` days that at least :data:`MIN_COUNT`
searches asked for, so one person's unusual query does not appear on its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from ldncare.web.library.models import PopularSearch
from ldncare.web.library.search import MAX_QUERY_CHARS, normalise_query

__all__ = ["MIN_COUNT", "WINDOW_DAYS", "count_search", "popular_searches"]

WINDOW_DAYS = 30
MIN_COUNT = 2


def count_search(text: str, *, today: dt.date | None = None) -> None:
    """Add one to today's counter for the normalised query (call only when it returned results)."""
    query = normalise_query(text)[:MAX_QUERY_CHARS]
    if not query:
        return
    day = today or timezone.localdate()
    updated = PopularSearch.objects.filter(query=query, day=day).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            PopularSearch.objects.create(query=query, day=day, count=1)
    except IntegrityError:  # another request created today's row first
        PopularSearch.objects.filter(query=query, day=day).update(count=F("count") + 1)


def popular_searches(*, limit: int = 8, today: dt.date | None = None) -> list[tuple[str, int]]:
    """The most asked queries of the last ``WINDOW_DAYS`` days, as ``(query, count)``."""
    since = (today or timezone.localdate()) - dt.timedelta(days=WINDOW_DAYS - 1)
    rows = (PopularSearch.objects.filter(day__gte=since).values("query").annotate(total=Sum("count"))
            .filter(total__gte=MIN_COUNT).order_by("-total", "query")[:limit])
    return [(r["query"], r["total"]) for r in rows]
