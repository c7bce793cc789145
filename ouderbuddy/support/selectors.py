"""The read side of buddy support: who sees which intervisie group and session, a
buddy's own sessions, what the buddy page and the start page show of intervisie."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.selectors import working_days_between
from ouderbuddy.lib.prepared import Prepared, loaded
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.selectors import RUNNING
from ouderbuddy.notifications.mail import first_name
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.support import names
from ouderbuddy.support.models import (
    Announcement,
    GroupMember,
    IntervisieGroup,
    IntervisieSession,
    Participation,
    ParticipationStatus,
    Question,
    QuestionStatus,
    Reply,
)

# PRACTICE.md: post-match training at least yearly; the start page warns after six
# months without intervisie, the buddy page shows the last twelve.
WITHOUT_INTERVISIE_MONTHS = 6
RECORD_MONTHS = 12


def _months_ago(months: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(months * 30.44))


def _own_buddy_ids(actor: Membership) -> QuerySet[Buddy, Any]:
    return Buddy.objects.filter(
        organisation_id=actor.organisation_id, user_id=actor.user_id
    ).values("pk")


# --- Groups and sessions, per actor ----------------------------------------------


def visible_groups(actor: Membership) -> QuerySet[IntervisieGroup]:
    """A coordinator sees the organisation's groups; a buddy the groups they are in
    or lead; anyone else none."""
    groups = IntervisieGroup.objects.filter(organisation_id=actor.organisation_id)
    if not actor.is_active:
        return groups.none()
    if actor.role == Role.COORDINATOR:
        return groups
    if actor.role == Role.BUDDY:
        return groups.filter(
            Q(facilitator=actor)
            | Exists(
                GroupMember.objects.filter(
                    organisation_id=actor.organisation_id,
                    group=OuterRef("pk"),
                    buddy__in=_own_buddy_ids(actor),
                )
            )
        )
    return groups.none()


def get_group_for(actor: Membership, group_id: Any) -> IntervisieGroup:
    return get_or_404(
        visible_groups(actor).select_related("facilitator__user"), group_id
    )


def led_groups(actor: Membership) -> QuerySet[IntervisieGroup]:
    """The groups the actor may lead: every group for a coordinator, the groups a
    buddy facilitates."""
    groups = visible_groups(actor)
    if actor.role == Role.COORDINATOR:
        return groups
    return groups.filter(facilitator=actor)


def may_lead(actor: Membership, group: IntervisieGroup) -> bool:
    """A coordinator of the organisation, or the group's own facilitator."""
    if not actor.is_active or actor.organisation_id != group.organisation_id:
        return False
    return actor.role == Role.COORDINATOR or group.facilitator_id == actor.pk


def visible_sessions(actor: Membership) -> QuerySet[IntervisieSession]:
    return IntervisieSession.objects.filter(
        organisation_id=actor.organisation_id,
        group__in=visible_groups(actor).values("pk"),
    )


def get_session_for(actor: Membership, session_id: Any) -> IntervisieSession:
    return get_or_404(
        visible_sessions(actor).select_related("group__facilitator__user"), session_id
    )


def group_members(group: IntervisieGroup) -> list[Buddy]:
    """The group's buddies by name."""
    return list(
        Buddy.objects.filter(
            organisation_id=group.organisation_id,
            pk__in=GroupMember.objects.filter(group=group).values("buddy"),
        )
        .only("full_name", "status", "organisation", "email", "user", "email_language")
        .order_by("full_name")
    )


def sessions_of(group: IntervisieGroup) -> list[IntervisieSession]:
    return list(
        IntervisieSession.objects.filter(
            organisation_id=group.organisation_id, group=group
        ).order_by("-starts_at")
    )


def participations_of(session: IntervisieSession) -> dict[Any, Participation]:
    """The session's participations by buddy key."""
    return {
        p.buddy_id: p
        for p in Participation.objects.filter(
            organisation_id=session.organisation_id, session=session
        )
    }


def _attendance(organisation_id: Any, session_id: Any, group_id: Any) -> Any:
    """The group's members and anyone else with a participation in the session, by
    name, each with the participation's status and attendance (None without one)."""
    taken = Participation.objects.filter(
        organisation_id=organisation_id, session_id=session_id, buddy=OuterRef("pk")
    )
    return (
        Buddy.objects.filter(organisation_id=organisation_id)
        .filter(
            Q(
                pk__in=GroupMember.objects.filter(
                    organisation_id=organisation_id, group_id=group_id
                ).values("buddy")
            )
            | Q(
                pk__in=Participation.objects.filter(
                    organisation_id=organisation_id, session_id=session_id
                ).values("buddy")
            )
        )
        .annotate(
            taken_status=Subquery(taken.values("status")[:1]),
            taken_attended=Subquery(taken.values("attended")[:1]),
        )
        .order_by("full_name", "pk")
        .values("pk", "full_name", "organisation", "taken_status", "taken_attended")
    )


