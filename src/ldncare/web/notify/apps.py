from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ldncare.web.notify"
    label = "notify"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        # The task queue's rows name recipients and the objects messages are about: not for the admin
        # site, which holds accounts only (tests/web/test_access_matrix.py). `ldncare worker` logs them.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

