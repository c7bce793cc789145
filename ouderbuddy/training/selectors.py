"""The read side of training. Courses and sessions are scoped to the actor's organisation;
a buddy sees only their own enrolments and qualifications."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.buddies.selectors import visible_buddies
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.training import engine
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    QualificationKind,
    Session,
)

# Buddies a coordinator can put on a training: the ones in (or past) the training step.
BOOKABLE_STATUSES = [BuddyStatus.TRAINING, BuddyStatus.ACTIVE, BuddyStatus.PAUSED]

# An active enrolment holds a place or a spot on the waiting list.
ACTIVE_STATUSES = [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]


# --- Courses and sessions ---------------------------------------------------------


def visible_courses(actor: Membership) -> QuerySet[Course]:
    """The courses of the actor's organisation."""
    return Course.objects.filter(organisation_id=actor.organisation_id)


def get_course_for(actor: Membership, course_id: Any) -> Course:
    """One course of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_courses(actor).get(pk=course_id)
    except (Course.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def qualifying_courses(actor: Membership) -> QuerySet[Course]:
    """The organisation's basic and refresher courses: the ones a training followed
    elsewhere can count as."""
    return visible_courses(actor).filter(
        kind__in=[CourseKind.BASIC, CourseKind.REFRESHER]
    )


def with_place_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions annotated with enrolled_count, waitlist_count and free_places."""
    return sessions.annotate(
        enrolled_count=Count(
            "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)
        ),
        waitlist_count=Count(
            "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)
        ),
    ).annotate(
        free_places=Greatest(
            F("capacity") - F("enrolled_count"), Value(0), output_field=IntegerField()
        )
    )


def visible_sessions(actor: Membership) -> QuerySet[Session]:
    """The sessions of the actor's organisation, with their place counts."""
    return with_place_counts(
        Session.objects.filter(organisation_id=actor.organisation_id).select_related(
            "course"
        )
    ).order_by("starts_at")


def get_session_for(actor: Membership, session_id: Any) -> Session:
    """One session of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_sessions(actor).get(pk=session_id)
    except (Session.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def get_session_page_for(actor: Membership, session_id: Any) -> Session:
    """One session of the actor's organisation with its course, without the place
    counts (its page counts the enrolments it lists); 404 when missing or not theirs."""
    try:
        return (
            Session.objects.filter(organisation_id=actor.organisation_id)
            .select_related("course")
            .get(pk=session_id)
        )
    except (Session.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def upcoming_sessions(actor: Membership) -> QuerySet[Session]:
    """Sessions of the actor's organisation that have not started and go ahead."""
    return visible_sessions(actor).filter(
        cancelled_at__isnull=True, starts_at__gt=timezone.now()
    )


def upcoming_sessions_with_places(
    actor: Membership, days: int = 60
) -> QuerySet[Session]:
    """Upcoming sessions in the next `days` days that still have a free place."""
    until = timezone.now() + dt.timedelta(days=days)
    return upcoming_sessions(actor).filter(
        Q(enrolled_count__lt=F("capacity")), starts_at__lte=until
    )


def courses_with_upcoming_sessions(actor: Membership) -> list[Course]:
    """The organisation's courses, each with `upcoming` (its upcoming sessions). The
    organisation's upcoming sessions are read at once and put with their course."""
    courses = list(visible_courses(actor))
    upcoming: dict[Any, list[Session]] = {course.pk: [] for course in courses}
    for session in upcoming_sessions(actor).select_related(None):
        if session.course_id in upcoming:
            upcoming[session.course_id].append(session)
    for course in courses:
        course.upcoming = upcoming[course.pk]  # type: ignore[attr-defined]
        for session in course.upcoming:  # type: ignore[attr-defined]
            session.course = course
    return courses


def sessions_of(course: Course) -> QuerySet[Session]:
    """All sessions of one course, newest first, with their place counts."""
    return with_place_counts(course.sessions.all()).order_by("-starts_at")


# --- Enrolments -------------------------------------------------------------------


def waitlist(session: Session) -> QuerySet[Enrolment]:
    """The waiting list of a session, first in line first."""
    return Enrolment.objects.filter(
        session=session, status=EnrolmentStatus.WAITLISTED
    ).order_by("joined_at", "id")


