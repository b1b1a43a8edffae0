from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ldncare.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Signal receivers: lockouts into the audit table; the second-factor flag at sign-in.
        from ldncare.web.accounts import lockout, otp  # noqa: F401
