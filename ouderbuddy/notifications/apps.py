from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ouderbuddy.notifications"
    verbose_name = _("Berichten")

    def ready(self) -> None:
        # Registers the every-minute job that re-queues e-mail a killed worker left.
        from ouderbuddy.notifications import tasks  # noqa: F401
