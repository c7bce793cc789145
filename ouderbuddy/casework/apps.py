from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "ouderbuddy.casework"
    verbose_name = _("Begeleiding van koppelingen")

    def ready(self) -> None:
        # Registers the daily jobs: meeting reminders and prompts, follow-ups.
        from ouderbuddy.casework import jobs  # noqa: F401
        from ouderbuddy.casework.history import register

        # Its steps in a match's history (closing), worded in the reader's language.
        register()
