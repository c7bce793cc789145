from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ouderbuddy.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Registers the daily reminder jobs with the scheduler.
        from ouderbuddy.buddies.hooks import has_basic_training
        from ouderbuddy.training import jobs  # noqa: F401
        from ouderbuddy.training.selectors import has_basic_training as answer

        # The buddy checklist asks whether the basic training is done.
        has_basic_training.connect(answer)