# Compiled once per process (`lib/prepared.py`): the session page's one read of who.
_ATTENDANCE = Prepared(_attendance)


def attendance_rows(session: IntervisieSession) -> list[dict[str, Any]]:
    """Who the attendance form asks about: the group's members and anyone else who
    signed up (a buddy who left the group since), by name, with their sign-up and
    whether they came."""
    return [
        {
            "buddy": loaded(
                Buddy, row, {"full_name": "full_name", "organisation": "organisation"}
            ),
            "signed_up": row["taken_status"] == ParticipationStatus.SIGNED_UP,
            "attended": row["taken_attended"],
        }
        for row in _ATTENDANCE.rows(
            session.organisation_id, session.pk, session.group_id
        )
    ]


# --- A buddy's own sessions ----------------------------------------------------------


# A buddy's own sessions, compiled once per process (`lib/prepared.py`): what the
# page shows of each, and of its group only the name.
_SESSION_FIELDS = (
    "organisation",
    "group",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "theme",
    "method",
)
_SESSION_NAMES = {f: f for f in _SESSION_FIELDS}
_UPCOMING = Prepared(
    lambda organisation_id, buddy_id, now: (
        IntervisieSession.objects.filter(
            organisation_id=organisation_id,
            group__in=GroupMember.objects.filter(
                organisation_id=organisation_id, buddy_id=buddy_id
            ).values("group"),
            group__archived_at__isnull=True,
            cancelled_at__isnull=True,
            starts_at__gt=now,
        )
        .annotate(
            signed_up=Exists(
                Participation.objects.filter(
                    organisation_id=organisation_id,
                    session=OuterRef("pk"),
                    buddy_id=buddy_id,
                    status=ParticipationStatus.SIGNED_UP,
                )
            )
        )
        .order_by("starts_at", "pk")
        .values("pk", *_SESSION_NAMES, "group__name", "signed_up")
    )
)
_ATTENDED = Prepared(
    lambda organisation_id, buddy_id, since: (
        IntervisieSession.objects.filter(
            organisation_id=organisation_id,
            starts_at__gte=since,
            participations__buddy_id=buddy_id,
            participations__attended=True,
        )
        .order_by("-starts_at", "pk")
        .values("pk", *_SESSION_NAMES, "group__name")
    )
)


def _own_session(row: dict[str, Any]) -> IntervisieSession:
    session = loaded(IntervisieSession, row, _SESSION_NAMES)
    session.group = loaded(
        IntervisieGroup,
        {"pk": row["group"], "name": row["group__name"], "org": row["organisation"]},
        {"name": "name", "organisation": "org"},
    )
    return session


def own_sessions(actor: Membership, buddy: Buddy) -> dict[str, list[dict[str, Any]]]:
    """The sessions of the buddy's groups: `upcoming` (not cancelled, not started,
    soonest first, with `signed_up`) and `attended` (the last twelve months)."""
    now = timezone.now()
    since = now - dt.timedelta(days=round(RECORD_MONTHS * 30.44))
    keys = (actor.organisation_id, buddy.pk)
    return {
        "upcoming": [
            {"session": _own_session(row), "signed_up": row["signed_up"]}
            for row in _UPCOMING.rows(*keys, now)
        ],
        "attended": [
            {"session": _own_session(row)} for row in _ATTENDED.rows(*keys, since)
        ],
    }


def feed_sessions(buddy: Buddy, since: dt.datetime) -> QuerySet[IntervisieSession]:
    """The sessions the buddy signed up for, for the agenda feed."""
    return (
        IntervisieSession.objects.filter(
            organisation_id=buddy.organisation_id,
            cancelled_at__isnull=True,
            starts_at__gte=since,
            participations__buddy=buddy,
            participations__status=ParticipationStatus.SIGNED_UP,
        )
        .select_related("group")
        .order_by("starts_at")
    )


# --- The buddy page and the start page -------------------------------------------


def attended_sessions(
    buddy: Buddy, months: int = RECORD_MONTHS
) -> list[IntervisieSession]:
    """The intervisie sessions the buddy came to in the last `months` months."""
    return list(
        IntervisieSession.objects.filter(
            organisation_id=buddy.organisation_id,
            starts_at__gte=_months_ago(months),
            participations__buddy=buddy,
            participations__attended=True,
        )
        .select_related("group")
        .only("starts_at", "theme", "group__name")
        .order_by("-starts_at")
    )


