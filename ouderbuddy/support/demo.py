"""Demo intervisie for `seed_demo` (and the load benchmark): a group of the
organisation's active buddies with its coordinator as facilitator, a session that
took place (attendance recorded) and one ahead that the first buddies signed up for;
an answered and an open question in the question desk; a message to all active
buddies."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.support.models import (
    Announcement,
    AnnouncementRecipient,
    Audience,
    GroupMember,
    IntervisieGroup,
    IntervisieSession,
    Method,
    Participation,
    ParticipationStatus,
    Question,
    QuestionStatus,
    Reply,
)

GROUP_SIZE = 8


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session(group: IntervisieGroup, days: int, theme: str) -> IntervisieSession:
    """A session row with the model's own checks (the service plans only sessions
    in the future)."""
    session = IntervisieSession(
        organisation_id=group.organisation_id,
        group=group,
        starts_at=_at(days, 19),
        ends_at=_at(days, 21),
        location="Kantoor van het steunpunt",
        theme=theme,
        method=Method.INCIDENT,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def seed_demo_intervisie(organisation: Organisation, first: Buddy | None = None) -> int:
    """The demo group and its two sessions, once (`first` one of its members);
    returns the sessions made. The questions come once for `first` too, also
    where the organisation has a group already."""
    facilitator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .order_by("created_at", "pk")
        .first()
    )
    if facilitator is None:
        return 0
    if not Announcement.objects.filter(organisation=organisation).exists():
        _seed_announcement(organisation, facilitator)
    if IntervisieGroup.objects.filter(organisation=organisation).exists():
        if first is not None and not Question.objects.filter(buddy=first).exists():
            _seed_questions(organisation, facilitator, [first])
        return 0
    # The demo buddy with a login first, so the buddy portal shows the group.
    buddies = list(
        Buddy.objects.filter(
            organisation=organisation, status=BuddyStatus.ACTIVE
        ).order_by(F("user_id").asc(nulls_last=True), "full_name", "pk")[:GROUP_SIZE]
    )
    if first is not None and first not in buddies:
        buddies = [first, *buddies[: GROUP_SIZE - 1]]
    group = IntervisieGroup(
        organisation=organisation, name="Intervisiegroep 1", facilitator=facilitator
    )
    group.full_clean()
    group.save()
    GroupMember.objects.bulk_create(
        GroupMember(organisation=organisation, group=group, buddy=b) for b in buddies
    )
    past = _session(group, -30, "Grenzen stellen: wat doe ik wel en niet?")
    past.attendance_recorded_at = past.ends_at
    past.save(update_fields=["attendance_recorded_at"])
    ahead = _session(group, 14, "Voorbereiden van een gesprek op school")
    half = len(buddies) // 2
    Participation.objects.bulk_create(
        [
            *(
                Participation(
                    organisation=organisation,
                    session=past,
                    buddy=b,
                    status=ParticipationStatus.SIGNED_UP,
                    attended=i < half,
                )
                for i, b in enumerate(buddies)
            ),
            *(
                Participation(
                    organisation=organisation,
                    session=ahead,
                    buddy=b,
                    status=ParticipationStatus.SIGNED_UP,
                )
                for b in buddies[:half]
            ),
        ]
    )
    _seed_questions(organisation, facilitator, buddies[:2])
    return 2


def _seed_announcement(organisation: Organisation, coordinator: Membership) -> None:
    """A message to all active buddies, unread (the service would e-mail)."""
    message = Announcement.objects.create(
        organisation=organisation,
        author_id=coordinator.user_id,
        title="Nieuwe folder over passend onderwijs",
        body="Op kantoor liggen nieuwe folders voor ouders. Neem er gerust een paar mee.",
        audience=Audience.ACTIVE,
    )
    AnnouncementRecipient.objects.bulk_create(
        AnnouncementRecipient(
            organisation=organisation, announcement=message, buddy=buddy
        )
        for buddy in Buddy.objects.filter(
            organisation=organisation, status=BuddyStatus.ACTIVE
        )
    )


def _seed_questions(
    organisation: Organisation, coordinator: Membership, buddies: list[Buddy]
) -> None:
    """An answered question of the first buddy and an open one of the second, with
    rows of their own (the services would e-mail)."""
    now = timezone.now()
    threads = [
        (
            "Hoe bereid ik een gesprek over het OPP voor?",
            "Ik ga volgende week mee naar school. Wat kan ik het beste vooraf doen?",
            "Maak samen met de ouder een lijstje met vragen en neem het OPP mee.",
        ),
        (
            "Mag ik de leerkracht zelf bellen?",
            "De ouder vraagt of ik de leerkracht wil bellen. Mag dat?",
            None,
        ),
    ]
    for buddy, (subject, asked, answer) in zip(buddies, threads, strict=False):
        question = Question.objects.create(
            organisation=organisation,
            buddy=buddy,
            subject=subject,
            status=QuestionStatus.ANSWERED if answer else QuestionStatus.OPEN,
            waiting_since=None if answer else now - dt.timedelta(days=5),
        )
        Reply.objects.create(
            organisation=organisation,
            question=question,
            author_id=buddy.user_id,
            body=asked,
        )
        if answer:
            Reply.objects.create(
                organisation=organisation,
                question=question,
                author_id=coordinator.user_id,
                by_coordinator=True,
                body=answer,
            )
