"""The retention job: anonymise or delete what has passed its retention period.

Runs daily (rights/jobs.py) and by hand (`manage.py apply_retention`). Per
organisation and category it takes the rows that are due (privacy/retention.py:
the period runs from a category's own moment), in batches of `BATCH`, each batch in
its own transaction with its rows locked, and marks each row (`anonymised_at`) or
deletes it. So a run is idempotent (a marked row is never taken again), and a run
killed halfway leaves whole batches done and the rest for the next run. A row is
taken only on or after its due date, never a day earlier, and never while a
coordinator keeps it longer (`RetentionHold`) or a safety signal on the case is open.

What stays is what the reports count: codes, statuses, dates, durations, amounts,
the postcode area (PC4) and the referral target. What goes is every name, address,
telephone number and free text. A `RetentionRun` records the counts per category
(never content), and each organisation's counts go to its audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from ouderbuddy.buddies.models import Buddy, BuddyStatus, Interview, StatusChange
from ouderbuddy.casework.models import (
    Agreement,
    CheckIn,
    Closure,
    Contact,
    SafetySignal,
    SchoolMeeting,
)
from ouderbuddy.evaluation.models import MatchKey, Subject, TextAnswer
from ouderbuddy.intake.models import (
    HelpRequest,
    ProfessionalReferral,
    RequestEvent,
    RequestStatus,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.matching.models import HOLDS_PLACE, Conflict, Match, MatchEvent
from ouderbuddy.notifications.models import OutgoingEmail
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.privacy import retention
from ouderbuddy.privacy.models import (
    AuditEvent,
    Consent,
    RetentionCategory,
    RetentionHold,
    RetentionRun,
)
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import receipts
from ouderbuddy.support.models import Question, QuestionStatus, Reply
from ouderbuddy.support.models_expenses import ClaimEvent, ClaimKind, ExpenseClaim

logger = logging.getLogger(__name__)

C = RetentionCategory
BATCH = 200
# A receipt claim must name a file (a database constraint); once the file is gone:
RECEIPT_GONE = "verwijderd"


@dataclass(frozen=True)
class Due:
    """One row whose period has passed, or passes within the preview's window."""

    category: str
    pk: Any
    label: str
    due_on: dt.date
    held_until: dt.date | None = None


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _day(value: Any) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def _day_after(day: dt.date) -> dt.datetime:
    """The first moment after `day` (a Dutch calendar day): a row stamped before it
    belongs to `day` or earlier."""
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    )


def _holds(organisation_id: Any, target_type: str) -> dict[str, dt.date]:
    return dict(
        RetentionHold.objects.filter(
            organisation_id=organisation_id, target_type=target_type
        ).values_list("target_id", "until")
    )


# --- What is due: (pk, start of the period, label) per category -----------------------