def support_record(buddy: Buddy) -> dict[str, Any]:
    """The buddy page's section on the last twelve months: the intervisie sessions
    the buddy came to, newest first, as rows (`starts_at`, `title`, `detail`). (The
    training sessions beside them come with training's record, from its own read.)"""
    now = timezone.now()
    since = now - dt.timedelta(days=round(RECORD_MONTHS * 30.44))
    intervisie = [
        {
            "starts_at": row["starts_at"],
            "title": row["theme"],
            "detail": row["group__name"],
        }
        for row in _ATTENDED.rows(buddy.organisation_id, buddy.pk, since)
    ]
    return {
        "intervisie": intervisie,
        "year_url": reverse("support:buddy_year", args=[buddy.pk]),
    }


def buddies_without_intervisie(
    organisation_id: Any, months: int = WITHOUT_INTERVISIE_MONTHS
) -> QuerySet[Buddy]:
    """Active buddies who came to no intervisie session in the last `months` months,
    by name."""
    came = Participation.objects.filter(
        organisation_id=organisation_id,
        buddy=OuterRef("pk"),
        attended=True,
        session__starts_at__gte=_months_ago(months),
    )
    return (
        Buddy.objects.filter(organisation_id=organisation_id, status=BuddyStatus.ACTIVE)
        .exclude(Exists(came))
        .order_by("full_name")
    )


# --- Names a record must not hold ------------------------------------------------


def names_in_running_matches(organisation_id: Any) -> frozenset[str]:
    """The name words of the parents and children in the organisation's running
    matches (`support.names`)."""
    rows = HelpRequest.objects.filter(
        organisation_id=organisation_id,
        pk__in=Match.objects.filter(
            organisation_id=organisation_id, status__in=RUNNING
        ).values("request"),
    ).values_list("full_name", "child_name")
    return names.name_words(name for row in rows for name in row if name)


# --- What the forms offer ------------------------------------------------------------


_FACILITATORS = Prepared(
    lambda organisation_id: (
        Membership.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role__in=(Role.COORDINATOR, Role.BUDDY),
        )
        .order_by("user__full_name", "pk")
        .values("pk", "user__full_name", "role")
    )
)


def facilitator_choices(actor: Membership) -> list[tuple[str, str]]:
    """The organisation's active coordinators and buddies, by name, as (key, label):
    read as values (compiled once per process), the form shows nothing more."""
    labels = {role: str(role.label) for role in (Role.COORDINATOR, Role.BUDDY)}
    return [
        (str(row["pk"]), f"{row['user__full_name']} ({labels[row['role']]})")
        for row in _FACILITATORS.rows(actor.organisation_id)
    ]


def facilitator_by_key(actor: Membership, key: str) -> Membership:
    """The chosen facilitator (a key of `facilitator_choices`)."""
    return get_or_404(
        Membership.objects.filter(organisation_id=actor.organisation_id), key
    )


_MEMBER_CHOICES = Prepared(
    lambda organisation_id: (
        Buddy.objects.filter(organisation_id=organisation_id)
        .exclude(status=BuddyStatus.STOPPED)
        .order_by("full_name", "pk")
        .values("pk", "full_name")
    )
)


def member_choices(actor: Membership) -> list[tuple[str, str]]:
    """The organisation's buddies who have not stopped, by name, as (key, name)."""
    return [
        (str(row["pk"]), row["full_name"])
        for row in _MEMBER_CHOICES.rows(actor.organisation_id)
    ]


