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


def vog_renewals(actor: Membership) -> list[tuple[dt.date, dict[str, Any]]]:
    """VOGs to renew within 60 days, soonest first, each with its date (the start
    page's "expiring" panel adds training's refreshers to these)."""
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
    return rows
