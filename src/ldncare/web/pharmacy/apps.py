from django.apps import AppConfig


class PharmacyConfig(AppConfig):
    name = "ldncare.web.pharmacy"
    label = "pharmacy"
    verbose_name = "Pharmacist: compounding queue, dispensing records, trial keys"
    default_auto_field = "django.db.models.BigAutoField"
