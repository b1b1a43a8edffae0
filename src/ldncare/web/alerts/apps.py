from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ldncare.web.alerts"
    label = "alerts"
    verbose_name = "Alerts: safety signals for the clinicians who must act"
    default_auto_field = "django.db.models.BigAutoField"
