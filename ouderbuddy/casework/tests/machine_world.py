"""A world for the stateful tests of the two state machines (the help request's, owned
by `intake.states`, and the match's, owned by `matching.states`).

`World` drives random sequences of the real services of intake, matching, buddies and
casework, with a coordinator, buddies and the parent as actors, and after every step
checks what the owners promise: a status moved only along its table, every change has
exactly one history row (from and to) and one audit event, a refused call changed
nothing, and no service asked its owner for a step off the table (`StepRefused`). The test files (`intake/tests/test_request_machine.py`,
`matching/tests/test_match_machine.py`) add a rule that asks the owner itself for a
step its table does not hold.

Each example runs in a savepoint that `teardown` rolls back, inside the test's own
transaction (pytest-django, `transaction=False`), so it runs on SQLite and PostgreSQL
alike. E-mails wait for a commit that never comes: none are sent."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ouderbuddy.buddies import services as buddies
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.models import CloseReason, Initiator
from ouderbuddy.intake import services as intake
from ouderbuddy.intake import states as request_states
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestEvent,
    RequestStatus,
)
from ouderbuddy.intake.services_targets import seed_referral_targets
from ouderbuddy.intake.tests.factories import request_data
from ouderbuddy.lib.errors import DomainError, StepRefused
from ouderbuddy.matching import services as matching
from ouderbuddy.matching import states as match_states
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    PENDING,
    DeclineReason,
    Match,
    MatchEvent,
    MatchStatus,
)
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.models import AuditEvent, ConsentPurpose

MAX_REQUESTS = 3
_names = itertools.count()

Rows = dict[Any, tuple[str, str, str]]


@dataclass(frozen=True)
class Snapshot:
    requests: dict[str, str]
    matches: dict[str, str]
    request_rows: Rows  # every RequestEvent: (request, from, to)
    match_rows: Rows  # every MatchEvent: (match, from, to)
    audits: dict[Any, tuple[str, str, Any]]  # every AuditEvent: (target, verb, data)


class _Rollback(Exception):
    """Leaves the example's savepoint, undoing its rows."""


