"""The write side of training: courses, sessions, enrolments and attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.training import emails, engine
from ouderbuddy.training.models import (
    REFRESHER_VALID_MONTHS,
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    Session,
)
from ouderbuddy.training.selectors import waitlist

# --- Checks shared by the services ------------------------------------------------


def _require_coordinator(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR:
        raise DomainError(_("Alleen een coördinator kan dit doen."))


def _require_same_organisation(actor: Membership, *objects: object) -> None:
    for obj in objects:
        if getattr(obj, "organisation_id", None) != actor.organisation_id:
            raise DomainError(_("Dit hoort niet bij uw organisatie."))


def _lock_session(session: Session) -> Session:
    """The session row, locked until the end of the transaction: every change to who
    holds a place goes through this lock, so two people never take the same place."""
    return (
        Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    )


def _enrolled_count(session: Session) -> int:
    return Enrolment.objects.filter(
        session=session, status=EnrolmentStatus.ENROLLED
    ).count()


def _valid_months(kind: str, valid_months: int | None) -> int | None:
    # A refresher exists to be repeated, so it always expires.
    if kind == CourseKind.REFRESHER and valid_months is None:
        return REFRESHER_VALID_MONTHS
    return valid_months


# --- Courses ----------------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    actor: Membership,
    title: str,
    kind: str,
    hours: Decimal,
    description: str = "",
    valid_months: int | None = None,
) -> Course:
    """Add a course; a refresher without a validity counts for 12 months."""
    _require_coordinator(actor)
    course = Course(
        organisation=actor.organisation,
        title=title.strip(),
        kind=kind,
        description=description.strip(),
        hours=hours,
        valid_months=_valid_months(kind, valid_months),
    )
    course.full_clean()
    course.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.course.create",
        target=course,
        data={"kind": kind},
    )
    return course


@transaction.atomic
def update_course(
    *,
    actor: Membership,
    course: Course,
    title: str,
    kind: str,
    hours: Decimal,
    description: str = "",
    valid_months: int | None = None,
) -> Course:
    """Change a course; qualifications already obtained keep their dates."""
    _require_coordinator(actor)
    _require_same_organisation(actor, course)
    course.title = title.strip()
    course.kind = kind
    course.description = description.strip()
    course.hours = hours
    course.valid_months = _valid_months(kind, valid_months)
    course.full_clean()
    course.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.course.update",
        target=course,
        data={"kind": kind},
    )
    return course


# --- Sessions ---------------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    actor: Membership,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    location: str = "",
    online_url: str = "",
) -> Session:
    """Plan a session of a course."""
    _require_coordinator(actor)
    _require_same_organisation(actor, course)
    if starts_at <= timezone.now():
        raise DomainError(
            _("Kies een moment in de toekomst voor het begin."), field="starts_at"
        )
    if ends_at <= starts_at:
        raise DomainError(_("De training moet eindigen na het begin."), field="ends_at")
    if not location.strip() and not online_url.strip():
        raise DomainError(
            _("Vul een plaats in, of een link voor online meedoen."), field="location"
        )
    session = Session(
        organisation=actor.organisation,
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    session.full_clean()
    session.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.session.create",
        target=session,
        data={"course": str(course.pk), "capacity": capacity},
    )
    return session


@transaction.atomic
def cancel_session(*, actor: Membership, session: Session) -> Session:
    """Call off a session; everyone enrolled or waiting gets an e-mail."""
    _require_coordinator(actor)
    _require_same_organisation(actor, session)
    session = _lock_session(session)
    if session.is_cancelled:
        raise DomainError(_("Deze training is al geannuleerd."))
    if session.has_started:
        raise DomainError(
            _("Deze training is al begonnen. U kunt hem niet meer annuleren.")
        )
    session.cancelled_at = timezone.now()
    session.full_clean()
    session.save(update_fields=["cancelled_at", "updated_at"])
    informed = list(
        Enrolment.objects.filter(
            session=session,
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
        ).select_related("buddy__organisation")
    )
    for enrolment in informed:
        enrolment.session = session
        emails.session_cancelled(enrolment)
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.session.cancel",
        target=session,
        data={"informed": len(informed)},
    )
    return session


# --- Enrolments -------------------------------------------------------------------


def _require_may_act_for(actor: Membership, buddy: Buddy) -> None:
    """A coordinator acts for any buddy of the organisation, a buddy only for themself."""
    _require_same_organisation(actor, buddy)
    if actor.role == Role.COORDINATOR:
        return
    if actor.role == Role.BUDDY and buddy.user_id == actor.user_id:
        return
    raise DomainError(_("U kunt alleen uzelf aan- of afmelden."))


@transaction.atomic
def enrol_buddy(*, actor: Membership, session: Session, buddy: Buddy) -> Enrolment:
    """Give a buddy a place in a session, or a spot on the waiting list when it is full."""
    _require_may_act_for(actor, buddy)
    _require_same_organisation(actor, session)
    session = _lock_session(session)
    if session.is_cancelled:
        raise DomainError(_("Deze training gaat niet door."))
    if session.has_started:
        raise DomainError(_("Deze training is al begonnen. Aanmelden kan niet meer."))
    if buddy.status == BuddyStatus.STOPPED:
        raise DomainError(
            _("%(name)s is gestopt als buddy en kan niet meedoen.")
            % {"name": buddy.full_name}
        )
    enrolment = Enrolment.objects.filter(session=session, buddy=buddy).first()
    if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
        raise DomainError(_("Deze buddy is al ingeschreven voor deze training."))
    if enrolment is not None and enrolment.status == EnrolmentStatus.WAITLISTED:
        raise DomainError(_("Deze buddy staat al op de wachtlijst van deze training."))
    full = _enrolled_count(session) >= session.capacity
    if enrolment is None:
        enrolment = Enrolment(
            organisation=actor.organisation, session=session, buddy=buddy
        )
    enrolment.session = session
    enrolment.status = EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED
    enrolment.joined_at = timezone.now()
    enrolment.enrolled_by = actor.user
    enrolment.attended = None
    enrolment.reminder_sent_at = None
    enrolment.full_clean()
    enrolment.save()
    if full:
        position = waitlist(session).filter(joined_at__lte=enrolment.joined_at).count()
        emails.waitlisted(enrolment, position)
    else:
        emails.enrolled(enrolment)
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.enrolment.create",
        target=enrolment,
        data={"session": str(session.pk), "status": enrolment.status},
    )
    return enrolment


@transaction.atomic
def cancel_enrolment(*, actor: Membership, enrolment: Enrolment) -> Enrolment:
    """Take a buddy off a session; a freed place goes to the first on the waiting list."""
    _require_may_act_for(actor, enrolment.buddy)
    _require_same_organisation(actor, enrolment)
    session = _lock_session(enrolment.session)
    enrolment = Enrolment.objects.select_related("buddy__organisation").get(
        pk=enrolment.pk
    )
    enrolment.session = session
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise DomainError(_("Deze aanmelding is al geannuleerd."))
    if session.is_cancelled:
        raise DomainError(_("Deze training gaat al niet door."))
    if session.has_started:
        raise DomainError(_("De training is al begonnen. Afmelden kan niet meer."))
    freed_place = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.attended = None
    enrolment.full_clean()
    enrolment.save(update_fields=["status", "attended", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.enrolment.cancel",
        target=enrolment,
        data={"session": str(session.pk)},
    )
    if actor.user_id != enrolment.buddy.user_id:
        emails.enrolment_cancelled(enrolment)
    if freed_place:
        _promote_from_waitlist(actor, session)
    return enrolment


def _promote_from_waitlist(actor: Membership, session: Session) -> None:
    """Fill free places from the waiting list, first in line first (session is locked)."""
    free = session.capacity - _enrolled_count(session)
    for enrolment in waitlist(session).select_related("buddy__organisation")[
        : max(free, 0)
    ]:
        enrolment.session = session
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.full_clean()
        enrolment.save(update_fields=["status", "updated_at"])
        emails.promoted(enrolment)
        record_event(
            actor=actor,
            organisation=actor.organisation,
            verb="training.enrolment.promote",
            target=enrolment,
            data={"session": str(session.pk)},
        )


# --- Attendance -------------------------------------------------------------------


def _require_attendance_open(session: Session) -> None:
    if session.is_cancelled:
        raise DomainError(_("Deze training is niet doorgegaan."))
    if not session.has_ended:
        raise DomainError(
            _("U kunt de aanwezigheid pas invullen als de training voorbij is.")
        )


def _set_attendance(
    enrolment: Enrolment, session: Session, attended: bool
) -> Qualification | None:
    enrolment.attended = attended
    enrolment.full_clean()
    enrolment.save(update_fields=["attended", "updated_at"])
    return _update_qualification(enrolment, session)


@transaction.atomic
def mark_attendance(
    *, actor: Membership, enrolment: Enrolment, attended: bool
) -> Enrolment:
    """Record whether an enrolled buddy came; coming gives the course's qualification."""
    _require_coordinator(actor)
    _require_same_organisation(actor, enrolment)
    # A fresh, locked copy: a cancellation in the meantime must not get attendance.
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    session = Session.objects.select_related("course").get(pk=enrolment.session_id)
    _require_attendance_open(session)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError(
            _(
                "U kunt alleen de aanwezigheid invullen van buddy's die ingeschreven stonden."
            )
        )
    qualification = _set_attendance(enrolment, session, attended)
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.attendance.mark",
        target=enrolment,
        data={
            "session": str(session.pk),
            "attended": attended,
            "qualification": str(qualification.pk) if qualification else None,
        },
    )
    return enrolment