def group_rows(actor: Membership) -> list[dict[str, Any]]:
    """The groups the actor leads (a coordinator: all that run), with their number of
    members and next session: one query, rows in the shape the page reads."""
    upcoming = IntervisieSession.objects.filter(
        organisation_id=actor.organisation_id,
        group=OuterRef("pk"),
        cancelled_at__isnull=True,
        starts_at__gt=timezone.now(),
    ).order_by("starts_at", "pk")
    members = (
        GroupMember.objects.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        led_groups(actor)
        .filter(archived_at__isnull=True)
        .annotate(
            member_count=Subquery(members),
            next_pk=Subquery(upcoming.values("pk")[:1]),
            next_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by("name", "pk")
        .values(
            "pk",
            "name",
            "facilitator__user__full_name",
            "member_count",
            "next_pk",
            "next_at",
        )
    )
    return [
        {
            "group": {
                "pk": row["pk"],
                "name": row["name"],
                "facilitator": {
                    "user": {"full_name": row["facilitator__user__full_name"]}
                },
            },
            "members": row["member_count"] or 0,
            "next_session": {"pk": row["next_pk"], "starts_at": row["next_at"]}
            if row["next_pk"]
            else None,
        }
        for row in rows
    ]


# --- The question desk -----------------------------------------------------------

UNANSWERED_WORKING_DAYS = 2


def visible_questions(actor: Membership) -> QuerySet[Question]:
    """A coordinator sees the organisation's questions; a buddy only their own."""
    questions = Question.objects.filter(organisation_id=actor.organisation_id)
    if actor.role == Role.COORDINATOR:
        return questions
    if actor.role == Role.BUDDY:
        return questions.filter(buddy__user_id=actor.user_id)
    return Question.objects.none()


def get_question_for(actor: Membership, question_id: Any) -> Question:
    """One visible question with its buddy; 404 for another's or another
    organisation's."""
    return get_or_404(
        visible_questions(actor).select_related("buddy", "match"), question_id
    )


def replies_of(question: Question) -> list[Reply]:
    """The thread, oldest first, with who wrote each message."""
    return list(
        Reply.objects.filter(
            organisation_id=question.organisation_id, question=question
        ).select_related("author")
    )


def question_rows(actor: Membership, status: str = "") -> QuerySet[Question]:
    """The desk for a coordinator: waiting questions first (longest waiting on top),
    then the rest, newest activity first."""
    questions = visible_questions(actor).select_related("buddy")
    if status in QuestionStatus.values:
        questions = questions.filter(status=status)
    return questions.order_by(
        F("waiting_since").asc(nulls_last=True), "-updated_at", "pk"
    )


def own_match_choices(actor: Membership, buddy: Buddy) -> list[tuple[str, str]]:
    """The buddy's running matches to ask about, as (key, label)."""
    rows = (
        Match.objects.filter(
            organisation_id=actor.organisation_id, buddy=buddy, status__in=RUNNING
        )
        .order_by("created_at", "pk")
        .values_list("pk", "request__full_name", "request__reference")
    )
    return [
        (
            str(pk),
            gettext("Koppeling met %(name)s (%(reference)s)")
            % {"name": first_name(full_name), "reference": reference},
        )
        for pk, full_name, reference in rows
    ]


def waiting_since_working_days(
    organisation_id: Any, days: int = UNANSWERED_WORKING_DAYS
) -> list[Question]:
    """Questions waiting for a coordinator for more than `days` working days,
    longest waiting first."""
    today = timezone.localdate()
    # More than `days` working days means more than `days` calendar days: the
    # database narrows by that, the weekday count decides.
    rows = (
        Question.objects.filter(
            organisation_id=organisation_id,
            status=QuestionStatus.OPEN,
            waiting_since__lt=timezone.now() - dt.timedelta(days=days),
        )
        .select_related("buddy")
        .only("pk", "subject", "waiting_since", "buddy__full_name")
    )
    return [
        q
        for q in rows.order_by("waiting_since", "pk")
        if working_days_between(timezone.localtime(q.waiting_since).date(), today)
        > days
    ]


# --- Announcements ---------------------------------------------------------------


def visible_announcements(actor: Membership) -> QuerySet[Announcement]:
    """A coordinator sees the organisation's announcements with their read counts."""
    if actor.role != Role.COORDINATOR:
        return Announcement.objects.none()
    return Announcement.objects.filter(organisation_id=actor.organisation_id).annotate(
        sent_to=Count("recipients"),
        read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
    )


def get_announcement_for(actor: Membership, announcement_id: Any) -> Announcement:
    return get_or_404(
        visible_announcements(actor).select_related("author", "group", "course"),
        announcement_id,
    )


def unread_announcements(actor: Membership) -> list[Announcement]:
    """The messages the signed-in buddy has not marked read, newest first."""
    return list(
        Announcement.objects.filter(
            organisation_id=actor.organisation_id,
            recipients__buddy__user_id=actor.user_id,
            recipients__read_at__isnull=True,
        )
        .only("pk", "title", "body", "created_at")
        .order_by("-created_at")[:5]
    )


def announcement_to_buddy(actor: Membership, announcement_id: Any) -> Announcement:
    """A message sent to the signed-in buddy; 404 for any other."""
    return get_or_404(
        Announcement.objects.filter(
            organisation_id=actor.organisation_id,
            recipients__buddy__user_id=actor.user_id,
        ),
        announcement_id,
    )
