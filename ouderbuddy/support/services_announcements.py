"""The write side of announcements: a coordinator's short message to buddies (all
active ones, an intervisie group, or those trained in a course), by e-mail and as a
card on their start page until read."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import emails
from ouderbuddy.support.checks import clean_text
from ouderbuddy.support.models import (
    Announcement,
    AnnouncementRecipient,
    Audience,
    GroupMember,
    IntervisieGroup,
)
from ouderbuddy.training.models import Course, Enrolment, Qualification

TITLE_MAX = 120
BODY_MAX = 2000


def recipients_for(
    organisation_id: Any,
    audience: str,
    group: IntervisieGroup | None = None,
    course: Course | None = None,
) -> QuerySet[Buddy]:
    """The buddies an announcement to `audience` goes to (none who stopped)."""
    buddies = Buddy.objects.filter(organisation_id=organisation_id)
    if audience == Audience.ACTIVE:
        return buddies.filter(status=BuddyStatus.ACTIVE)
    live = buddies.exclude(status=BuddyStatus.STOPPED)
    if audience == Audience.GROUP and group is not None:
        return live.filter(
            pk__in=GroupMember.objects.filter(group=group).values("buddy")
        )
    if audience == Audience.COURSE and course is not None:
        return live.filter(
            Q(
                pk__in=Qualification.objects.filter(
                    organisation_id=organisation_id, course=course
                ).values("buddy")
            )
            | Q(
                pk__in=Enrolment.objects.filter(
                    organisation_id=organisation_id,
                    session__course=course,
                    attended=True,
                ).values("buddy")
            )
        )
    return Buddy.objects.none()


@transaction.atomic
def send_announcement(
    *,
    actor: Membership,
    title: str,
    body: str,
    audience: str,
    group: IntervisieGroup | None = None,
    course: Course | None = None,
) -> Announcement:
    """Send a message to the chosen buddies: one e-mail each (nobody sees the other
    addresses) and a card on their start page."""
    if actor.role != Role.COORDINATOR:
        raise DomainError(_("Alleen een coördinator kan berichten sturen."))
    title = clean_text(
        title, "title", limit=TITLE_MAX, empty=_("Geef het bericht een titel.")
    )
    body = clean_text(
        body, "body", limit=BODY_MAX, empty=_("Schrijf het bericht."), multiline=True
    )
    if audience not in Audience.values:
        raise DomainError(_("Kies voor wie het bericht is."), field="audience")
    if audience != Audience.GROUP:
        group = None
    if audience != Audience.COURSE:
        course = None
    if audience == Audience.GROUP and (
        group is None
        or group.organisation_id != actor.organisation_id
        or group.archived_at is not None
    ):
        raise DomainError(_("Kies een intervisiegroep."), field="group")
    if audience == Audience.COURSE and (
        course is None or course.organisation_id != actor.organisation_id
    ):
        raise DomainError(_("Kies een training."), field="course")
    buddies = list(
        recipients_for(actor.organisation_id, audience, group, course).select_related(
            "user", "organisation"
        )
    )
    if not buddies:
        raise DomainError(_("Er is geen buddy die dit bericht zou krijgen."))
    announcement = Announcement(
        organisation_id=actor.organisation_id,
        author_id=actor.user_id,
        title=title,
        body=body,
        audience=audience,
        group=group,
        course=course,
    )
    announcement.full_clean()
    announcement.save()
    AnnouncementRecipient.objects.bulk_create(
        AnnouncementRecipient(
            organisation_id=actor.organisation_id,
            announcement=announcement,
            buddy=buddy,
        )
        for buddy in buddies
    )
    for buddy in buddies:
        emails.announcement(buddy, announcement)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.announcement.send",
        target=announcement,
        data={"audience": audience, "recipients": len(buddies)},
    )
    return announcement


@transaction.atomic
def mark_announcement_read(
    *, actor: Membership, announcement: Announcement
) -> AnnouncementRecipient:
    """The signed-in buddy has read the message: its card leaves the start page."""
    row = (
        AnnouncementRecipient.objects.select_for_update()
        .filter(
            organisation_id=actor.organisation_id,
            announcement=announcement,
            buddy__user_id=actor.user_id,
        )
        .first()
    )
    if actor.role != Role.BUDDY or row is None:
        raise DomainError(_("Dit bericht is niet aan u gestuurd."))
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at", "updated_at"])
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="support.announcement.read",
            target=announcement,
        )
    return row
