from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "ouderbuddy.matching"
    verbose_name = _("Koppelen")

    def ready(self) -> None:
        # Registers the daily job that handles proposals without an answer.
        from ouderbuddy.buddies.hooks import buddy_unavailable
        from ouderbuddy.intake.hooks import request_stopped
        from ouderbuddy.matching import jobs  # noqa: F401
        from ouderbuddy.matching.services import cancel_for_buddy, cancel_for_request

        # A stopped request or an unavailable buddy cancels the open proposals.
        request_stopped.connect(cancel_for_request)
        buddy_unavailable.connect(cancel_for_buddy)
