from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "ldncare.web.tracking"
    label = "tracking"
    verbose_name = "Own outcomes and factors"
    default_auto_field = "django.db.models.BigAutoField"
