"""A training followed elsewhere or before, and attendance for a whole session in one
form: the rules, the pages, and that a buddy trained elsewhere can become active."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ouderbuddy.buddies import checklist
from ouderbuddy.buddies.services import facts_for
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.training import services
from ouderbuddy.training.models import (
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    QualificationKind,
)
from ouderbuddy.training.tests.factories import (
    at,
    make_buddy,
    make_course,
    make_own_buddy,
    make_session,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 10)  # the clock of conftest.py


def elsewhere(actor, buddy, course, **kw):
    fields = {"followed_on": dt.date(2026, 11, 3), "provider": "Balans"}
    fields.update(kw)
    return services.record_training_elsewhere(
        actor=actor, buddy=buddy, course=course, **fields
    )


# --- The service --------------------------------------------------------------------


def test_a_basic_training_elsewhere_counts_for_the_checklist(cora, course, bea):
    assert not facts_for(bea).basic_training
    qualification = elsewhere(cora, bea, course, note="Certificaat gezien.")
    assert qualification.kind == QualificationKind.BASIC
    assert qualification.course == course
    assert qualification.session is None
    assert qualification.obtained_on == dt.date(2026, 11, 3)
    assert qualification.valid_until is None  # the course never expires
    assert qualification.provider == "Balans"
    assert qualification.note == "Certificaat gezien."
    assert qualification.recorded_by == cora.user
    assert qualification.followed_elsewhere
    assert facts_for(bea).basic_training
    event = AuditEvent.objects.get(verb="training.qualification.elsewhere")
    assert event.actor == cora.user
    assert event.target_id == str(qualification.pk)
    assert event.data["buddy"] == str(bea.pk)
    assert "Balans" not in str(event.data)


def test_the_expiry_counts_from_the_day_it_was_followed(cora, bea):
    refresher = services.create_course(
        actor=cora, title="Opfris", kind=CourseKind.REFRESHER, hours=2, valid_months=6
    )
    recent = elsewhere(cora, bea, refresher, followed_on=dt.date(2026, 8, 31))
    assert recent.valid_until == dt.date(2027, 2, 28)
    # A refresher long ago is recorded, and is expired at once.
    old = elsewhere(cora, bea, refresher, followed_on=dt.date(2025, 1, 15))
    assert old.valid_until == dt.date(2025, 7, 15)


def test_today_is_allowed_and_the_future_is_refused(cora, course, bea):
    with pytest.raises(DomainError) as exc:
        elsewhere(cora, bea, course, followed_on=TODAY + dt.timedelta(days=1))
    assert exc.value.field == "followed_on"
    assert "toekomst" in exc.value.message
    with pytest.raises(DomainError, match="na 1 januari 2000"):
        elsewhere(cora, bea, course, followed_on=dt.date(1999, 12, 31))
    assert not Qualification.objects.exists()
    assert elsewhere(cora, bea, course, followed_on=TODAY).obtained_on == TODAY


def test_the_same_training_twice_is_refused(cora, course, bea):
    elsewhere(cora, bea, course)
    with pytest.raises(DomainError, match="staat al met deze datum"):
        elsewhere(cora, bea, course, provider="Ander steunpunt")
    assert Qualification.objects.count() == 1
    # Another day is another training.
    elsewhere(cora, bea, course, followed_on=dt.date(2026, 12, 1))
    assert Qualification.objects.count() == 2


def test_other_organisation_roles_and_courses_are_refused(
    cora, ben, mia, olga, course, bea, noord
):
    zuid_course = make_course(olga.organisation, title="Zuidtraining")
    zuid_buddy = make_buddy(olga.organisation, full_name="Zara Zuid")
    theme = make_course(noord, title="Thema-avond", kind=CourseKind.OTHER)
    stopped = make_buddy(noord, full_name="Sam Stop", status="stopped")
    cases = [
        (ben, bea, course, "Alleen een coördinator"),
        (mia, bea, course, "Alleen een coördinator"),
        (olga, bea, course, "hoort niet bij uw organisatie"),
        (cora, bea, zuid_course, "hoort niet bij uw organisatie"),
        (cora, zuid_buddy, course, "hoort niet bij uw organisatie"),
        (cora, bea, theme, "basistraining of een opfristraining"),
        (cora, stopped, course, "gestopt"),
    ]
    for actor, buddy, a_course, message in cases:
        with pytest.raises(DomainError, match=message):
            elsewhere(actor, buddy, a_course)
    with pytest.raises(DomainError, match="waar de buddy"):
        elsewhere(cora, bea, course, provider="   ")
    assert not Qualification.objects.exists()
    assert not AuditEvent.objects.filter(
        verb="training.qualification.elsewhere"
    ).exists()


# --- The page -------------------------------------------------------------------------


@pytest.fixture
def page(bea):
    return reverse("training:training_elsewhere", args=[bea.pk])


def test_page_access(page, ben_client, mia_client, olga_client, cora_client, bea):
    anonymous = Client().get(page)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert ben_client.get(page).status_code == 403
    assert mia_client.post(page, {}).status_code == 403
    assert olga_client.get(page).status_code == 404
    assert olga_client.post(page, {}).status_code == 404
    assert cora_client.put(page).status_code == 405
    # An id that is no buddy of hers (the organisation's own id) is not found either.
    missing = reverse("training:training_elsewhere", args=[bea.organisation_id])
    assert cora_client.get(missing).status_code == 404
    assert not Qualification.objects.exists()


def test_coordinator_records_a_training_on_the_page(cora_client, cora, course, bea):
    detail = reverse("buddies:detail", args=[bea.pk])
    assert "Training van elders vastleggen" in cora_client.get(detail).content.decode()
    page = reverse("training:training_elsewhere", args=[bea.pk])
    body = cora_client.get(page).content.decode()
    assert course.title in body
    response = cora_client.post(
        page,
        {
            "course": str(course.pk),
            "followed_on": "2026-11-03",
            "provider": "Balans",
            "note": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail
    body = response.content.decode()
    assert "De training van Bea Bakker is vastgelegd." in body
    assert "Gevolgd bij Balans." in body
    assert "Vastgelegd door" in body
    # The buddy page's training section, worded from its rows.
    assert f"({course.title}): 3 november 2026" in body
    assert f"Vastgelegd door {cora.user.full_name} op " in body
    assert Qualification.objects.get(buddy=bea).recorded_by == cora.user


def test_my_trainings_shows_a_training_followed_elsewhere(
    ben, ben_client, cora, course
):
    own = make_own_buddy(ben)
    elsewhere(cora, own, course, provider="Steunpunt Gelderland")
    body = ben_client.get(reverse("training:my_trainings")).content.decode()
    assert "U heeft de basistraining gevolgd." in body
    assert "Gevolgd bij Steunpunt Gelderland." in body
    assert "3 november 2026" in body


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"followed_on": "2027-01-11"}, "Deze datum ligt in de toekomst."),
        ({"followed_on": "31-02-2026"}, "Vul een datum in, bijvoorbeeld"),
        ({"followed_on": ""}, "Vul de datum in."),
        ({"provider": ""}, "Vul in waar de buddy de training volgde."),
        ({"provider": "x" * 201}, "Gebruik hoogstens 200 tekens."),
        ({"course": "onzin"}, "Kies een training uit de lijst."),
        ({"course": ""}, "Kies een training."),
    ],
)
def test_bad_input_gives_a_dutch_message_and_saves_nothing(
    cora_client, course, bea, page, change, field_message
):
    data = {"course": str(course.pk), "followed_on": "2026-11-03", "provider": "Balans"}
    data.update(change)
    response = cora_client.post(page, data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Qualification.objects.exists()


def test_other_organisations_or_other_courses_are_not_in_the_list(
    cora_client, olga, noord, course, bea, page
):
    zuid_course = make_course(olga.organisation, title="Zuidtraining")
    theme = make_course(noord, title="Thema-avond", kind=CourseKind.OTHER)
    body = cora_client.get(page).content.decode()
    assert "Zuidtraining" not in body
    assert "Thema-avond" not in body
    for foreign in (zuid_course, theme):
        response = cora_client.post(
            page,
            {
                "course": str(foreign.pk),
                "followed_on": "2026-11-03",
                "provider": "Balans",
            },
        )
        assert response.status_code == 400
        assert "Kies een training uit de lijst." in response.content.decode()
    assert not Qualification.objects.exists()


def test_a_duplicate_on_the_page_is_refused_next_to_the_date(
    cora_client, cora, course, bea, page
):
    elsewhere(cora, bea, course)
    response = cora_client.post(
        page,
        {"course": str(course.pk), "followed_on": "2026-11-03", "provider": "Balans"},
    )
    assert response.status_code == 400
    assert "Deze training staat al met deze datum bij deze buddy." in (
        response.content.decode()
    )
    assert Qualification.objects.count() == 1


def test_without_a_basic_or_refresher_course_the_page_says_so(cora_client, page):
    body = cora_client.get(page).content.decode()
    assert "Maak eerst een training aan." in body


# --- A buddy trained elsewhere becomes active ----------------------------------------


def test_a_buddy_trained_elsewhere_can_become_active(cora, ben, course):
    from ouderbuddy.buddies.models import (
        AgreementKind,
        BuddyStatus,
        Interview,
        InterviewOutcome,
    )
    from ouderbuddy.buddies.services import advance_buddy, record_agreement

    buddy = make_own_buddy(
        ben,
        introduction_held_on=dt.date(2027, 1, 4),
        vog_issued_on=dt.date(2026, 12, 1),
        vog_valid_until=dt.date(2029, 12, 1),
    )
    Interview.objects.create(
        organisation=buddy.organisation,
        buddy=buddy,
        held_on=dt.date(2027, 1, 5),
        experience_processed=3,
        listening=4,
        reflection=3,
        boundaries=3,
        communication=4,
        outcome=InterviewOutcome.SUITABLE,
    )
    for kind in AgreementKind.values:
        record_agreement(
            actor=cora, buddy=buddy, kind=kind, signed_on=dt.date(2027, 1, 6)
        )
    with pytest.raises(DomainError, match="Basistraining gevolgd"):
        advance_buddy(actor=cora, buddy=buddy)
    elsewhere(cora, buddy, course, followed_on=dt.date(2025, 6, 1))
    advance_buddy(actor=cora, buddy=buddy)
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.ACTIVE
    assert checklist.is_matchable(facts_for(buddy))


# --- Attendance for a whole session in one form -------------------------------------


@pytest.fixture
def past(cora, course, bea, dirk, eva):
    """A session that is over, with Bea and Dirk enrolled and Eva on the waiting list."""
    session = make_session(course, at(2027, 1, 5, 19))
    for buddy, status in (
        (bea, EnrolmentStatus.ENROLLED),
        (dirk, EnrolmentStatus.ENROLLED),
        (eva, EnrolmentStatus.WAITLISTED),
    ):
        Enrolment.objects.create(
            organisation=cora.organisation, session=session, buddy=buddy, status=status
        )
    return session


def ids(session):
    return {
        e.buddy.full_name: e.pk
        for e in Enrolment.objects.filter(session=session).select_related("buddy")
    }


def test_record_attendance_for_everyone_at_once(cora, past, bea, dirk):
    enrolments = ids(past)
    services.record_attendance(
        actor=cora,
        session=past,
        attendance={enrolments["Bea Bakker"]: True, enrolments["Dirk Dekker"]: False},
    )
    assert Enrolment.objects.get(buddy=bea).attended is True
    assert Enrolment.objects.get(buddy=dirk).attended is False
    qualification = Qualification.objects.get()
    assert qualification.buddy == bea
    assert qualification.course == past.course
    assert qualification.obtained_on == dt.date(2027, 1, 5)
    event = AuditEvent.objects.get(verb="training.attendance.record")
    assert event.data == {"present": 1, "absent": 1}
    # A correction in the same form takes the qualification away again.
    services.record_attendance(
        actor=cora,
        session=past,
        attendance={enrolments["Bea Bakker"]: False, enrolments["Dirk Dekker"]: True},
    )
    assert list(Qualification.objects.values_list("buddy", flat=True)) == [dirk.pk]


def test_record_attendance_is_all_or_nothing(cora, olga, past, session, bea):
    enrolments = ids(past)
    bea_id, dirk_id = enrolments["Bea Bakker"], enrolments["Dirk Dekker"]
    waiting_id = enrolments["Eva Evers"]
    bad = [
        (cora, past, {bea_id: True}, "Kies voor iedere buddy"),
        (cora, past, {bea_id: True, dirk_id: True, waiting_id: True}, "ingeschreven"),
        (cora, past, {bea_id: True, dirk_id: True, "onzin": True}, "ingeschreven"),
        (olga, past, {bea_id: True, dirk_id: True}, "hoort niet bij uw organisatie"),
        (cora, session, {}, "pas invullen als de training voorbij is"),
    ]
    for actor, a_session, attendance, message in bad:
        with pytest.raises(DomainError, match=message):
            services.record_attendance(
                actor=actor, session=a_session, attendance=attendance
            )
    assert not Enrolment.objects.filter(attended__isnull=False).exists()
    assert not Qualification.objects.exists()


def test_the_session_page_has_one_attendance_form(cora_client, past, bea, dirk):
    page = reverse("training:session_detail", args=[past.pk])
    body = cora_client.get(page).content.decode()
    url = reverse("training:record_attendance", args=[past.pk])
    assert body.count(f'action="{url}"') == 1
    assert "Aanwezigheid opslaan" in body
    enrolments = ids(past)
    response = cora_client.post(
        url,
        {
            f"attended_{enrolments['Bea Bakker']}": "yes",
            f"attended_{enrolments['Dirk Dekker']}": "no",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page
    assert "1 buddy was aanwezig" in response.content.decode()
    assert Enrolment.objects.get(buddy=bea).attended is True
    assert Enrolment.objects.get(buddy=dirk).attended is False


@pytest.mark.parametrize("dirk_answer", [None, "misschien"])
def test_an_incomplete_attendance_form_saves_nothing(
    cora_client, past, bea, dirk_answer
):
    enrolments = ids(past)
    data = {f"attended_{enrolments['Bea Bakker']}": "yes"}
    if dirk_answer is not None:
        data[f"attended_{enrolments['Dirk Dekker']}"] = dirk_answer
    response = cora_client.post(
        reverse("training:record_attendance", args=[past.pk]), data
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "Kies aanwezig of afwezig voor Dirk Dekker." in body
        or "Kies aanwezig of afwezig." in body
    )
    assert not Enrolment.objects.filter(attended__isnull=False).exists()
    assert not Qualification.objects.exists()


def test_a_nul_byte_in_the_attendance_form_is_refused_before_the_view(
    cora_client, past, bea
):
    """ControlCharacterMiddleware refuses a NUL byte with the Dutch 400 page (the
    view's own message never shows); nothing is saved."""
    enrolments = ids(past)
    data = {
        f"attended_{enrolments['Bea Bakker']}": "yes",
        f"attended_{enrolments['Dirk Dekker']}": "\x00",
    }
    response = cora_client.post(
        reverse("training:record_attendance", args=[past.pk]), data
    )
    assert response.status_code == 400
    assert "Dit verzoek kunnen we niet verwerken" in response.content.decode()
    assert not Enrolment.objects.filter(attended__isnull=False).exists()
    assert not Qualification.objects.exists()


def test_attendance_form_access(past, ben_client, mia_client, olga_client, cora_client):
    url = reverse("training:record_attendance", args=[past.pk])
    anonymous = Client().post(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert ben_client.post(url).status_code == 403
    assert mia_client.post(url).status_code == 403
    assert olga_client.post(url).status_code == 404
    assert cora_client.get(url).status_code == 405
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_a_value_that_is_no_id_gets_the_choose_from_the_list_message(
    cora_client, session
):
    url = reverse("training:session_detail", args=[session.pk])
    response = cora_client.post(url, {"buddy": "onzin"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kies een buddy uit de lijst." in body
    assert "UUID" not in body
    assert not Enrolment.objects.exists()
