"""The writes of the reports: hours, costs and the price of an hour, with their
refusals (nothing saved) and audit events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.reports import services
from ouderbuddy.reports.models import Cost, CostSettings, TimeEntry
from ouderbuddy.training.models import Course, Session

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)


def test_a_coordinator_logs_her_hours(cora):
    entry = services.log_time(
        actor=cora, worked_on=TODAY, activity="matching", minutes=90
    )
    assert entry.membership == cora and entry.minutes == 90
    assert AuditEvent.objects.filter(verb="reports.time.log").count() == 1


def test_more_than_24_hours_in_one_day_is_refused(cora):
    services.log_time(actor=cora, worked_on=TODAY, activity="matching", minutes=20 * 60)
    with pytest.raises(DomainError) as refused:
        services.log_time(
            actor=cora, worked_on=TODAY, activity="support", minutes=10 * 60
        )
    assert "24 uur" in refused.value.message and "4 uur" in refused.value.message
    assert TimeEntry.objects.count() == 1
    # Another day has its own 24 hours.
    services.log_time(
        actor=cora,
        worked_on=TODAY - dt.timedelta(days=1),
        activity="support",
        minutes=10 * 60,
    )


@pytest.mark.parametrize("minutes", [0, -30, 1.5, True])
def test_no_time_or_negative_time_is_refused(cora, minutes):
    with pytest.raises(DomainError):
        services.log_time(
            actor=cora, worked_on=TODAY, activity="matching", minutes=minutes
        )
    assert not TimeEntry.objects.exists()


def test_hours_in_the_future_or_for_an_unknown_activity_are_refused(cora):
    with pytest.raises(DomainError):
        services.log_time(
            actor=cora,
            worked_on=TODAY + dt.timedelta(days=1),
            activity="matching",
            minutes=60,
        )
    with pytest.raises(DomainError):
        services.log_time(actor=cora, worked_on=TODAY, activity="coffee", minutes=60)
    assert not TimeEntry.objects.exists()


def test_only_a_coordinator_logs_hours(mia, ben):
    for actor in (mia, ben):
        with pytest.raises(DomainError):
            services.log_time(
                actor=actor, worked_on=TODAY, activity="matching", minutes=60
            )


def test_a_coordinator_takes_back_only_her_own_hours(cora, olga):
    entry = services.log_time(
        actor=cora, worked_on=TODAY, activity="matching", minutes=60
    )
    with pytest.raises(DomainError):
        services.delete_time(actor=olga, entry=entry)
    services.delete_time(actor=cora, entry=entry)
    assert not TimeEntry.objects.exists()


def test_hours_text():
    assert services.hours_text(90) == "1,5"
    assert services.hours_text(60) == "1"
    assert services.hours_text(20) == "0,33"


def _session(coordinator):
    course = Course.objects.create(
        organisation=coordinator.organisation,
        title="Basistraining",
        kind="basic",
        hours=3,
    )
    start = timezone.now() - dt.timedelta(days=3)
    return Session.objects.create(
        organisation=coordinator.organisation,
        course=course,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        location="Buurthuis",
        capacity=10,
    )


def test_a_manager_adds_a_training_cost_for_a_session(cora, mia):
    session = _session(cora)
    cost = services.add_cost(
        actor=mia,
        spent_on=TODAY,
        category="training",
        amount=Decimal("450.00"),
        description="  Trainer\tbasistraining ",
        session=session,
    )
    assert cost.description == "Trainer basistraining"
    assert AuditEvent.objects.filter(verb="reports.cost.add").count() == 1


def test_a_cost_with_another_organisations_session_is_refused(mia, olga):
    session = _session(olga)
    with pytest.raises(DomainError):
        services.add_cost(
            actor=mia,
            spent_on=TODAY,
            category="training",
            amount=Decimal("10"),
            description="Zaal",
            session=session,
        )
    assert not Cost.objects.exists()


@pytest.mark.parametrize(
    "amount", [Decimal("0"), Decimal("-5"), Decimal("NaN"), Decimal("1000000.01")]
)
def test_a_cost_that_is_not_a_positive_amount_is_refused(mia, amount):
    with pytest.raises(DomainError):
        services.add_cost(
            actor=mia,
            spent_on=TODAY,
            category="other",
            amount=amount,
            description="Drukwerk",
        )
    assert not Cost.objects.exists()


def test_a_buddy_adds_no_costs(ben):
    with pytest.raises(DomainError):
        services.add_cost(
            actor=ben,
            spent_on=TODAY,
            category="other",
            amount=Decimal("5"),
            description="Koffie",
        )


def test_the_price_of_an_hour(mia):
    services.set_hour_cost(actor=mia, hour_cost=Decimal("55.50"))
    services.set_hour_cost(actor=mia, hour_cost=Decimal("60.00"))
    assert CostSettings.objects.get().hour_cost == Decimal("60.00")
    with pytest.raises(DomainError):
        services.set_hour_cost(actor=mia, hour_cost=Decimal("500.01"))
    with pytest.raises(DomainError):
        services.set_hour_cost(actor=mia, hour_cost=Decimal("-1"))
    assert CostSettings.objects.get().hour_cost == Decimal("60.00")
