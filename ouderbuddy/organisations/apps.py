from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "ouderbuddy.organisations"
    verbose_name = _("Organisaties")

    def ready(self) -> None:
        from ouderbuddy.lib import org_cache

        # Every write to an organisation's rows drops its cached results.
        org_cache.connect_signals()
