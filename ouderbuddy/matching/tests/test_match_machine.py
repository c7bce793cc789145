"""The match's state machine, driven at random through the real services.

`casework.tests.machine_world.World` runs matching's, intake's, buddies' and
casework's services with the coordinator, the buddies and the parent as actors and
checks after every step that the match's status moved only along
`matching.states.TRANSITIONS` (a moved introduction is the one step to the same
status), with exactly one history row and one audit event per change, and that a
refused call changed nothing. This machine also asks the owner itself
(`move_match`) for steps its table does not hold."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test

from ouderbuddy.casework.tests.machine_world import MAX_REQUESTS, World
from ouderbuddy.lib.errors import StepRefused
from ouderbuddy.matching import states
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=False)


class MatchMachine(World):
    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), data=st.data())
    def owner_refuses_a_step_off_the_table(self, i: int, data: st.DataObject) -> None:
        match = self.match(i)
        if match is None:
            return
        off_table = sorted(set(MatchStatus.values) - states.TRANSITIONS[match.status])
        if not off_table:
            return
        to_status = data.draw(st.sampled_from(off_table))

        def jump(stale: Match) -> None:
            with transaction.atomic():
                states.move_match(stale, to_status=to_status, description="Sprong.")

        before = self.snapshot()
        with pytest.raises(StepRefused):
            jump(match)
        assert self.snapshot() == before


def test_match_moves_only_along_its_table(cora: Membership) -> None:
    MatchMachine.coordinator = cora
    run_state_machine_as_test(
        MatchMachine,
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None),
    )


def test_every_status_has_a_row_in_the_table() -> None:
    assert set(states.TRANSITIONS) == set(MatchStatus.values)
    for targets in states.TRANSITIONS.values():
        assert targets <= set(MatchStatus.values)
