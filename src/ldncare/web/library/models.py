"""The library keeps two things in the database: the search index and the popular-search counter.

Every medical fact stays in the knowledge base (YAML records in ``ldncare.core.knowledge``);
:class:`SearchDocument` rows are a derived copy of the searchable text, rebuilt from those
records (:func:`ldncare.web.library.search.rebuild_index`). :class:`PopularSearch` counts
normalised queries per day and nothing else: no user, no IP address, no time of day.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """One searchable page or section, derived from a knowledge record."""

    kind = models.CharField(max_length=20)  # condition, study, side_effect, claim, peptide, about
    key = models.CharField(max_length=120)  # the record id
    title = models.CharField(max_length=400)
    keywords = models.TextField(blank=True)  # synonyms, ids, authors, codes
    body = models.TextField(blank=True)
    snippet = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="library_document_unique_record")]
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class PopularSearch(models.Model):
    """How many searches for one normalised query returned results on one day. Nothing about who."""

    query = models.CharField(max_length=100)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="library_popular_query_day")]

    def __str__(self) -> str:
        return f"{self.query} ({self.day}: {self.count})"
