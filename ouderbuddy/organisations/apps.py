from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "ouderbuddy.organisations"
    verbose_name = _("Organisaties")

    def ready(self) -> None:
        from ouderbuddy.lib import db, org_cache

        # PostgreSQL connections keep the prepared statements of every page.
        db.connect_signals()

        # Every write to an organisation's rows drops its cached results.
        org_cache.connect_signals()
