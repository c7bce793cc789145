"""Two coordinators record a flat allowance for the same buddy at the same moment:
together the two would pass the month cap, so exactly one is recorded.

This needs real concurrent transactions, so it runs on PostgreSQL (the second pass of
`make test`); SQLite's in-memory test database cannot hold two writers at once. The
caps themselves are covered by test_expenses.py.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from conftest import concurrent_transactions, make_first_coordinator
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.support import services_expenses
from ouderbuddy.support.models import FlatAllowance
from ouderbuddy.support.tests.factories import pays

pytestmark = concurrent_transactions()


@pytest.fixture(autouse=True)
def clock():
    """The real clock: the threads must agree on the date with the database."""
    yield None


def test_two_coordinators_cannot_pass_the_month_cap_together(noord, monkeypatch):
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora")
    carla = make_first_coordinator(noord, "carla@noord.test", "Carla")
    pays(cora, monthly="150")
    anna = matchable_buddy(noord, "Anna Een")
    today = timezone.localdate()

    # Each racer waits a moment after reading the buddy's totals, so that without
    # the lock both would read € 0 and both would write € 150 (€ 300 > € 210).
    read_totals = services_expenses.allowance_totals

    def slow_totals(*args, **kwargs):
        totals = read_totals(*args, **kwargs)
        time.sleep(0.3)
        return totals

    monkeypatch.setattr(services_expenses, "allowance_totals", slow_totals)
    start = threading.Barrier(2)
    recorded: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def race(actor):
        try:
            start.wait(timeout=10)
            services_expenses.record_flat_allowance(
                actor=actor, buddy=anna, paid_on=today
            )
            recorded.append(actor.user.email)
        except DomainError as exc:
            refused.append(exc.message)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(actor,)) for actor in (cora, carla)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(recorded) == 1 and len(refused) == 1
    assert "per maand" in refused[0]
    saved = FlatAllowance.objects.filter(buddy=anna)
    assert [a.amount for a in saved] == [Decimal("150.00")]
