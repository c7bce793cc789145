from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "ouderbuddy.matching"
    verbose_name = _("Koppelen")

    def ready(self) -> None:
        # Registers the daily job that handles proposals without an answer.
        from ouderbuddy.matching import jobs  # noqa: F401
