from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "ldncare.web.record"
    label = "record"
    verbose_name = "Patient record"
    default_auto_field = "django.db.models.BigAutoField"
