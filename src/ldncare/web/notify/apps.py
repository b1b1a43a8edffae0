from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ldncare.web.notify"
    label = "notify"
    verbose_name = "Reminders and notifications"
