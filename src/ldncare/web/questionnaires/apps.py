from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "ldncare.web.questionnaires"
    label = "questionnaires"
    verbose_name = "Validated questionnaires"
    default_auto_field = "django.db.models.BigAutoField"
