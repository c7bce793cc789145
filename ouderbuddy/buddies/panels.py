"""Rows for the coordinator's start page panels about buddies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.buddies.models import BuddyStatus
from ouderbuddy.buddies.selectors import visible_buddies
from ouderbuddy.organisations.models import Membership

WAITING_DAYS = 14
EXPIRY_DAYS = 60
WAITING_STATUSES = (
    BuddyStatus.APPLIED,
    BuddyStatus.INTRODUCTION,
    BuddyStatus.SCREENING,
)


def waiting_applicants(actor: Membership) -> list[dict[str, Any]]:
    """Applicants who have been waiting for their next step longer than 14 days."""
    cutoff = timezone.now() - dt.timedelta(days=WAITING_DAYS)
    buddies = (
        visible_buddies(actor)
        .filter(status__in=WAITING_STATUSES, status_changed_at__lt=cutoff)
        .order_by("status_changed_at")[:10]
    )
    return [
        {
            "url": reverse("buddies:detail", args=[b.pk]),
            "label": ngettext(
                "%(name)s: %(days)d dag in %(status)s",
                "%(name)s: %(days)d dagen in %(status)s",
                (timezone.now() - b.status_changed_at).days,
            )
            % {
                "name": b.full_name,
                "days": (timezone.now() - b.status_changed_at).days,
                "status": b.get_status_display().lower(),
            },
        }
        for b in buddies
    ]


def expiring(actor: Membership) -> list[dict[str, Any]]:
    """VOGs to renew and refreshers due within 60 days, soonest first."""
    from ouderbuddy.training.selectors import refreshers_due_within  # noqa: PLC0415  a panel assembled below its parts (issue 11 item 3)

    today = timezone.localdate()
    horizon = today + dt.timedelta(days=EXPIRY_DAYS)
    rows: list[tuple[dt.date, dict[str, Any]]] = []
    for b in (
        visible_buddies(actor)
        .filter(
            status__in=(BuddyStatus.TRAINING, BuddyStatus.ACTIVE, BuddyStatus.PAUSED),
            vog_valid_until__lte=horizon,
        )
        .order_by("vog_valid_until")[:10]
    ):
        assert b.vog_valid_until is not None
        rows.append(
            (
                b.vog_valid_until,
                {
                    "url": reverse("buddies:detail", args=[b.pk]),
                    "label": _("VOG van %(name)s: vernieuwen voor %(date)s")
                    % {"name": b.full_name, "date": date_format(b.vog_valid_until)},
                },
            )
        )
    for buddy, due in refreshers_due_within(actor, days=EXPIRY_DAYS)[:10]:
        rows.append(
            (
                due,
                {
                    "url": reverse("buddies:detail", args=[buddy.pk]),
                    "label": _("Opfristraining van %(name)s: voor %(date)s")
                    % {"name": buddy.full_name, "date": date_format(due)},
                },
            )
        )
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])][:10]
