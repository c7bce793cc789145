"""The one owner of a match's status: the full table of which status may follow which,
and `move_match`, the only code that changes `Match.status`.

Matching's steps (accept, decline, expire, the parent's answer, the introduction,
the start, a stop) and casework's closing all move a match through here, so every
change holds the row lock, follows the table, writes one history row (`MatchEvent`,
from and to) and one audit event ("match.status"). Closing is casework's step, but
the status is matching's, so the table holds it too."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import StepRefused
from ouderbuddy.matching.models import Match, MatchEvent, MatchStatus
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.services import record_event

S = MatchStatus

# Every status a match may move to from each status. A status without an entry is
# final. Who moves it:
#   proposed → accepted / declined           the buddy answers
#   proposed → expired                       no answer in time (daily job)
#   accepted → agreed / parent_declined      the parent answers on the status page
#   agreed → introduction_planned            the coordinator plans the introduction
#   introduction_planned → itself            the coordinator moves the introduction
#   introduction_planned → active            the coordinator starts the match
#   proposed … introduction_planned → cancelled
#                                            the coordinator stops it, the request is
#                                            withdrawn, or the buddy pauses or stops
#   active → closed                          casework: the coordinator closes it
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.ACCEPTED, S.DECLINED, S.EXPIRED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.AGREED, S.PARENT_DECLINED, S.CANCELLED}),
    S.AGREED: frozenset({S.INTRODUCTION_PLANNED, S.CANCELLED}),
    S.INTRODUCTION_PLANNED: frozenset({S.INTRODUCTION_PLANNED, S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.CLOSED}),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.PARENT_DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
    S.CLOSED: frozenset(),
}
# The status a new match starts in (written by `start_match`).
START = S.PROPOSED


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def _refusal(match: Match) -> str:
    return _("Dit kan niet meer: de koppeling heeft de status '%(status)s'.") % {
        "status": match.get_status_display()
    }


def _history_row(
    match: Match,
    *,
    description: str,
    from_status: str,
    to_status: str,
    actor: Membership | None,
    by_parent: bool,
) -> MatchEvent:
    return MatchEvent.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        from_status=from_status,
        to_status=to_status,
        actor=actor.user if actor else None,
        by_parent=by_parent,
        description=description[:300],
    )


def start_match(
    match: Match, *, description: str, actor: Membership | None = None
) -> MatchEvent:
    """The first history row of a match just proposed (in `START`)."""
    if match.status != START:
        raise ValueError(f"A new match starts as {START!r}, not {match.status!r}")
    return _history_row(
        match,
        description=description,
        from_status="",
        to_status=START,
        actor=actor,
        by_parent=False,
    )


def move_match(
    match: Match,
    *,
    to_status: str,
    description: str,
    actor: Membership | None = None,
    by_parent: bool = False,
    fields: tuple[str, ...] = (),
) -> Match:
    """Move `match` to `to_status`, inside the caller's transaction, holding the row
    lock. Refuses a step the table does not hold (StepRefused, a DomainError with a
    Dutch text).
    Saves the status with `fields` (other fields the caller changed on the same
    row), writes the history row (`description`, from and to) and the audit event
    ("match.status", from and to)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move_match runs inside the caller's transaction.atomic")
    # The status on the locked row is the truth (the caller's copy may be older).
    current = (
        Match.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=match.pk)
    )
    match.status = current
    if not may_move(current, to_status):
        raise StepRefused(_refusal(match))
    match.status = to_status
    match.status_changed_at = timezone.now()
    match.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    _history_row(
        match,
        description=description,
        from_status=current,
        to_status=to_status,
        actor=actor,
        by_parent=by_parent,
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="match.status",
        target=match,
        data={"from": current, "to": to_status},
    )
    return match