class World(RuleBasedStateMachine):
    """The organisation of the test's coordinator, two buddies, up to three requests."""

    coordinator: ClassVar[Membership]

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.cora = type(self).coordinator
        self.organisation = self.cora.organisation
        self.requests: list[uuid.UUID] = []
        n = next(_names)
        self.buddies = [
            matchable_buddy(
                self.organisation,
                f"Buddy{n}x{j} Test",
                email=f"buddy{n}x{j}@machine.test",
                max_matches=3,
            )
            for j in range(2)
        ]
        seed_referral_targets(self.organisation)
        self.target = OrganisationReferralTarget.objects.filter(
            organisation=self.organisation, is_active=True
        ).first()

    def teardown(self) -> None:
        # Leave the savepoint as an exception would: everything it holds is undone.
        self._savepoint.__exit__(_Rollback, _Rollback(), None)

    # --- Looking things up -------------------------------------------------------------

    def request(self, i: int) -> HelpRequest:
        return HelpRequest.objects.get(pk=self.requests[i % len(self.requests)])

    def match(self, i: int) -> Match | None:
        """The newest match of request i (a fresh copy)."""
        return (
            Match.objects.filter(request_id=self.requests[i % len(self.requests)])
            .select_related("request", "buddy")
            .order_by("-created_at")
            .first()
        )

    def buddy(self, b: int) -> Buddy:
        return Buddy.objects.get(pk=self.buddies[b % len(self.buddies)].pk)

    def snapshot(self) -> Snapshot:
        org = self.organisation
        return Snapshot(
            requests={
                str(pk): s
                for pk, s in HelpRequest.objects.filter(organisation=org).values_list(
                    "pk", "status"
                )
            },
            matches={
                str(pk): s
                for pk, s in Match.objects.filter(organisation=org).values_list(
                    "pk", "status"
                )
            },
            request_rows={
                pk: (str(r), f, t)
                for pk, r, f, t in RequestEvent.objects.filter(
                    organisation=org
                ).values_list("pk", "request_id", "from_status", "to_status")
            },
            match_rows={
                pk: (str(m), f, t)
                for pk, m, f, t in MatchEvent.objects.filter(
                    organisation=org
                ).values_list("pk", "match_id", "from_status", "to_status")
            },
            audits={
                pk: (target, verb, data)
                for pk, target, verb, data in AuditEvent.objects.values_list(
                    "pk", "target_id", "verb", "data"
                )
            },
        )

    # --- Calling a service and checking the step ---------------------------------------

    def attempt(self, call: Callable[[], object]) -> bool:
        """Call one service; True when it did its step, False when it refused."""
        before = self.snapshot()
        try:
            call()
        except StepRefused as refused:
            # The service let a step through that its owner's table does not hold.
            raise AssertionError(f"off the table: {refused}") from refused
        except DomainError:
            assert self.snapshot() == before, "a refused call changed something"
            return False
        after = self.snapshot()
        self.check_moves(
            before.requests,
            after.requests,
            before.request_rows,
            after.request_rows,
            before.audits,
            after.audits,
            table=request_states.TRANSITIONS,
            start=request_states.START,
            repeatable=frozenset(),
        )
        self.check_moves(
            before.matches,
            after.matches,
            before.match_rows,
            after.match_rows,
            before.audits,
            after.audits,
            table=match_states.TRANSITIONS,
            start=match_states.START,
            repeatable=frozenset({MatchStatus.INTRODUCTION_PLANNED}),
        )
        return True

    @staticmethod
    def check_moves(
        statuses_before: dict[str, str],
        statuses_after: dict[str, str],
        rows_before: Rows,
        rows_after: Rows,
        audits_before: dict[Any, tuple[str, str, Any]],
        audits_after: dict[Any, tuple[str, str, Any]],
        *,
        table: Mapping[str, frozenset[str]],
        start: str,
        repeatable: frozenset[str],
    ) -> None:
        assert rows_before.keys() <= rows_after.keys(), "a history row went away"
        status_rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pk, (owner, from_status, to_status) in rows_after.items():
            if pk not in rows_before and to_status:
                status_rows[owner].append((from_status, to_status))
        moves: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for pk, (target, _verb, data) in audits_after.items():
            if pk not in audits_before and isinstance(data, dict) and "to" in data:
                moves[target].append((data.get("from"), data.get("to")))
        for owner, status in statuses_after.items():
            rows = status_rows.pop(owner, [])
            old = statuses_before.get(owner)
            if old is None:
                assert status == start and rows == [("", start)], (owner, rows)
                continue
            if old != status:
                assert status in table[old], f"{old} → {status} is not in the table"
                assert rows == [(old, status)], (old, status, rows)
            else:
                assert rows in ([], [(old, old)]), (old, rows)
                assert not rows or old in repeatable, (old, rows)
            assert moves.get(owner, []) == rows, (owner, moves.get(owner), rows)
        assert not status_rows, f"history rows for no such row: {status_rows}"

    @invariant()
    def requests_and_matches_agree(self) -> None:
        """A request waits for a buddy's answer while it has a proposal, is matched
        while its match runs, and holds at most one buddy place."""
        for pk in self.requests:
            request = HelpRequest.objects.get(pk=pk)
            holding = list(
                Match.objects.filter(
                    request=request, status__in=HOLDS_PLACE
                ).values_list("status", flat=True)
            )
            assert len(holding) <= 1, holding
            pending = [s for s in holding if s in PENDING]
            active = [s for s in holding if s == MatchStatus.ACTIVE]
            assert (request.status == RequestStatus.MATCHING) == bool(pending), (
                request.status,
                holding,
            )
            assert (request.status == RequestStatus.MATCHED) == bool(active), (
                request.status,
                holding,
            )

    # --- The parent and intake ---------------------------------------------------------

    @initialize(depth=st.integers(0, 7), rematch=st.booleans())
    def first_request(self, depth: int, rematch: bool) -> None:
        """The first request, taken `depth` steps along the usual path (each step
        checked), so every status is a starting point."""
        self.submit()
        for _ in range(depth):
            self.next_step(0, 0, rematch)

    @precondition(lambda self: len(self.requests) < MAX_REQUESTS)
    @rule()
    def submit(self) -> None:
        made: list[HelpRequest] = []

        def create() -> None:
            made.append(
                intake.create_help_request(
                    organisation=self.organisation,
                    data=request_data(email=f"ouder{next(_names)}@machine.test"),
                    submission_key=uuid.uuid4(),
                )
            )

        assert self.attempt(create)
        self.requests.append(made[0].pk)

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def to_waiting_list(self, i: int) -> None:
        request = self.request(i)
        self.attempt(
            lambda: intake.decide_to_matching(actor=self.cora, request=request)
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def inform(self, i: int) -> None:
        request = self.request(i)
        self.attempt(
            lambda: intake.decide_information_only(
                actor=self.cora, request=request, answer="Kijk op de site van school."
            )
        )

    @precondition(lambda self: self.requests and self.target is not None)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def refer(self, i: int) -> None:
        request = self.request(i)
        assert self.target is not None
        target = self.target
        self.attempt(
            lambda: intake.decide_referral(
                actor=self.cora, request=request, target=target, reason="Past beter."
            )
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def coordinator_withdraws(self, i: int) -> None:
        request = self.request(i)
        self.attempt(
            lambda: intake.withdraw_by_coordinator(
                actor=self.cora, request=request, reason="Ouder belde af."
            )
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def parent_withdraws(self, i: int) -> None:
        request = self.request(i)
        self.attempt(lambda: intake.withdraw_by_parent(request=request))

    @precondition(lambda self: self.requests)
    @rule(
        i=st.integers(0, MAX_REQUESTS - 1),
        purpose=st.sampled_from(
            [ConsentPurpose.REQUEST_PROCESSING, ConsentPurpose.SHARE_WITH_BUDDY]
        ),
    )
    def parent_withdraws_consent(self, i: int, purpose: str) -> None:
        request = self.request(i)
        self.attempt(lambda: intake.withdraw_consent(request=request, purpose=purpose))

    # --- Matching ---------------------------------------------------------------------

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), b=st.integers(0, 1))
    def propose(self, i: int, b: int) -> None:
        request, buddy = self.request(i), self.buddy(b)
        self.attempt(
            lambda: matching.propose(actor=self.cora, request=request, buddy=buddy)
        )

    def _with_match(self, i: int, step: Callable[[Match], object]) -> None:
        match = self.match(i)
        if match is not None:
            self.attempt(lambda: step(match))

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def buddy_accepts(self, i: int) -> None:
        self._with_match(
            i,
            lambda m: matching.accept(actor=buddy_membership(m.buddy), match=m),
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def buddy_declines(self, i: int) -> None:
        self._with_match(
            i,
            lambda m: matching.decline(
                actor=buddy_membership(m.buddy),
                match=m,
                reason=DeclineReason.NO_TIME,
            ),
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def proposal_expires(self, i: int) -> None:
        match = self.match(i)
        if match is None:
            return
        # The buddy's days to answer are over (a test's shortcut for time passing).
        Match.objects.filter(pk=match.pk).update(
            respond_by=timezone.now() - dt.timedelta(hours=1)
        )
        self.attempt(matching.expire_proposals)

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def parent_agrees(self, i: int) -> None:
        self._with_match(
            i, lambda m: matching.parent_agrees(request=m.request, match=m)
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def parent_declines(self, i: int) -> None:
        self._with_match(
            i, lambda m: matching.parent_declines(request=m.request, match=m)
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def plan_introduction(self, i: int) -> None:
        self._with_match(
            i,
            lambda m: matching.plan_introduction(
                actor=self.cora,
                match=m,
                at=timezone.now() + dt.timedelta(days=2),
                mode="video",
            ),
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def start(self, i: int) -> None:
        match = self.match(i)
        if match is None:
            return
        if match.introduction_at is not None:
            # The introduction has taken place (time passing, as in the factories).
            Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
            match.refresh_from_db()
        self.attempt(
            lambda: matching.activate(
                actor=self.cora, match=match, started_on=timezone.localdate()
            )
        )

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1))
    def coordinator_cancels(self, i: int) -> None:
        self._with_match(
            i,
            lambda m: matching.cancel(actor=self.cora, match=m, reason="Past niet."),
        )

    @rule(b=st.integers(0, 1))
    def buddy_pauses_or_resumes(self, b: int) -> None:
        buddy = self.buddy(b)
        if buddy.status == BuddyStatus.PAUSED:
            self.attempt(lambda: buddies.resume_buddy(actor=self.cora, buddy=buddy))
        else:
            self.attempt(
                lambda: buddies.pause_buddy(
                    actor=self.cora,
                    buddy=buddy,
                    until=timezone.localdate() + dt.timedelta(days=30),
                )
            )

    # --- Casework ---------------------------------------------------------------------

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), rematch=st.booleans())
    def close(self, i: int, rematch: bool) -> None:
        self._with_match(
            i,
            lambda m: casework.close_match(
                actor=self.cora,
                match=m,
                reason=CloseReason.GOAL_REACHED,
                initiator=Initiator.TOGETHER,
                rematch=rematch,
            ),
        )

    # --- The next step on the usual path (so a short run gets far) ---------------------

    @precondition(lambda self: self.requests)
    @rule(
        i=st.integers(0, MAX_REQUESTS - 1), b=st.integers(0, 1), rematch=st.booleans()
    )
    def next_step(self, i: int, b: int, rematch: bool) -> None:
        request = self.request(i)
        match = self.match(i)
        if request.status == RequestStatus.NEW:
            self.to_waiting_list(i)
        elif request.status == RequestStatus.WAITING:
            self.propose(i, b)
        elif match is None:
            return
        elif match.status == MatchStatus.PROPOSED:
            self.buddy_accepts(i)
        elif match.status == MatchStatus.ACCEPTED:
            self.parent_agrees(i)
        elif match.status == MatchStatus.AGREED:
            self.plan_introduction(i)
        elif match.status == MatchStatus.INTRODUCTION_PLANNED:
            self.start(i)
        elif match.status == MatchStatus.ACTIVE:
            self.close(i, rematch)

    # The usual path weighs more than a random step (hypothesis draws rules evenly).
    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), b=st.integers(0, 1))
    def keep_going(self, i: int, b: int) -> None:
        self.next_step(i, b, rematch=True)

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, MAX_REQUESTS - 1), b=st.integers(0, 1))
    def go_on(self, i: int, b: int) -> None:
        self.next_step(i, b, rematch=False)
