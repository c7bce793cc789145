from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "ouderbuddy.casework"
    verbose_name = _("Begeleiding van koppelingen")

    def ready(self) -> None:
        # Registers the daily jobs: meeting reminders and prompts, follow-ups.
        from ouderbuddy.casework import jobs  # noqa: F401
        from ouderbuddy.casework.history import register
        from ouderbuddy.casework.services import schedule_check_ins
        from ouderbuddy.matching.hooks import match_started

        # A started match gets its check-ins.
        match_started.connect(schedule_check_ins)

        # Its steps in a match's history (closing), worded in the reader's language.
        register()