def enrolments_in(session: Session) -> list[Enrolment]:
    """Everyone enrolled in, waiting for or cancelled from a session (coordinators),
    in the order they joined, with their waiting-list position (1 for the first
    waiting, None when not waiting).

    Of the buddy only the name is read (the session page shows nothing else), and the
    positions are counted here in the same order, not by a subquery per row."""
    enrolments = list(
        Enrolment.objects.filter(session=session)
        .select_related("buddy")
        .only("status", "joined_at", "attended", "buddy__full_name")
        .order_by("joined_at", "id")
    )
    waiting = 0
    for enrolment in enrolments:
        position = None
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            waiting += 1
            position = waiting
        enrolment.waitlist_position = position  # type: ignore[attr-defined]
    return enrolments


def enrolment_rows_in(session: Session) -> list[SimpleNamespace]:
    """`enrolments_in` for the session page: the same rows in the same order, with
    `pk`, `status`, `attended`, `buddy.full_name` and `waitlist_position`, read as
    values (no model instances)."""
    rows = []
    waiting = 0
    for pk, status, attended, name in (
        Enrolment.objects.filter(session=session)
        .order_by("joined_at", "id")
        .values_list("id", "status", "attended", "buddy__full_name")
    ):
        position = None
        if status == EnrolmentStatus.WAITLISTED:
            waiting += 1
            position = waiting
        rows.append(
            SimpleNamespace(
                pk=pk,
                status=status,
                attended=attended,
                buddy=SimpleNamespace(full_name=name),
                waitlist_position=position,
            )
        )
    return rows


# What the buddy's own trainings page shows of a current enrolment and its session.
CURRENT_ENROLMENT_FIELDS = (
    "status",
    "session__starts_at",
    "session__ends_at",
    "session__location",
    "session__online_url",
    "session__cancelled_at",
    "session__course__title",
)


def enrolments_of(buddy: Buddy, *, current: bool = False) -> list[Enrolment]:
    """A buddy's enrolments, earliest session first, with their waiting-list position
    (1 for the first waiting, None when not waiting). The positions cost a second
    query only when the buddy waits somewhere. With `current`, only those not
    cancelled whose session has not ended, with the columns the buddy's page shows."""
    enrolments_ = (
        Enrolment.objects.filter(buddy=buddy)
        .select_related("session__course")
        .order_by("session__starts_at", "id")
    )
    if current:
        enrolments_ = enrolments_.exclude(status=EnrolmentStatus.CANCELLED).filter(
            session__ends_at__gt=timezone.now()
        )
        enrolments_ = enrolments_.only(*CURRENT_ENROLMENT_FIELDS)
    enrolments = list(enrolments_)
    for enrolment in enrolments:
        enrolment.waitlist_position = None  # type: ignore[attr-defined]
    waiting = {e.pk: e for e in enrolments if e.status == EnrolmentStatus.WAITLISTED}
    if waiting:
        # The waiting lists of those sessions in the order of joining, as on the
        # session page (`enrolments_in`).
        lists = (
            Enrolment.objects.filter(
                session_id__in={e.session_id for e in waiting.values()},
                status=EnrolmentStatus.WAITLISTED,
            )
            .order_by("session_id", "joined_at", "id")
            .values_list("session_id", "id")
        )
        place: dict[Any, int] = {}
        for session_id, enrolment_id in lists:
            place[session_id] = place.get(session_id, 0) + 1
            if enrolment_id in waiting:
                waiting[enrolment_id].waitlist_position = place[session_id]  # type: ignore[attr-defined]
    return enrolments


def visible_enrolments(actor: Membership) -> QuerySet[Enrolment]:
    """Coordinators: the organisation's enrolments. Buddies: only their own."""
    enrolments = Enrolment.objects.filter(
        organisation_id=actor.organisation_id
    ).select_related("session__course", "buddy")
    if actor.role == Role.COORDINATOR:
        return enrolments
    if actor.role == Role.BUDDY:
        return enrolments.filter(buddy__user_id=actor.user_id)
    return enrolments.none()


def get_enrolment_for(actor: Membership, enrolment_id: Any) -> Enrolment:
    """One enrolment the actor may see; 404 when missing or not theirs."""
    try:
        return visible_enrolments(actor).get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def bookable_buddies(actor: Membership, session: Session) -> QuerySet[Buddy]:
    """Buddies the coordinator can enrol in `session`: in training, active or paused,
    and not already enrolled or waiting."""
    taken = Enrolment.objects.filter(
        session=session, buddy_id=OuterRef("pk"), status__in=ACTIVE_STATUSES
    )
    return (
        visible_buddies(actor)
        .filter(status__in=BOOKABLE_STATUSES)
        .exclude(Exists(taken))
        .order_by("full_name")
    )


