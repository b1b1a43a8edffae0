from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "ldncare.web.booking"
    label = "booking"
    verbose_name = "Booking a call"
    default_auto_field = "django.db.models.BigAutoField"
