from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuddiesConfig(AppConfig):
    name = "ouderbuddy.buddies"
    verbose_name = _("Buddy's")

    def ready(self) -> None:
        # Registers the daily job that ends pauses.
        from ouderbuddy.accounts.hooks import invitation_accepted
        from ouderbuddy.buddies import jobs  # noqa: F401
        from ouderbuddy.buddies.services import link_account

        # An accepted buddy invitation links the account to the buddy record.
        invitation_accepted.connect(link_account)
