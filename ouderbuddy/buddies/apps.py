from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuddiesConfig(AppConfig):
    name = "ouderbuddy.buddies"
    verbose_name = _("Buddy's")

    def ready(self) -> None:
        # Registers the daily job that ends pauses.
        from ouderbuddy.buddies import jobs  # noqa: F401
