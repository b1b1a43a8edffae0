from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "ldncare.web.access"
    label = "access"
    verbose_name = "Consent and audit"
    default_auto_field = "django.db.models.BigAutoField"
