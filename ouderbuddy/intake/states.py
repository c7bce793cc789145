"""The one owner of a help request's status: the full table of which status may follow
which, and `move_request`, the only code that changes `HelpRequest.status`.

Intake's triage, matching (a proposal, a start, a proposal that falls through) and
casework (closing or a rematch) all move a request through here, so every change
holds the row lock, follows the table, writes one history row (`RequestEvent`, from
and to) and one audit event. Which of these moves a coordinator may *decide* on the
request page is a smaller list in `services.ALLOWED`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.intake import hooks
from ouderbuddy.intake.models import HelpRequest, RequestEvent, RequestStatus
from ouderbuddy.lib.errors import DomainError, StepRefused
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.services import record_event

S = RequestStatus

# Every status a request may move to from each status. A status without an entry is
# final. Who moves it:
#   new → waiting / informed / referred / withdrawn      intake: the coordinator decides
#   waiting → matching                                    matching: a buddy is proposed
#   matching → waiting                                    matching: the proposal falls through
#   matching → matched                                    matching: the match starts
#   new, waiting, matching → withdrawn                    intake: the parent or coordinator
#   matched → closed / waiting                            casework: closed, or a rematch
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.NEW: frozenset({S.WAITING, S.INFORMED, S.REFERRED, S.WITHDRAWN}),
    S.WAITING: frozenset({S.MATCHING, S.INFORMED, S.REFERRED, S.WITHDRAWN}),
    S.MATCHING: frozenset({S.WAITING, S.MATCHED, S.WITHDRAWN}),
    S.MATCHED: frozenset({S.CLOSED, S.WAITING}),
    S.CLOSED: frozenset(),
    S.INFORMED: frozenset(),
    S.REFERRED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# The status a new request starts in (written by `start_request`).
START = S.NEW


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def refused(request: HelpRequest) -> DomainError:
    """The error for a step the request's status does not allow (Dutch)."""
    return DomainError(_refusal(request))


def _refusal(request: HelpRequest) -> str:
    return _("Dit kan niet meer: de hulpvraag heeft de status '%(status)s'.") % {
        "status": request.get_status_display()
    }


def _history_row(
    request: HelpRequest,
    *,
    description: str,
    from_status: str,
    to_status: str,
    actor: Membership | None,
    by_parent: bool,
) -> RequestEvent:
    return RequestEvent.objects.create(
        organisation_id=request.organisation_id,
        request=request,
        from_status=from_status,
        to_status=to_status,
        actor=actor.user if actor else None,
        by_parent=by_parent,
        description=description[:300],
    )


def start_request(
    request: HelpRequest, *, description: str, by_parent: bool = True
) -> RequestEvent:
    """The first history row of a request just created (in `START`)."""
    if request.status != START:
        raise ValueError(f"A new request starts as {START!r}, not {request.status!r}")
    return _history_row(
        request,
        description=description,
        from_status="",
        to_status=START,
        actor=None,
        by_parent=by_parent,
    )


def move_request(
    request: HelpRequest,
    *,
    to_status: str,
    description: str,
    actor: Membership | None = None,
    by_parent: bool = False,
    fields: tuple[str, ...] = (),
    verb: str = "request.status",
) -> bool:
    """Move `request` to `to_status`, inside the caller's transaction, holding the row
    lock. Refuses a step the table does not hold (StepRefused, a DomainError with a
    Dutch text);
    the same status again is a no-op (False, nothing written). Otherwise saves the
    status with `fields` (other fields the caller changed on the same row), writes
    the history row (`description`, from and to) and the audit event (`verb`, from and
    to) and returns True. A withdrawn request takes its pending proposal with it
    (`hooks.request_stopped`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move_request runs inside the caller's transaction.atomic")
    # The status on the locked row is the truth (the caller's copy may be older).
    current = (
        HelpRequest.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=request.pk)
    )
    request.status = current
    if current == to_status:
        return False
    if not may_move(current, to_status):
        raise StepRefused(_refusal(request))
    request.status = to_status
    request.status_changed_at = timezone.now()
    request.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    if to_status == S.WITHDRAWN:
        hooks.request_stopped(
            request,
            _("De ouder heeft de hulpvraag ingetrokken.")
            if by_parent
            else _("De coördinator heeft de hulpvraag gestopt."),
        )
    _history_row(
        request,
        description=description,
        from_status=current,
        to_status=to_status,
        actor=actor,
        by_parent=by_parent,
    )
    data: dict[str, Any] = {"from": current, "to": to_status}
    record_event(
        actor=actor,
        organisation=request.organisation,
        verb=verb,
        target=request,
        data=data,
    )
    return True
