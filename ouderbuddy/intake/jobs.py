"""Daily jobs of the intake app."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ouderbuddy.intake.models import ProfessionalReferral
from ouderbuddy.intake.services import REFERRAL_LINK_DAYS
from ouderbuddy.notifications.scheduler import daily_job
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.privacy.services import record_event


@daily_job("intake.purge_unconfirmed_referrals")
def purge_unconfirmed_referrals(now: dt.datetime) -> None:
    """A referral the parent never confirmed is deleted once its link has expired.

    One audit event per organisation says how many went (the log keeps no names)."""
    cutoff = now - dt.timedelta(days=REFERRAL_LINK_DAYS + 1)
    expired = ProfessionalReferral.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    )
    organisation_ids = set(expired.values_list("organisation_id", flat=True))
    for organisation in Organisation.objects.filter(pk__in=organisation_ids):
        with transaction.atomic():
            _total, per_model = expired.filter(organisation=organisation).delete()
            deleted = per_model.get(ProfessionalReferral._meta.label, 0)
            if deleted:
                record_event(
                    actor=None,
                    organisation=organisation,
                    verb="referral.purge",
                    data={"deleted": deleted},
                )