# --- Qualifications -------------------------------------------------------------


def qualifications_of(buddy: Buddy) -> QuerySet[Qualification]:
    """A buddy's finished trainings, newest first, with their course. (Every one
    from a session has its session's course since migration 0002: the session is
    not read with them.)"""
    return Qualification.objects.filter(buddy=buddy).select_related("course")


# The buddy page's two reads, compiled once per process (`buddies/prepared.py`).
_RECORD_QUALIFICATIONS = Prepared(
    lambda buddy_id: Qualification.objects.filter(buddy_id=buddy_id).values(
        "kind",
        "obtained_on",
        "valid_until",
        "provider",
        "note",
        "created_at",
        "course_id",
        "course__title",
        "recorded_by_id",
        "recorded_by__full_name",
    )
)
_RECORD_ENROLMENTS = Prepared(
    lambda buddy_id: (
        Enrolment.objects.filter(buddy_id=buddy_id)
        .order_by("session__starts_at", "id")
        .values("status", "attended", "session__starts_at", "session__course__title")
    )
)

# The buddy page's "last twelve months" (support's record of intervisie, beside it).
RECENT_DAYS = 365


def training_record(buddy: Buddy) -> dict[str, Any]:
    """The buddy page's training section: enrolments and finished trainings, and
    whether one of them is the basic training (for the checklist).

    Rows (dicts) in the shape the page reads them (`q.course.title`,
    `e.get_status_display`), read as values: only the columns the section shows,
    no model instances."""
    kinds = dict(QualificationKind.choices)
    qualifications = [
        {
            "kind": q["kind"],
            "get_kind_display": kinds.get(q["kind"], q["kind"]),
            "course": {"title": q["course__title"]} if q["course_id"] else None,
            "obtained_on": q["obtained_on"],
            "valid_until": q["valid_until"],
            "provider": q["provider"],
            "note": q["note"],
            "created_at": q["created_at"],
            "recorded_by": {"full_name": q["recorded_by__full_name"]}
            if q["recorded_by_id"]
            else None,
        }
        for q in _RECORD_QUALIFICATIONS.rows(buddy.pk)
    ]
    statuses = dict(EnrolmentStatus.choices)
    read = _RECORD_ENROLMENTS.rows(buddy.pk)
    enrolments = [
        {
            "get_status_display": statuses.get(e["status"], e["status"]),
            "session": {
                "starts_at": e["session__starts_at"],
                "course": {"title": e["session__course__title"]},
            },
        }
        for e in read
    ]
    # The sessions the buddy came to in the last twelve months, newest first: from
    # the same rows (no read of its own).
    now = timezone.now()
    since = now - dt.timedelta(days=RECENT_DAYS)
    attended_last_year = [
        {"starts_at": e["session__starts_at"], "title": e["session__course__title"]}
        for e in reversed(read)
        if e["status"] == EnrolmentStatus.ENROLLED
        and e["attended"]
        and since <= e["session__starts_at"] <= now
    ]
    return {
        "enrolments": enrolments,
        "attended_last_year": attended_last_year,
        "qualifications": qualifications,
        "has_basic_training": any(
            q["kind"] == QualificationKind.BASIC for q in qualifications
        ),
    }


def has_basic_training(buddy: Buddy) -> bool:
    """Whether the buddy has finished a basic training (the gate before matching)."""
    return Qualification.objects.filter(
        buddy=buddy, kind=QualificationKind.BASIC
    ).exists()


def refresher_due_on(
    buddy: Buddy, qualifications: list[Any] | None = None
) -> dt.date | None:
    """When the buddy's next refresher is due: the newest refresher's expiry, or one year
    after the basic training when there is none; None without any training. A page that
    has the buddy's `qualifications` (all of them) passes them: no query then."""
    if qualifications is None:
        qualifications = list(Qualification.objects.filter(buddy=buddy))
    newest: dict[str, Qualification | None] = dict.fromkeys(QualificationKind.values)
    for q in sorted(qualifications, key=lambda q: (q.obtained_on, q.created_at)):
        newest[q.kind] = q  # the newest last
    refresher, basic = (
        newest[QualificationKind.REFRESHER],
        newest[QualificationKind.BASIC],
    )
    return engine.refresher_due(
        has_refresher=refresher is not None,
        newest_refresher_valid_until=refresher.valid_until if refresher else None,
        newest_basic_on=basic.obtained_on if basic else None,
    )


