from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _rebuild_after_migrate(sender, using="default", plan=None, **kwargs):  # noqa: ANN001, ANN003
    if plan is None:  # a flush (tests), not a migrate: the first search rebuilds the emptied index
        return
    from django.db import connections

    from ldncare.web.library.models import SearchDocument
    from ldncare.web.library.search import rebuild_index

    # After `migrate library zero` the index table is gone: nothing to rebuild.
    if SearchDocument._meta.db_table not in connections[using].introspection.table_names():
        return
    rebuild_index(using=using)


class LibraryConfig(AppConfig):
    name = "ldncare.web.library"
    label = "library"
    verbose_name = "Evidence library and simulator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The search index is derived data: rebuilt from the knowledge base after every migrate
        # so it never drifts from the YAML records.
        post_migrate.connect(_rebuild_after_migrate, sender=self, dispatch_uid="library-rebuild-index")