@transaction.atomic
def record_attendance(
    *, actor: Membership, session: Session, attendance: Mapping[Any, bool]
) -> list[Enrolment]:
    """Record at once, for everyone enrolled in a session that is over, who came and
    who did not. All or nothing: one refusal saves no answer at all."""
    _require_coordinator(actor)
    _require_same_organisation(actor, session)
    session = _lock_session(session)
    _require_attendance_open(session)
    enrolled = {
        str(e.pk): e
        for e in Enrolment.objects.select_for_update().filter(
            session=session, status=EnrolmentStatus.ENROLLED
        )
    }
    answers = {str(key): bool(value) for key, value in attendance.items()}
    if not enrolled:
        raise DomainError(_("Er stond niemand ingeschreven voor deze training."))
    if set(answers) - set(enrolled):
        raise DomainError(
            _(
                "U kunt alleen de aanwezigheid invullen van buddy's die ingeschreven stonden."
            )
        )
    if set(enrolled) - set(answers):
        raise DomainError(_("Kies voor iedere buddy aanwezig of afwezig."))
    present = 0
    for key, enrolment in enrolled.items():
        enrolment.session = session
        _set_attendance(enrolment, session, answers[key])
        present += answers[key]
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.attendance.record",
        target=session,
        data={"present": present, "absent": len(enrolled) - present},
    )
    return list(enrolled.values())


