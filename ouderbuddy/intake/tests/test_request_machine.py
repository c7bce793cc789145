"""The help request's state machine, driven at random through the real services.

`casework.tests.machine_world.World` runs intake's, matching's, buddies' and
casework's services with the coordinator, the buddies and the parent as actors and
checks after every step that the request's status moved only along
`intake.states.TRANSITIONS`, with exactly one history row and one audit event per
change, and that a refused call changed nothing. This machine also asks the owner
itself (`move_request`) for steps its table does not hold."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test

from ouderbuddy.casework.tests.machine_world import MAX_REQUESTS, World
from ouderbuddy.intake import states
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.lib.errors import StepRefused
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=False)


class RequestMachine(World):
    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), data=st.data())
    def owner_refuses_a_step_off_the_table(self, i: int, data: st.DataObject) -> None:
        request = self.request(i)
        off_table = sorted(
            set(RequestStatus.values)
            - states.TRANSITIONS[request.status]
            - {request.status}
        )
        if not off_table:
            return
        to_status = data.draw(st.sampled_from(off_table))

        def jump() -> None:
            with transaction.atomic():
                states.move_request(request, to_status=to_status, description="Sprong.")

        before = self.snapshot()
        with pytest.raises(StepRefused):
            jump()
        assert self.snapshot() == before

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def the_same_status_again_is_a_no_op(self, i: int) -> None:
        request = self.request(i)
        before = self.snapshot()
        with transaction.atomic():
            moved = states.move_request(
                request, to_status=request.status, description="Nog eens."
            )
        assert moved is False
        assert self.snapshot() == before


def test_request_moves_only_along_its_table(cora: Membership) -> None:
    RequestMachine.coordinator = cora
    run_state_machine_as_test(
        RequestMachine,
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None),
    )


def test_every_status_has_a_row_in_the_table() -> None:
    assert set(states.TRANSITIONS) == set(RequestStatus.values)
    for targets in states.TRANSITIONS.values():
        assert targets <= set(RequestStatus.values)
