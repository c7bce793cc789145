from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ouderbuddy.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Registers the daily reminder jobs with the scheduler.
        from ouderbuddy.training import jobs  # noqa: F401
