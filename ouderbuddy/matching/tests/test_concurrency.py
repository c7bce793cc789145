"""Two coordinators give away a buddy's last place at the same moment: one gets it.

This needs real concurrent transactions, so it runs on PostgreSQL (the second pass of
`make test`). SQLite's in-memory test database cannot hold two writers at once; there
the capacity rule is covered by test_flow.py and test_services.py.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection, connections

from conftest import make_first_coordinator
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services
from ouderbuddy.matching.models import HOLDS_PLACE, Match
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request

POSTGRESQL = connection.vendor == "postgresql"

pytestmark = [
    pytest.mark.skipif(
        not POSTGRESQL,
        reason="needs two concurrent transactions (PostgreSQL pass of make test)",
    ),
    # Rows must be committed for the threads to see them; serialized_rollback puts
    # the reference data (postcodes) back afterwards. Serialising the database costs
    # seconds, so it is asked for only where the test runs.
    pytest.mark.django_db(transaction=True, serialized_rollback=POSTGRESQL),
]


def fresh_email() -> str:
    """The cache (and with it intake's limit per e-mail address) is not emptied
    between transactional tests: a new address each time."""
    return f"ouder-{uuid.uuid4().hex[:12]}@example.nl"


def race(*calls: Callable[[], object]) -> tuple[int, list[DomainError]]:
    """Run `calls` at the same moment, each in its own thread (and connection).
    Returns how many succeeded and the refusals; anything else fails the test."""
    start = threading.Barrier(len(calls))
    lock = threading.Lock()
    succeeded: list[object] = []
    refused: list[DomainError] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            result = call()
        except DomainError as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # reported by the assertion below
            with lock:
                errors.append(exc)
        else:
            with lock:
                succeeded.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return len(succeeded), refused


def test_two_coordinators_racing_for_a_buddys_last_place(noord):
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora")
    carla = make_first_coordinator(noord, "carla@noord.test", "Carla")
    bea = matchable_buddy(noord, "Bea Buddy", max_matches=1)
    first = waiting_request(cora, email=fresh_email())
    second = waiting_request(cora, email=fresh_email())

    sent, refused = race(
        lambda: services.propose(actor=cora, request=first, buddy=bea),
        lambda: services.propose(actor=carla, request=second, buddy=bea),
    )

    assert sent == 1
    assert [str(exc) for exc in refused] == ["Bea Buddy kan niet: geen plek vrij."]
    assert Match.objects.filter(buddy=bea, status__in=HOLDS_PLACE).count() == 1
    assert Match.objects.count() == 1
    winner = Match.objects.get().request
    loser = second if winner == first else first
    loser.refresh_from_db()
    assert loser.status == RequestStatus.WAITING


def test_two_coordinators_racing_for_the_same_request(noord):
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora")
    carla = make_first_coordinator(noord, "carla@noord.test", "Carla")
    bea = matchable_buddy(noord, "Bea Buddy")
    bob = matchable_buddy(noord, "Bob Buddy")
    request = waiting_request(cora, email=fresh_email())

    sent, refused = race(
        lambda: services.propose(actor=cora, request=request, buddy=bea),
        lambda: services.propose(actor=carla, request=request, buddy=bob),
    )

    assert sent == 1
    assert len(refused) == 1
    assert Match.objects.filter(request=request, status__in=HOLDS_PLACE).count() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHING
