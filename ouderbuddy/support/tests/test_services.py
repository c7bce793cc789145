"""Intervisie: groups, sessions, sign-up, attendance for the group, the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.support import selectors, services
from ouderbuddy.support.models import (
    GroupMember,
    IntervisieGroup,
    IntervisieSession,
    Participation,
    ParticipationStatus,
)
from ouderbuddy.support.tests.factories import group, held, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def bram(noord):
    return matchable_buddy(noord, "Bram Twee")


def test_a_group_has_a_facilitator_and_members(cora, anna, bram):
    made = group(cora, [anna, bram])
    assert made.facilitator == cora
    assert set(
        GroupMember.objects.filter(group=made).values_list("buddy", flat=True)
    ) == {
        anna.pk,
        bram.pk,
    }
    assert AuditEvent.objects.filter(verb="support.group.create").count() == 1


def test_a_group_refuses_buddies_and_facilitators_of_another_organisation(
    cora, olga, anna, zuid
):
    theirs = matchable_buddy(zuid, "Zora Zuid")
    with pytest.raises(DomainError):
        group(cora, [anna, theirs])
    with pytest.raises(DomainError):
        group(cora, [anna], facilitator=olga)
    assert not IntervisieGroup.objects.exists()
    with pytest.raises(DomainError):
        services.create_group(
            actor=olga, name="X", facilitator=olga, member_ids=[anna.pk]
        )
    assert not IntervisieGroup.objects.exists()


def test_only_a_coordinator_makes_groups_and_names_are_unique(cora, anna):
    with pytest.raises(DomainError):
        services.create_group(
            actor=buddy_membership(anna), name="Eigen", facilitator=cora
        )
    group(cora, [anna], name="Groep Oost")
    with pytest.raises(DomainError) as refused:
        group(cora, [anna], name="  groep   oost ")
    assert refused.value.field == "name"


def test_an_experienced_buddy_can_facilitate_and_plan(cora, anna, bram):
    lead = buddy_membership(anna)
    made = group(cora, [bram], facilitator=lead)
    planned = session(lead, made)
    assert planned.group == made
    # A member who does not lead cannot plan.
    with pytest.raises(DomainError):
        session(buddy_membership(bram), made)


def test_planning_a_session_invites_every_member_in_their_language(cora, anna, bram):
    bram.user.language = "en"
    bram.user.save()
    made = group(cora, [anna, bram])
    mail.outbox.clear()
    session(cora, made, theme="Grenzen stellen")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([anna.email, bram.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[anna.email].subject == "Uitnodiging intervisie: Grenzen stellen"
    assert by_address[bram.email].subject.startswith("Invitation")
    assert len(by_address[anna.email].to) == 1  # nobody sees another's address


def test_a_session_must_be_in_the_future_end_after_start_and_have_a_place(cora, anna):
    made = group(cora, [anna])
    now = timezone.now()
    for fields, field in (
        ({"starts_at": now - dt.timedelta(hours=1)}, "starts_at"),
        (
            {"starts_at": now + dt.timedelta(days=1), "ends_at": now},
            "ends_at",
        ),
        ({"location": "", "online_url": ""}, "location"),
        ({"theme": "   "}, "theme"),
    ):
        with pytest.raises(DomainError) as refused:
            session(cora, made, **fields)
        assert refused.value.field == field
    assert not IntervisieSession.objects.exists()


def test_a_member_signs_up_and_cancels_before_the_start(cora, anna, bram, noord):
    made = group(cora, [anna])
    planned = session(cora, made)
    me = buddy_membership(anna)
    services.sign_up(actor=me, session=planned)
    with pytest.raises(DomainError):
        services.sign_up(actor=me, session=planned)
    services.cancel_sign_up(actor=me, session=planned)
    assert Participation.objects.get().status == ParticipationStatus.CANCELLED
    services.sign_up(actor=me, session=planned)  # again after cancelling
    assert Participation.objects.get().status == ParticipationStatus.SIGNED_UP
    # Bram is not in the group.
    with pytest.raises(DomainError):
        services.sign_up(actor=buddy_membership(bram), session=planned)
    held(planned)
    with pytest.raises(DomainError):
        services.cancel_sign_up(actor=me, session=planned)


def test_a_cancelled_session_tells_who_signed_up(cora, anna, bram):
    made = group(cora, [anna, bram])
    planned = session(cora, made)
    services.sign_up(actor=buddy_membership(anna), session=planned)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_session(actor=cora, session=planned)
    assert [m.to for m in mail.outbox] == [[anna.email]]
    with pytest.raises(DomainError):
        services.sign_up(actor=buddy_membership(bram), session=planned)


def test_attendance_is_recorded_for_the_whole_group_at_once(cora, anna, bram):
    made = group(cora, [anna, bram])
    planned = session(cora, made)
    services.sign_up(actor=buddy_membership(anna), session=planned)
    # Not before the session took place.
    with pytest.raises(DomainError):
        services.record_attendance(
            actor=cora, session=planned, attendance={anna.pk: True, bram.pk: False}
        )
    held(planned)
    # Everyone needs an answer: nothing is saved otherwise.
    with pytest.raises(DomainError):
        services.record_attendance(
            actor=cora, session=planned, attendance={anna.pk: True}
        )
    assert not Participation.objects.filter(attended__isnull=False).exists()
    came = services.record_attendance(
        actor=cora, session=planned, attendance={anna.pk: True, bram.pk: True}
    )
    assert came == 2
    assert selectors.attended_sessions(bram) == [planned]
    assert selectors.attended_sessions(anna) == [planned]
    rows = selectors.attendance_rows(planned)
    assert {r["buddy"].pk: r["attended"] for r in rows} == {
        anna.pk: True,
        bram.pk: True,
    }


def test_the_attendance_form_asks_a_signed_up_buddy_who_left_the_group(
    cora, anna, bram
):
    from ouderbuddy.support.models import GroupMember

    made = group(cora, [anna, bram])
    planned = session(cora, made)
    services.sign_up(actor=buddy_membership(bram), session=planned)
    GroupMember.objects.filter(buddy=bram).delete()  # left the group since
    rows = selectors.attendance_rows(planned)
    by_buddy = {r["buddy"].pk: (r["signed_up"], r["attended"]) for r in rows}
    assert by_buddy == {anna.pk: (False, None), bram.pk: (True, None)}
    assert [r["buddy"].full_name for r in rows] == sorted(
        [anna.full_name, bram.full_name]
    )
    assert None not in selectors._ATTENDANCE._compiled.values()


def test_attendance_refuses_a_buddy_outside_the_group(cora, anna, bram, noord):
    made = group(cora, [anna])
    planned = held(session(cora, made))
    with pytest.raises(DomainError):
        services.record_attendance(
            actor=cora, session=planned, attendance={anna.pk: True, bram.pk: True}
        )
    assert not Participation.objects.exists()


def test_the_record_refuses_a_name_from_a_running_match(cora, anna):
    match = active_match(cora, full_name="Sanne Jansen", child_name="Noor")
    made = group(cora, [anna])
    planned = held(session(cora, made))
    for text in ("Sanne vertelde over school", "Het ging over NOOR"):
        with pytest.raises(DomainError) as refused:
            services.record_session(
                actor=cora, session=planned, themes=text, agreements=""
            )
        assert refused.value.field == "names"
    planned.refresh_from_db()
    assert planned.record_themes == "" and planned.recorded_at is None
    # Confirmed as no name: saved.
    services.record_session(
        actor=cora,
        session=planned,
        themes="Noor is ook een windrichting",
        agreements="Volgende keer over thuiszitten",
        not_a_name=True,
    )
    planned.refresh_from_db()
    assert planned.recorded_at is not None
    assert match.request.full_name == "Sanne Jansen"


def test_the_record_without_names_is_saved_and_never_before_the_session(cora, anna):
    made = group(cora, [anna])
    planned = session(cora, made)
    with pytest.raises(DomainError):
        services.record_session(
            actor=cora, session=planned, themes="Grenzen", agreements=""
        )
    held(planned)
    with pytest.raises(DomainError) as refused:
        services.record_session(actor=cora, session=planned, themes="", agreements="")
    assert refused.value.field == "themes"
    with pytest.raises(DomainError):
        services.record_session(
            actor=cora, session=planned, themes="x" * 4001, agreements=""
        )
    services.record_session(
        actor=cora, session=planned, themes="Grenzen stellen", agreements="Oefenen"
    )
    planned.refresh_from_db()
    assert (planned.record_themes, planned.record_agreements) == (
        "Grenzen stellen",
        "Oefenen",
    )


def test_active_buddies_without_intervisie_for_six_months(cora, anna, bram):
    made = group(cora, [anna, bram])
    planned = held(session(cora, made))
    services.record_attendance(
        actor=cora, session=planned, attendance={anna.pk: True, bram.pk: False}
    )
    without = list(selectors.buddies_without_intervisie(cora.organisation_id))
    assert bram in without and anna not in without
    old = held(session(cora, made), days_ago=200)
    services.record_attendance(
        actor=cora, session=old, attendance={anna.pk: True, bram.pk: True}
    )
    assert bram in selectors.buddies_without_intervisie(cora.organisation_id)


def test_a_buddy_sees_only_their_own_groups_and_sessions(cora, anna, bram):
    mine = group(cora, [anna], name="A")
    theirs = group(cora, [bram], name="B")
    session(cora, mine)
    other = session(cora, theirs)
    me = buddy_membership(anna)
    assert list(selectors.visible_groups(me)) == [mine]
    assert other not in selectors.visible_sessions(me)
    own = selectors.own_sessions(me, anna)
    assert [row["session"].group for row in own["upcoming"]] == [mine]
    assert [row["signed_up"] for row in own["upcoming"]] == [False]
    services.sign_up(actor=me, session=own["upcoming"][0]["session"])
    again = selectors.own_sessions(me, anna)["upcoming"]
    assert [row["signed_up"] for row in again] == [True]
    assert again[0]["session"].group.name == "A"
    assert again[0]["session"].get_method_display()
    for read in (selectors._UPCOMING, selectors._ATTENDED):
        assert read._compiled and None not in read._compiled.values()
    assert set(selectors.visible_groups(cora)) == {mine, theirs}


def test_another_organisation_sees_nothing(cora, olga, anna):
    made = group(cora, [anna])
    planned = session(cora, made)
    assert not selectors.visible_groups(olga).exists()
    assert not selectors.visible_sessions(olga).exists()
    with pytest.raises(DomainError):
        services.cancel_session(actor=olga, session=planned)
    with pytest.raises(DomainError):
        services.sign_up(actor=olga, session=planned)


def test_the_group_forms_choices_are_the_organisations_own(cora, anna, bram, olga):
    facilitators = dict(selectors.facilitator_choices(cora))
    assert facilitators[str(cora.pk)].endswith("(Coördinator)")
    assert str(olga.pk) not in facilitators
    members = dict(selectors.member_choices(cora))
    assert {members[str(anna.pk)], members[str(bram.pk)]} == {
        anna.full_name,
        bram.full_name,
    }
    assert not selectors.member_choices(olga) or str(anna.pk) not in dict(
        selectors.member_choices(olga)
    )
    for read in (selectors._FACILITATORS, selectors._MEMBER_CHOICES):
        assert None not in read._compiled.values()
