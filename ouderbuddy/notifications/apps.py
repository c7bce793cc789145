from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ouderbuddy.notifications"
    verbose_name = _("Berichten")

    def ready(self) -> None:
        # Registers the every-minute job that re-queues e-mail a killed worker left.
        from ouderbuddy.notifications import mail, tasks  # noqa: F401
        from ouderbuddy.privacy import hooks as privacy_hooks

        # The subject-access link (privacy, a lower app) is sent through this path.
        privacy_hooks.send_templated.connect(mail.send_templated)
        privacy_hooks.absolute_url.connect(mail.absolute_url)
