from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "ldncare.web.clinic"
    label = "clinic"
    verbose_name = "Clinician: alerts, prescriptions, blinded trials, visit reports"
    default_auto_field = "django.db.models.BigAutoField"
