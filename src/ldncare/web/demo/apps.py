from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ldncare.web.demo"
    label = "demo"
    verbose_name = "Demo clinic"
    default_auto_field = "django.db.models.BigAutoField"
