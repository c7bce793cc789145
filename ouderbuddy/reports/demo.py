"""The reports' part of a demo organisation (seed_demo): the price of a coordinator
hour, a school year of the coordinators' hours spread over the activities, and the
other costs (trainer and room of the basic training, flyers, a thank-you evening),
all through the services, so the cost figures of the report are real."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.reports import services
from ouderbuddy.reports.models import TimeEntry
from ouderbuddy.training.models import Session

# Minutes per working week per activity: about a day a week on the programme.
WEEK = {
    "recruitment": 60,
    "screening": 45,
    "training": 45,
    "matching": 90,
    "support": 180,
    "reporting": 30,
}
WEEKS = 30


def seed_demo_reports(organisation: Organisation) -> int:
    """Hours and costs for the last 30 weeks; returns how many rows were made (none
    when the organisation already has them)."""
    coordinators = list(
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        ).order_by("created_at")
    )
    if not coordinators or TimeEntry.objects.filter(organisation=organisation).exists():
        return 0
    first = coordinators[0]
    services.set_hour_cost(actor=first, hour_cost=Decimal("58.00"))
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    made = 0
    for week in range(1, WEEKS + 1):
        start = monday - dt.timedelta(weeks=week)
        for n, (activity, minutes) in enumerate(WEEK.items()):
            coordinator = coordinators[(week + n) % len(coordinators)]
            # A little variation from week to week, the same on every run.
            varied = max(15, minutes + ((week * 7 + n * 11) % 5 - 2) * 15)
            services.log_time(
                actor=coordinator,
                worked_on=start + dt.timedelta(days=n % 5),
                activity=activity,
                minutes=varied,
            )
            made += 1
    session = (
        Session.objects.filter(organisation=organisation).order_by("starts_at").first()
    )
    for days_ago, category, amount, description, with_session in (
        (150, "training", "450.00", "Trainer basistraining", True),
        (150, "training", "85.00", "Zaalhuur basistraining", True),
        (120, "recruitment", "120.50", "Flyers voor buddywerving", False),
        (60, "recognition", "240.00", "Bedankavond voor buddy's", False),
        (30, "accommodation", "300.00", "Deel van de huur van de ruimte", False),
    ):
        services.add_cost(
            actor=first,
            spent_on=today - dt.timedelta(days=days_ago),
            category=category,
            amount=Decimal(amount),
            description=description,
            session=session if with_session else None,
        )
        made += 1
    return made