def refreshers_due_among(
    buddies: QuerySet[Buddy], until: dt.date
) -> list[tuple[Buddy, dt.date]]:
    """(buddy, due date) for the `buddies` whose refresher is due on or before `until`,
    overdue ones included, earliest first. Two queries, whatever the number."""

    def newest(kind: str) -> QuerySet[Qualification]:
        return Qualification.objects.filter(buddy=OuterRef("pk"), kind=kind).order_by(
            "-obtained_on", "-created_at"
        )

    annotated = buddies.annotate(
        has_refresher=Exists(newest(QualificationKind.REFRESHER)),
        refresher_valid_until=Subquery(
            newest(QualificationKind.REFRESHER).values("valid_until")[:1]
        ),
        basic_obtained_on=Subquery(
            newest(QualificationKind.BASIC).values("obtained_on")[:1]
        ),
    ).filter(Q(has_refresher=True) | Q(basic_obtained_on__isnull=False))
    due = []
    for buddy in annotated:
        due_on = engine.refresher_due(
            has_refresher=buddy.has_refresher,
            newest_refresher_valid_until=buddy.refresher_valid_until,
            newest_basic_on=buddy.basic_obtained_on,
        )
        if due_on is not None and due_on <= until:
            due.append((buddy, due_on))
    return sorted(due, key=lambda pair: (pair[1], pair[0].full_name))


def refreshers_due_within(
    actor: Membership, days: int = 60
) -> list[tuple[Buddy, dt.date]]:
    """(buddy, due date) for the organisation's buddies whose refresher is due within
    `days` days or overdue, earliest first. Stopped buddies are left out."""
    until = timezone.localdate() + dt.timedelta(days=days)
    buddies = visible_buddies(actor).exclude(status=BuddyStatus.STOPPED)
    return refreshers_due_among(buddies, until)


# --- The buddy's own trainings page ---------------------------------------------------
# Its reads compiled once per process (`buddies/prepared.py`), as values in the shape
# the page reads them: the same querysets as `upcoming_sessions` (with the panel's
# columns) and `qualifications_of`.


def _upcoming_panels(organisation_id: Any, now: dt.datetime) -> QuerySet[Any, Any]:
    sessions = with_place_counts(
        Session.objects.filter(
            organisation_id=organisation_id,
            cancelled_at__isnull=True,
            starts_at__gt=now,
        )
    ).order_by("starts_at")
    fields = (
        "id",
        "starts_at",
        "ends_at",
        "location",
        "online_url",
        "free_places",
        "course__title",
        "course__kind",
    )
    panels: QuerySet[Any, Any] = sessions.values(*fields)
    return panels


_UPCOMING_PANELS = Prepared(_upcoming_panels)
_OWN_QUALIFICATIONS = Prepared(
    lambda buddy_id: Qualification.objects.filter(buddy_id=buddy_id).values(
        "kind",
        "obtained_on",
        "valid_until",
        "provider",
        "created_at",
        "course_id",
        "course__title",
        "session_id",
        "session__course__title",
    )
)


def upcoming_panels(actor: Membership) -> list[dict[str, Any]]:
    """`upcoming_sessions(actor)` as the buddy's page shows them: `pk`, the times,
    place, online link, `free_places` and `course` (`title`, `get_kind_display`)."""
    kinds = dict(CourseKind.choices)
    return [
        {
            "pk": row["id"],
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
            "location": row["location"],
            "online_url": row["online_url"],
            "free_places": row["free_places"],
            "course": {
                "title": row["course__title"],
                "get_kind_display": kinds.get(row["course__kind"], row["course__kind"]),
            },
        }
        for row in _UPCOMING_PANELS.rows(actor.organisation_id, timezone.now())
    ]


def own_qualifications(buddy_id: Any) -> list[SimpleNamespace]:
    """`qualifications_of(buddy)` with what the buddy's page and `refresher_due_on`
    read: `kind`, `get_kind_display`, the dates, `provider`, `course` and `session`
    (each None or with the title the page shows)."""
    kinds = dict(QualificationKind.choices)
    return [
        SimpleNamespace(
            kind=row["kind"],
            get_kind_display=kinds.get(row["kind"], row["kind"]),
            obtained_on=row["obtained_on"],
            valid_until=row["valid_until"],
            created_at=row["created_at"],
            provider=row["provider"],
            course={"title": row["course__title"]} if row["course_id"] else None,
            session={"course": {"title": row["session__course__title"]}}
            if row["session_id"]
            else None,
        )
        for row in _OWN_QUALIFICATIONS.rows(buddy_id)
    ]
