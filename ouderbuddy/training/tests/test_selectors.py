"""The read side of training: scoping, counts, waiting-list positions and due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.training import engine, selectors, services
from ouderbuddy.training.models import (
    Enrolment,
    EnrolmentStatus,
    Qualification,
    QualificationKind,
)
from ouderbuddy.training.tests.conftest import SESSION_START
from ouderbuddy.training.tests.factories import (
    at,
    make_buddy,
    make_course,
    make_session,
)

pytestmark = pytest.mark.django_db


def qualify(buddy, kind, obtained_on, valid_until=None):
    return Qualification.objects.create(
        organisation_id=buddy.organisation_id,
        buddy=buddy,
        kind=kind,
        obtained_on=obtained_on,
        valid_until=valid_until,
    )


def test_courses_and_sessions_are_scoped_to_the_organisation(
    cora, olga, course, session
):
    zuid_course = make_course(olga.organisation, title="Zuid")
    zuid_session = make_session(zuid_course, SESSION_START)
    assert list(selectors.visible_courses(cora)) == [course]
    assert selectors.get_course_for(cora, course.pk) == course
    assert selectors.get_session_for(cora, session.pk) == session
    for actor, lookup, pk in [
        (cora, selectors.get_course_for, zuid_course.pk),
        (cora, selectors.get_session_for, zuid_session.pk),
        (olga, selectors.get_course_for, course.pk),
        (olga, selectors.get_session_for, session.pk),
        (cora, selectors.get_course_for, "geen-uuid"),
    ]:
        with pytest.raises(Http404):
            lookup(actor, pk)
    assert list(selectors.upcoming_sessions(olga)) == [zuid_session]


def test_upcoming_sessions_leave_out_past_cancelled_and_full(
    cora, course, session, bea, dirk, clock
):
    make_session(course, at(2027, 1, 5, 19))  # past
    cancelled = make_session(course, at(2027, 1, 25, 19))
    services.cancel_session(actor=cora, session=cancelled)
    far = make_session(course, at(2027, 4, 1, 19))  # more than 60 days ahead
    assert list(selectors.upcoming_sessions(cora)) == [session, far]
    assert list(selectors.upcoming_sessions_with_places(cora)) == [session]
    assert list(selectors.upcoming_sessions_with_places(cora, days=90)) == [
        session,
        far,
    ]
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    [counted] = selectors.upcoming_sessions_with_places(cora)
    assert (counted.enrolled_count, counted.free_places) == (1, 1)
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    assert list(selectors.upcoming_sessions_with_places(cora)) == []


def test_waitlist_positions_follow_the_order_of_enrolling(
    cora, session, bea, dirk, eva, noord
):
    fien = make_buddy(noord, full_name="Fien Fokker")
    for buddy in (bea, dirk, eva, fien):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    positions = {
        e.buddy.full_name: e.waitlist_position for e in selectors.enrolments_in(session)
    }
    assert positions == {
        "Bea Bakker": None,
        "Dirk Dekker": None,
        "Eva Evers": 1,
        "Fien Fokker": 2,
    }
    [mine] = selectors.enrolments_of(fien)
    assert mine.waitlist_position == 2
    services.cancel_enrolment(actor=cora, enrolment=Enrolment.objects.get(buddy=eva))
    [mine] = selectors.enrolments_of(fien)
    assert mine.waitlist_position == 1


def test_enrolments_are_visible_to_the_coordinator_and_only_the_own_buddy(
    cora, ben, ben_buddy, mia, olga, session, bea
):
    own = services.enrol_buddy(actor=ben, session=session, buddy=ben_buddy)
    other = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    assert set(selectors.visible_enrolments(cora)) == {own, other}
    assert list(selectors.visible_enrolments(ben)) == [own]
    assert list(selectors.visible_enrolments(mia)) == []
    assert list(selectors.visible_enrolments(olga)) == []
    assert selectors.get_enrolment_for(ben, own.pk) == own
    with pytest.raises(Http404):
        selectors.get_enrolment_for(ben, other.pk)
    with pytest.raises(Http404):
        selectors.get_enrolment_for(olga, own.pk)


def test_bookable_buddies_are_in_training_active_or_paused_and_not_yet_enrolled(
    cora, session, noord, bea
):
    statuses = [
        BuddyStatus.APPLIED,
        BuddyStatus.SCREENING,
        BuddyStatus.ACTIVE,
        BuddyStatus.PAUSED,
        BuddyStatus.STOPPED,
    ]
    for status in statuses:
        make_buddy(noord, full_name=f"{status} Persoon", status=status)
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    names = {b.full_name for b in selectors.bookable_buddies(cora, session)}
    assert names == {"active Persoon", "paused Persoon"}


def test_has_basic_training(bea):
    assert not selectors.has_basic_training(bea)
    qualify(bea, QualificationKind.REFRESHER, dt.date(2026, 5, 1), dt.date(2027, 5, 1))
    assert not selectors.has_basic_training(bea)
    qualify(bea, QualificationKind.BASIC, dt.date(2026, 1, 1))
    assert selectors.has_basic_training(bea)


def test_refresher_due_on(bea):
    assert selectors.refresher_due_on(bea) is None
    qualify(bea, QualificationKind.BASIC, dt.date(2026, 2, 14))
    assert selectors.refresher_due_on(bea) == dt.date(2027, 2, 14)
    qualify(bea, QualificationKind.REFRESHER, dt.date(2026, 6, 1), dt.date(2027, 6, 1))
    qualify(bea, QualificationKind.REFRESHER, dt.date(2027, 1, 5), dt.date(2028, 1, 5))
    assert selectors.refresher_due_on(bea) == dt.date(2028, 1, 5)
    # From the qualifications a page already has: the same answer, no query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    qualifications = list(selectors.qualifications_of(bea))
    with CaptureQueriesContext(connection) as queries:
        assert selectors.refresher_due_on(bea, qualifications) == dt.date(2028, 1, 5)
        assert selectors.refresher_due_on(bea, qualifications[:0]) is None
    assert len(queries) == 0


def test_refreshers_due_within(cora, ben, olga, noord, zuid):
    soon = make_buddy(noord, full_name="Snel Nodig")
    qualify(soon, QualificationKind.BASIC, dt.date(2026, 2, 1))  # due 1 Feb 2027
    late = make_buddy(noord, full_name="Al Te Laat")
    qualify(late, QualificationKind.BASIC, dt.date(2025, 3, 1))
    qualify(
        late, QualificationKind.REFRESHER, dt.date(2025, 12, 1), dt.date(2026, 12, 1)
    )
    later = make_buddy(noord, full_name="Later Nodig")
    qualify(later, QualificationKind.BASIC, dt.date(2026, 6, 1))  # due 1 June 2027
    stopped = make_buddy(noord, full_name="Gestopt", status=BuddyStatus.STOPPED)
    qualify(stopped, QualificationKind.BASIC, dt.date(2026, 1, 1))
    make_buddy(noord, full_name="Nog Geen Training")
    foreign = make_buddy(zuid, full_name="Van Zuid")
    qualify(foreign, QualificationKind.BASIC, dt.date(2026, 1, 20))

    due = selectors.refreshers_due_within(cora)
    assert [(b.full_name, d) for b, d in due] == [
        ("Al Te Laat", dt.date(2026, 12, 1)),
        ("Snel Nodig", dt.date(2027, 2, 1)),
    ]
    assert len(selectors.refreshers_due_within(cora, days=200)) == 3
    assert selectors.refreshers_due_within(ben) == []  # buddies see no one
    assert [b.full_name for b, _ in selectors.refreshers_due_within(olga)] == [
        "Van Zuid"
    ]


def test_refreshers_due_among_agrees_with_refresher_due_on(noord):
    buddies = []
    for i, (basic, refresher) in enumerate(
        [
            (dt.date(2026, 1, 31), None),
            (dt.date(2025, 1, 1), (dt.date(2026, 1, 1), None)),
            (None, (dt.date(2026, 3, 3), dt.date(2027, 3, 3))),
        ]
    ):
        buddy = make_buddy(noord, full_name=f"Buddy {i}", email=f"b{i}@buddy.test")
        if basic:
            qualify(buddy, QualificationKind.BASIC, basic)
        if refresher:
            qualify(buddy, QualificationKind.REFRESHER, *refresher)
        buddies.append(buddy)
    found = dict(
        selectors.refreshers_due_among(
            Buddy.objects.filter(organisation=noord), dt.date(2030, 1, 1)
        )
    )
    assert len(found) == 2  # the refresher that never expires is never due
    for buddy in buddies:
        assert found.get(buddy) == selectors.refresher_due_on(buddy)


def test_qualifications_and_enrolments_of_a_buddy(cora, session, bea, dirk):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    older = qualify(bea, QualificationKind.BASIC, dt.date(2025, 1, 1))
    newer = qualify(
        bea, QualificationKind.REFRESHER, dt.date(2026, 1, 1), dt.date(2027, 1, 1)
    )
    qualify(dirk, QualificationKind.BASIC, dt.date(2025, 1, 1))
    assert list(selectors.qualifications_of(bea)) == [newer, older]
    assert [e.buddy for e in selectors.enrolments_of(bea)] == [bea]
    assert list(selectors.enrolments_of(dirk)) == []
    assert all(
        e.status == EnrolmentStatus.ENROLLED for e in selectors.enrolments_of(bea)
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2027, 12, 15), 12, dt.date(2028, 12, 15)),
        (dt.date(2027, 5, 15), 25, dt.date(2029, 6, 15)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    ],
)
def test_valid_until_adds_calendar_months(day, months, expected):
    assert engine.valid_until(day, months) == expected


def test_each_course_gets_its_own_upcoming_sessions(
    cora, olga, course, refresher_course, session, bea
):
    later = make_session(course, at(2027, 2, 3, 19))
    make_session(course, at(2027, 1, 5, 19))  # past
    cancelled = make_session(refresher_course, at(2027, 1, 25, 19))
    services.cancel_session(actor=cora, session=cancelled)
    make_session(make_course(olga.organisation, title="Zuid"), SESSION_START)
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    found = {
        c.title: c.upcoming for c in selectors.courses_with_upcoming_sessions(cora)
    }
    assert found == {"Basistraining": [session, later], "Opfrisavond": []}
    first = found["Basistraining"][0]
    assert (first.enrolled_count, first.free_places) == (1, 1)
    assert first.course.title == "Basistraining"


def test_current_enrolments_of_a_buddy_leave_out_cancelled_and_ended(
    cora, course, session, bea, django_assert_num_queries
):
    kept = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    later = make_session(course, at(2027, 2, 10, 19))
    dropped = services.enrol_buddy(actor=cora, session=later, buddy=bea)
    services.cancel_enrolment(actor=cora, enrolment=dropped)
    past = make_session(course, at(2027, 1, 5, 19))
    Enrolment.objects.create(
        organisation=cora.organisation,
        session=past,
        buddy=bea,
        status=EnrolmentStatus.ENROLLED,
    )
    assert len(selectors.enrolments_of(bea)) == 3
    with django_assert_num_queries(1):
        [current] = selectors.enrolments_of(bea, current=True)
        # What the buddy's page shows, read in that one query.
        assert current.pk == kept.pk
        assert current.session.course.title == course.title
        assert current.session.is_cancelled is False
        assert current.session.location == session.location
        assert current.session.online_url == session.online_url
        assert current.session.ends_at == session.ends_at


def test_enrolment_rows_of_the_session_page_are_its_enrolments(
    cora, session, bea, dirk, eva, noord
):
    fien = make_buddy(noord, full_name="Fien Fokker")
    for buddy in (bea, dirk, eva, fien):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    services.cancel_enrolment(
        actor=cora, enrolment=Enrolment.objects.get(session=session, buddy=dirk)
    )

    def shown(e):
        return (e.pk, e.status, e.attended, e.buddy.full_name, e.waitlist_position)

    assert [shown(e) for e in selectors.enrolment_rows_in(session)] == [
        shown(e) for e in selectors.enrolments_in(session)
    ]


def test_the_buddys_own_page_reads_equal_the_orms(cora, ben, olga, course, session):
    """`upcoming_panels`, `own_qualifications` and `own_buddy_id` (statements compiled
    once per process) give what `upcoming_sessions`, `qualifications_of` and
    `get_own_buddy` give, scoped the same way."""
    from ouderbuddy.buddies.selectors import get_own_buddy, own_buddy_id
    from ouderbuddy.training.models import Qualification, QualificationKind
    from ouderbuddy.training.tests.factories import at, make_own_buddy, make_session

    assert own_buddy_id(ben) is None
    buddy = make_own_buddy(ben)
    assert own_buddy_id(ben) == get_own_buddy(ben).pk
    assert own_buddy_id(olga) is None
    full = make_session(course, at(2027, 2, 3, 19), capacity=1)
    services.enrol_buddy(actor=cora, session=full, buddy=buddy)
    make_session(course, at(2027, 1, 1, 19))  # started: not upcoming
    for _ in range(2):  # compiled, then from the compiled statement
        panels = selectors.upcoming_panels(ben)
        orm = list(selectors.upcoming_sessions(ben))
        assert [p["pk"] for p in panels] == [s.pk for s in orm]
        assert [
            (p["starts_at"], p["ends_at"], p["location"], p["online_url"])
            for p in panels
        ] == [(s.starts_at, s.ends_at, s.location, s.online_url) for s in orm]
        assert [p["free_places"] for p in panels] == [s.free_places for s in orm]
        assert [p["course"]["get_kind_display"] for p in panels] == [
            s.course.get_kind_display() for s in orm
        ]
        assert [p["free_places"] for p in panels] == [2, 0]
    assert selectors.upcoming_panels(olga) == []
    for kind, course_ in ((QualificationKind.BASIC, course), ("refresher", None)):
        Qualification.objects.create(
            organisation=cora.organisation,
            buddy=buddy,
            kind=kind,
            obtained_on=dt.date(2026, 5, 1),
            valid_until=dt.date(2027, 5, 1) if course_ is None else None,
            course=course_,
            provider="" if course_ else "Elders <b>",
        )
    rows = selectors.own_qualifications(buddy.pk)
    orm = list(selectors.qualifications_of(buddy))
    assert [
        (q.kind, q.get_kind_display, q.obtained_on, q.valid_until, q.provider)
        for q in rows
    ] == [
        (q.kind, q.get_kind_display(), q.obtained_on, q.valid_until, q.provider)
        for q in orm
    ]
    assert [q.course["title"] if q.course else None for q in rows] == [
        q.course.title if q.course else None for q in orm
    ]
    assert selectors.refresher_due_on(buddy, rows) == selectors.refresher_due_on(buddy)


def test_the_record_gives_the_sessions_attended_in_the_last_year_newest_first(
    cora, bea
):
    from django.utils import timezone

    course = make_course(cora.organisation, title="Gespreksvaardigheden")
    now = timezone.now()

    def enrol(days_ago, **kw):
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=make_session(course, now - dt.timedelta(days=days_ago)),
            buddy=bea,
            **{"status": EnrolmentStatus.ENROLLED, "attended": True, **kw},
        )

    enrol(30)
    enrol(200)
    enrol(400)  # more than a year ago
    enrol(10, attended=False)  # did not come
    enrol(5, attended=None)  # not recorded yet
    enrol(-7, attended=None)  # still to come
    enrol(60, status=EnrolmentStatus.CANCELLED, attended=None)
    rows = selectors.training_record(bea)["attended_last_year"]
    assert [row["starts_at"].date() for row in rows] == [
        (now - dt.timedelta(days=30)).date(),
        (now - dt.timedelta(days=200)).date(),
    ]
    assert {row["title"] for row in rows} == {"Gespreksvaardigheden"}
