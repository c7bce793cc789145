from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "ouderbuddy.intake"
    verbose_name = _("Hulpvragen")

    def ready(self) -> None:
        # Registers the daily job that deletes unconfirmed referrals.
        from django.db.models.signals import post_save

        from ouderbuddy.intake import jobs  # noqa: F401
        from ouderbuddy.intake.services import request_for_token
        from ouderbuddy.organisations.models import Organisation
        from ouderbuddy.privacy.hooks import request_for_status_token

        # The parent's request for their data (privacy) starts from the status link.
        request_for_status_token.connect(request_for_token)

        post_save.connect(
            _seed_new_organisation,
            sender=Organisation,
            dispatch_uid="intake.seed_referral_targets",
        )


def _seed_new_organisation(
    sender: object, instance: object, created: bool, **kwargs: object
) -> None:
    """A new organisation starts with its own copy of the default referral targets."""
    if created and not kwargs.get("raw"):
        from ouderbuddy.intake.services_targets import seed_referral_targets

        seed_referral_targets(instance)  # type: ignore[arg-type]
