"""Daily jobs of the intake app."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.intake.models import ProfessionalReferral
from ouderbuddy.intake.services import REFERRAL_LINK_DAYS
from ouderbuddy.notifications.scheduler import daily_job


@daily_job("intake.purge_unconfirmed_referrals")
def purge_unconfirmed_referrals(now: dt.datetime) -> None:
    """A referral the parent never confirmed is deleted once its link has expired."""
    cutoff = now - dt.timedelta(days=REFERRAL_LINK_DAYS + 1)
    ProfessionalReferral.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