def _case_rows(
    organisation_id: Any, category: str, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    """Help requests whose period (of `category`) started on or before `cutoff`."""
    requests = HelpRequest.objects.filter(
        organisation_id=organisation_id,
        anonymised_at__isnull=True,
        # A restricted case stays as it is until the restriction is lifted (art. 18).
        restricted_at__isnull=True,
    )
    if category == C.CLOSED_MATCH:
        rows = (
            requests.filter(status=RequestStatus.CLOSED)
            .annotate(start=Max("matches__closure__closed_on"))
            .filter(start__lte=cutoff)
            .values_list("pk", "start", "reference")
        )
        # The law's exception: a case with an open safety signal stays.
        open_signal = set(
            SafetySignal.objects.filter(
                organisation_id=organisation_id, closed_at__isnull=True
            ).values_list("match__request_id", flat=True)
        )
        return ((pk, start, ref) for pk, start, ref in rows if pk not in open_signal)
    statuses = (
        [RequestStatus.WITHDRAWN]
        if category == C.ENDED_REQUEST
        else [RequestStatus.INFORMED, RequestStatus.REFERRED]
    )
    end = _day_after(cutoff)
    return (
        (pk, _day(start), ref)
        for pk, start, ref in requests.filter(
            status__in=statuses, status_changed_at__lt=end
        ).values_list("pk", "status_changed_at", "reference")
    )


def _contact_rows(
    organisation_id: Any, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    return (
        (pk, start, f"Contact {str(pk)[:8]}")
        for pk, start in Contact.objects.filter(
            organisation_id=organisation_id,
            anonymised_at__isnull=True,
            match__closure__closed_on__lte=cutoff,
        ).values_list("pk", "match__closure__closed_on")
    )


def _buddy_rows(
    organisation_id: Any, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    end = _day_after(cutoff)
    busy = set(
        Match.objects.filter(
            organisation_id=organisation_id, status__in=HOLDS_PLACE
        ).values_list("buddy_id", flat=True)
    )
    return (
        (pk, _day(start), f"Buddy {str(pk).replace('-', '')[:8]}")
        for pk, start in Buddy.objects.filter(
            organisation_id=organisation_id,
            status=BuddyStatus.STOPPED,
            anonymised_at__isnull=True,
            status_changed_at__lt=end,
        ).values_list("pk", "status_changed_at")
        if pk not in busy
    )


def _questionnaire_rows(
    organisation_id: Any, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    return (
        (pk, start, f"Vragenlijsten {str(pk)[:8]}")
        for pk, start in Subject.objects.filter(
            organisation_id=organisation_id,
            closed_on__lte=cutoff,
            key__isnull=False,
        ).values_list("pk", "closed_on")
    )


def _thread_rows(
    organisation_id: Any, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    end = _day_after(cutoff)
    return (
        (pk, _day(start), f"Vraag {str(pk)[:8]}")
        for pk, start in Question.objects.filter(
            organisation_id=organisation_id,
            status=QuestionStatus.CLOSED,
            anonymised_at__isnull=True,
            closed_at__lt=end,
        ).values_list("pk", "closed_at")
    )


def _claim_rows(
    organisation_id: Any, cutoff: dt.date
) -> Iterable[tuple[Any, Any, str]]:
    """Financial records count from the end of their year (the fiscal seven years:
    a claim of 2026 is kept until 31 December 2033, as support/models_expenses.py's
    `retain_until` says)."""
    return (
        (pk, dt.date(spent_on.year + 1, 1, 1), f"Declaratie {str(pk)[:8]}")
        for pk, spent_on in ExpenseClaim.objects.filter(
            organisation_id=organisation_id,
            anonymised_at__isnull=True,
            spent_on__lte=cutoff,
        ).values_list("pk", "spent_on")
    )


ROWS: dict[str, Callable[[Any, dt.date], Iterable[tuple[Any, Any, str]]]] = {
    C.CLOSED_MATCH: lambda org, cutoff: _case_rows(org, C.CLOSED_MATCH, cutoff),
    C.ENDED_REQUEST: lambda org, cutoff: _case_rows(org, C.ENDED_REQUEST, cutoff),
    C.INFORMATION_REQUEST: lambda org, cutoff: _case_rows(
        org, C.INFORMATION_REQUEST, cutoff
    ),
    C.CONTACT_LOG: _contact_rows,
    C.STOPPED_BUDDY: _buddy_rows,
    C.QUESTIONNAIRE: _questionnaire_rows,
    C.QUESTION_THREAD: _thread_rows,
    C.EXPENSES: _claim_rows,
}
# The row kind a hold names, per category.
TARGET_TYPE: dict[str, str] = {
    C.CLOSED_MATCH: "intake.helprequest",
    C.ENDED_REQUEST: "intake.helprequest",
    C.INFORMATION_REQUEST: "intake.helprequest",
    C.CONTACT_LOG: "casework.contact",
    C.STOPPED_BUDDY: "buddies.buddy",
    C.QUESTIONNAIRE: "evaluation.subject",
    C.QUESTION_THREAD: "support.question",
    C.EXPENSES: "support.expenseclaim",
}


def due_rows(
    organisation_id: Any, category: str, months: int, until: dt.date
) -> list[Due]:
    """The rows of `category` due on or before `until` (the job: today), oldest first."""
    # A superset by a few days (month ends), then each row's own due date exactly.
    cutoff = until - relativedelta(months=months) + dt.timedelta(days=4)
    holds = _holds(organisation_id, TARGET_TYPE[category])
    found = []
    for pk, start, label in ROWS[category](organisation_id, cutoff):
        due = retention.due_on(start, months)
        if due is None or due > until:
            continue
        held = holds.get(str(pk))
        found.append(Due(category, pk, label, due, held))
    return sorted(found, key=lambda d: (d.due_on, str(d.pk)))


# --- Anonymising ------------------------------------------------------------------------


def _locked(queryset: QuerySet[Any]) -> QuerySet[Any]:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


# History parameters that hold free text or a name (the rest are codes and dates).
FREE_TEXT_PARAMS = ("note", "reason", "name")


def _drop_notes(history: QuerySet[Any]) -> None:
    """History rows keep their code; free text and names among their parameters
    become a dash (the line still reads: "Ingetrokken: —")."""
    rows = history.filter(params__has_any_keys=list(FREE_TEXT_PARAMS))
    for row in rows.only("pk", "params"):
        params = {
            k: ("—" if k in FREE_TEXT_PARAMS else v) for k, v in row.params.items()
        }
        type(row).objects.filter(pk=row.pk).update(params=params)


def _consents_of(target_type: str, ids: list[str]) -> None:
    """A consent stays as proof of what was agreed, without the name of who gave it."""
    Consent.objects.filter(subject_type=target_type, subject_id__in=ids).update(
        given_by=""
    )


def anonymise_cases(request_ids: list[Any], now: dt.datetime) -> int:
    """Help requests with their matches and casework: every name and text goes."""
    requests = list(
        _locked(
            HelpRequest.objects.filter(pk__in=request_ids, anonymised_at__isnull=True)
        )
    )
    ids = [r.pk for r in requests]
    if not ids:
        return 0
    HelpRequest.objects.filter(pk__in=ids).update(
        full_name="",
        email="",
        phone="",
        child_name="",
        school_name="",
        question="",
        intake_note="",
        information_given="",
        anonymised_at=now,
    )
    RequestEvent.objects.filter(request_id__in=ids).update(description="")
    _drop_notes(RequestEvent.objects.filter(request_id__in=ids))
    ProfessionalReferral.objects.filter(request_id__in=ids).update(
        referrer_name="",
        referrer_email="",
        parent_name="",
        parent_email="",
        reason="",
    )
    Conflict.objects.filter(request_id__in=ids).update(note="")
    matches = list(
        Match.objects.filter(request_id__in=ids).values_list("pk", flat=True)
    )
    Match.objects.filter(pk__in=matches).update(
        reason="", decline_note="", introduction_place="", anonymised_at=now
    )
    MatchEvent.objects.filter(match_id__in=matches).update(description="")
    _drop_notes(MatchEvent.objects.filter(match_id__in=matches))
    Agreement.objects.filter(match_id__in=matches).update(goals="")
    Contact.objects.filter(match_id__in=matches).update(note="", anonymised_at=now)
    CheckIn.objects.filter(match_id__in=matches).update(note="")
    SafetySignal.objects.filter(match_id__in=matches).update(
        description="", follow_up=""
    )
    Closure.objects.filter(match_id__in=matches).update(note="")
    SchoolMeeting.objects.filter(match_id__in=matches).update(place="")
    _consents_of("intake.helprequest", [str(pk) for pk in ids])
    for organisation_id in {r.organisation_id for r in requests}:
        org_cache.changed(organisation_id)  # update() sends no signal
    return len(ids)


def anonymise_contacts(contact_ids: list[Any], now: dt.datetime) -> int:
    ids = list(
        _locked(
            Contact.objects.filter(pk__in=contact_ids, anonymised_at__isnull=True)
        ).values_list("pk", flat=True)
    )
    return Contact.objects.filter(pk__in=ids).update(note="", anonymised_at=now)


def anonymise_buddies(buddy_ids: list[Any], now: dt.datetime) -> int:
    """Stopped buddies: name, addresses, motivation, screening notes and the account."""
    buddies = list(
        _locked(Buddy.objects.filter(pk__in=buddy_ids, anonymised_at__isnull=True))
    )
    ids = [b.pk for b in buddies]
    if not ids:
        return 0
    Buddy.objects.filter(pk__in=ids).update(
        full_name="",
        email="",
        phone="",
        motivation="",
        how_heard="",
        conflict_schools=[],
        anonymised_at=now,
    )
    Interview.objects.filter(buddy_id__in=ids).update(
        experience_processed_note="",
        listening_note="",
        reflection_note="",
        boundaries_note="",
        communication_note="",
    )
    StatusChange.objects.filter(buddy_id__in=ids).update(reason="")
    _drop_notes(StatusChange.objects.filter(buddy_id__in=ids))
    Conflict.objects.filter(buddy_id__in=ids).update(note="")
    _consents_of("buddies.buddy", [str(pk) for pk in ids])
    for buddy in buddies:
        if buddy.user_id is not None:
            _close_account(buddy.user_id, buddy.organisation_id)
        org_cache.changed(buddy.organisation_id)  # update() sends no signal
    return len(ids)


def _close_account(user_id: Any, organisation_id: Any) -> None:
    """The buddy's account goes, unless the person also works elsewhere in the app."""
    memberships = Membership.objects.filter(user_id=user_id)
    memberships.filter(organisation_id=organisation_id).update(is_active=False)
    if memberships.filter(is_active=True).exists():
        return

    TOTPDevice.objects.filter(user_id=user_id).delete()
    StaticDevice.objects.filter(user_id=user_id).delete()
    user = get_user_model().objects.get(pk=user_id)
    user.email = (
        f"geanonimiseerd-{str(user.pk).replace('-', '')[:12]}@ouderbuddy.invalid"
    )
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "is_active", "password"])


def anonymise_questionnaires(subject_ids: list[Any], now: dt.datetime) -> int:
    """The answers lose their link to the match, and the open answers go."""
    ids = list(
        _locked(
            Subject.objects.filter(pk__in=subject_ids, key__isnull=False)
        ).values_list("pk", flat=True)
    )
    TextAnswer.objects.filter(response__subject_id__in=ids).delete()
    MatchKey.objects.filter(subject_id__in=ids).delete()
    return len(ids)


def anonymise_threads(question_ids: list[Any], now: dt.datetime) -> int:
    ids = list(
        _locked(
            Question.objects.filter(pk__in=question_ids, anonymised_at__isnull=True)
        ).values_list("pk", flat=True)
    )
    Reply.objects.filter(question_id__in=ids).update(body="")
    return Question.objects.filter(pk__in=ids).update(subject="", anonymised_at=now)


def anonymise_claims(claim_ids: list[Any], now: dt.datetime) -> int:
    """Description, places and the receipt go; amount, date and kind stay."""
    claims = list(
        _locked(
            ExpenseClaim.objects.filter(pk__in=claim_ids, anonymised_at__isnull=True)
        ).values_list("pk", "kind", "receipt_name")
    )
    files = [name for _pk, _kind, name in claims if name and name != RECEIPT_GONE]
    ids = [pk for pk, _kind, _name in claims]
    receipt_ids = [pk for pk, kind, _name in claims if kind == ClaimKind.RECEIPT]
    ExpenseClaim.objects.filter(pk__in=ids).update(
        description="",
        from_place="",
        to_place="",
        receipt_name="",
        receipt_type="",
        anonymised_at=now,
    )
    ExpenseClaim.objects.filter(pk__in=receipt_ids).update(receipt_name=RECEIPT_GONE)
    ClaimEvent.objects.filter(claim_id__in=ids).update(reason="")

    # The files go after the commit: a rollback must not leave a claim without its bon.
    def remove_files() -> None:
        for name in files:
            receipts.delete(name)

    transaction.on_commit(remove_files)
    return len(ids)


ANONYMISE: dict[str, Callable[[list[Any], dt.datetime], int]] = {
    C.CLOSED_MATCH: anonymise_cases,
    C.ENDED_REQUEST: anonymise_cases,
    C.INFORMATION_REQUEST: anonymise_cases,
    C.CONTACT_LOG: anonymise_contacts,
    C.STOPPED_BUDDY: anonymise_buddies,
    C.QUESTIONNAIRE: anonymise_questionnaires,
    C.QUESTION_THREAD: anonymise_threads,
    C.EXPENSES: anonymise_claims,
}


# --- Deleting ------------------------------------------------------------------------


def _boundary(now: dt.datetime, months: int) -> dt.datetime:
    """Rows made before this moment are due: their (Dutch) day plus `months` is today
    or earlier."""
    return _day_after(_today(now) - relativedelta(months=months))


def _delete_in_batches(queryset: QuerySet[Any]) -> int:
    """Delete the rows in batches (each its own transaction); the count deleted."""
    total = 0
    model: type[Model] = queryset.model
    while True:
        with transaction.atomic():
            ids = list(
                _locked(queryset.order_by("pk")).values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return total
            batch = model._base_manager.filter(pk__in=ids)
            # The audit log's manager refuses delete(); retention is the one exception.
            total += batch._raw_delete(batch.db)


def _delete_audit(organisation_id: Any, months: int, now: dt.datetime) -> int:
    return _delete_in_batches(
        AuditEvent.objects.filter(
            organisation_id=organisation_id, at__lt=_boundary(now, months)
        )
    )


def _delete_email(months: int, now: dt.datetime) -> int:

    before = _boundary(now, months)
    return _delete_in_batches(
        OutgoingEmail.objects.filter(created_at__lt=before)
    ) + _delete_in_batches(
        DBTaskResult.objects.filter(finished_at__isnull=False, finished_at__lt=before)
    )


# --- The run ---------------------------------------------------------------------------


def run(now: dt.datetime | None = None) -> RetentionRun:
    """Anonymise and delete everything that is due today; return the run's record."""
    now = now or timezone.now()
    today = _today(now)
    record = RetentionRun.objects.create(started_at=now)
    counts: Counter[str] = Counter()
    try:
        for organisation_id in Organisation.objects.values_list("pk", flat=True):
            done = _run_organisation(organisation_id, today, now)
            counts.update(done)
            record.counts = dict(counts)
            record.save(update_fields=["counts"])
        # Rows of no organisation: the platform's own log lines, e-mails, sessions.
        counts[C.AUDIT_LOG] += _delete_in_batches(
            AuditEvent.objects.filter(
                organisation_id__isnull=True,
                at__lt=now
                - relativedelta(months=retention.RULE_OF[C.AUDIT_LOG].months),
            )
        )
        counts[C.EMAIL] += _delete_email(retention.RULE_OF[C.EMAIL].months, now)
        before = Session.objects.filter(expire_date__lt=now).count()
        Session.objects.filter(expire_date__lt=now).delete()
        counts[C.SESSIONS] += before
    except Exception as exc:
        record.counts = dict(counts)
        record.error = type(exc).__name__[:200]
        record.save(update_fields=["counts", "error"])
        raise
    record.counts = dict(counts)
    record.finished_at = timezone.now()
    record.save(update_fields=["counts", "finished_at"])
    return record


def _run_organisation(
    organisation_id: Any, today: dt.date, now: dt.datetime
) -> Counter[str]:

    months = retention.months_for(organisation_id)
    done: Counter[str] = Counter()
    for category, anonymise in ANONYMISE.items():
        due = [
            d.pk
            for d in due_rows(organisation_id, category, months[category], today)
            if d.held_until is None or d.held_until <= today
        ]
        for start in range(0, len(due), BATCH):
            with transaction.atomic():
                done[category] += anonymise(due[start : start + BATCH], now)
    done[C.AUDIT_LOG] += _delete_audit(organisation_id, months[C.AUDIT_LOG], now)
    found = {k: v for k, v in done.items() if v}
    if found:
        record_event(
            actor=None,
            organisation=organisation_id,
            verb="privacy.retention_run",
            data={"counts": found},
        )
    return done


# --- The coordinator's view --------------------------------------------------------------


def upcoming(
    organisation_id: Any, days: int = 30, *, today: dt.date | None = None
) -> list[Due]:
    """What the job will anonymise within `days` (and what is overdue but held)."""
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=days)
    months = retention.months_for(organisation_id)
    found: list[Due] = []
    for category in ANONYMISE:
        found.extend(due_rows(organisation_id, category, months[category], until))
    return sorted(found, key=lambda d: (d.due_on, d.category, str(d.pk)))
