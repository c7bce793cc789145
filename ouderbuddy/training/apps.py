from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ouderbuddy.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Registers the daily reminder jobs with the scheduler.
        from ouderbuddy.buddies.hooks import has_basic_training, training_record
        from ouderbuddy.training import (
            jobs,  # noqa: F401
            selectors,
        )

        # The buddy checklist asks whether the basic training is done; the buddy
        # page shows the training record.
        has_basic_training.connect(selectors.has_basic_training)
        training_record.connect(selectors.training_record)
