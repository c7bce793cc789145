"""Rows for the coordinator's start page panels about buddy support: intervisie,
the question desk and expense claims."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.organisations.models import Membership
from ouderbuddy.support import recognition
from ouderbuddy.support.models import ClaimStatus, ExpenseClaim, Participation
from ouderbuddy.support.selectors import (
    buddies_without_intervisie,
    waiting_since_working_days,
)

PANEL_ROWS = 10


def without_intervisie(actor: Membership) -> list[dict[str, Any]]:
    """Active buddies with no intervisie in six months, with the last one they came
    to (if any), ten at most, by name."""
    last = (
        Participation.objects.filter(
            organisation_id=actor.organisation_id, buddy=OuterRef("pk"), attended=True
        )
        .values("buddy")
        .annotate(last=Max("session__starts_at"))
        .values("last")
    )
    buddies = (
        buddies_without_intervisie(actor.organisation_id)
        .annotate(last_intervisie=Subquery(last))
        .only("pk", "full_name")[:PANEL_ROWS]
    )
    return [
        {
            "url": reverse("buddies:detail", args=[b.pk]) + "#support",
            "label": _("%(name)s: laatste intervisie %(date)s")
            % {
                "name": b.full_name,
                "date": date_format(localtime(b.last_intervisie).date()),
            }
            if b.last_intervisie
            else _("%(name)s: nog nooit bij een intervisie") % {"name": b.full_name},
        }
        for b in buddies
    ]


def unanswered_questions(actor: Membership) -> list[dict[str, Any]]:
    """Buddies' questions waiting for an answer for more than two working days,
    longest waiting first, ten at most."""
    return [
        {
            "url": reverse("support:question", args=[q.pk]),
            "label": _("%(subject)s (%(name)s), wacht sinds %(date)s")
            % {
                "subject": q.subject,
                "name": q.buddy.full_name,
                "date": date_format(localtime(q.waiting_since).date()),
            },
        }
        for q in waiting_since_working_days(actor.organisation_id)[:PANEL_ROWS]
    ]


def anniversaries(actor: Membership) -> list[dict[str, Any]]:
    """Active buddies who are one or five years with the organisation, from a week
    ago to a month ahead: a moment to say thank you."""
    rows = []
    for found in recognition.anniversaries(actor.organisation_id)[:PANEL_ROWS]:
        buddy, years, day = found["buddy"], found["years"], found["on"]
        rows.append(
            {
                "url": reverse("support:buddy_year", args=[buddy.pk]),
                "label": ngettext(
                    "%(name)s: %(n)d jaar buddy op %(date)s",
                    "%(name)s: %(n)d jaar buddy op %(date)s",
                    years,
                )
                % {"name": buddy.full_name, "n": years, "date": date_format(day)},
            }
        )
    return rows


def claims_to_review(actor: Membership) -> list[dict[str, Any]]:
    """Expense claims waiting for a coordinator, oldest first, ten at most."""
    claims = (
        ExpenseClaim.objects.filter(
            organisation_id=actor.organisation_id, status=ClaimStatus.SUBMITTED
        )
        .select_related("buddy")
        .only("pk", "spent_on", "amount", "buddy__full_name")
        .order_by("created_at", "pk")[:PANEL_ROWS]
    )
    return [
        {
            "url": reverse("support:claim", args=[c.pk]),
            "label": _("%(name)s: € %(amount)s, %(date)s")
            % {
                "name": c.buddy.full_name,
                "amount": number_format(c.amount, 2),
                "date": date_format(c.spent_on),
            },
        }
        for c in claims
    ]
