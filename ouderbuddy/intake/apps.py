from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "ouderbuddy.intake"
    verbose_name = _("Hulpvragen")

    def ready(self) -> None:
        # Registers the daily job that deletes unconfirmed referrals.
        from ouderbuddy.intake import jobs  # noqa: F401
