from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "ouderbuddy.support"
    verbose_name = _("Ondersteuning van buddy's")

    def ready(self) -> None:
        from ouderbuddy.buddies.hooks import support_record
        from ouderbuddy.casework.hooks import feed_items
        from ouderbuddy.support import calendar, selectors

        # The coordinator's buddy page shows the last year's intervisie and
        # training; the buddy's agenda feed carries the sessions signed up for.
        support_record.connect(selectors.support_record)
        feed_items.connect(calendar.add_sessions)
