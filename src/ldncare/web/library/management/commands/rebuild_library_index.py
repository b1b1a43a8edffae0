"""``manage.py rebuild_library_index``: rebuild the library's search index from the knowledge base."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ldncare.web.library.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the evidence library's full-text index (runs automatically after migrate)."

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        n = rebuild_index(using=options["database"])
        self.stdout.write(f"Indexed {n} library records.")
