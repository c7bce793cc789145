"""Rows for the coordinator's start page panels about training."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ouderbuddy.organisations.models import Membership
from ouderbuddy.training.selectors import refreshers_due_within

REFRESHER_DAYS = 60


def refreshers_due(actor: Membership) -> list[tuple[dt.date, dict[str, Any]]]:
    """Refresher trainings due within 60 days, soonest first, each with its date."""
    return [
        (
            due,
            {
                "url": reverse("buddies:detail", args=[buddy.pk]),
                "label": _("Opfristraining van %(name)s: voor %(date)s")
                % {"name": buddy.full_name, "date": date_format(due)},
            },
        )
        for buddy, due in refreshers_due_within(actor, days=REFRESHER_DAYS)[:10]
    ]
