from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """The privacy work that reaches into every app: the retention job, erasure,
    rectification and restriction on request. The rules and the records live in
    privacy (below every app); this app sits on top, so it may use them all."""

    name = "ouderbuddy.rights"
    verbose_name = _("Rechten en bewaartermijnen")

    def ready(self) -> None:
        # Registers the daily retention job.
        from ouderbuddy.rights import jobs  # noqa: F401