def _update_qualification(
    enrolment: Enrolment, session: Session
) -> Qualification | None:
    """Attending a basic or refresher session gives (or, on correction, takes away)
    the qualification of that session."""
    course = session.course
    existing = Qualification.objects.filter(
        buddy_id=enrolment.buddy_id, session=session
    ).first()
    if not enrolment.attended or course.kind == CourseKind.OTHER:
        if existing is not None:
            existing.delete()
        return None
    obtained_on = timezone.localdate(session.starts_at)
    qualification = existing or Qualification(
        organisation_id=enrolment.organisation_id,
        buddy_id=enrolment.buddy_id,
        session=session,
    )
    qualification.kind = course.kind
    qualification.course = course
    qualification.obtained_on = obtained_on
    qualification.valid_until = engine.valid_until(obtained_on, course.valid_months)
    qualification.full_clean()
    qualification.save()
    return qualification


# --- Training followed elsewhere ------------------------------------------------

# Before this date no record of a buddy training is believable.
EARLIEST_TRAINING = dt.date(2000, 1, 1)


@transaction.atomic
def record_training_elsewhere(
    *,
    actor: Membership,
    buddy: Buddy,
    course: Course,
    followed_on: dt.date,
    provider: str,
    note: str = "",
) -> Qualification:
    """Record a training the buddy followed elsewhere (another support point, Balans)
    or before this system: it counts as `course`, from the day it was followed."""
    _require_coordinator(actor)
    _require_same_organisation(actor, buddy, course)
    # One at a time per buddy, so the same training is never recorded twice.
    buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
    if buddy.status == BuddyStatus.STOPPED:
        raise DomainError(
            _("%(name)s is gestopt als buddy.") % {"name": buddy.full_name}
        )
    if course.kind == CourseKind.OTHER:
        raise DomainError(
            _("Kies een basistraining of een opfristraining."), field="course"
        )
    if followed_on > timezone.localdate():
        raise DomainError(
            _("Deze datum ligt in de toekomst. Vul de dag in waarop de training was."),
            field="followed_on",
        )
    if followed_on < EARLIEST_TRAINING:
        raise DomainError(_("Vul een datum in na 1 januari 2000."), field="followed_on")
    provider = provider.strip()
    if not provider:
        raise DomainError(
            _("Vul in waar de buddy de training volgde."), field="provider"
        )
    if Qualification.objects.filter(
        buddy=buddy, course=course, obtained_on=followed_on
    ).exists():
        raise DomainError(
            _("Deze training staat al met deze datum bij deze buddy."),
            field="followed_on",
        )
    qualification = Qualification(
        organisation=actor.organisation,
        buddy=buddy,
        course=course,
        kind=course.kind,
        obtained_on=followed_on,
        valid_until=engine.valid_until(followed_on, course.valid_months),
        provider=provider,
        note=note.strip(),
        recorded_by=actor.user,
    )
    qualification.full_clean()
    qualification.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="training.qualification.elsewhere",
        target=qualification,
        data={
            "buddy": str(buddy.pk),
            "course": str(course.pk),
            "kind": course.kind,
            "followed_on": followed_on.isoformat(),
        },
    )
    return qualification
