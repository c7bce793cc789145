"""Training pages: access rules for every view, forms with bad input, the buddy page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import invite_and_accept, signed_in_client
from ouderbuddy.organisations.models import Role
from ouderbuddy.training import services
from ouderbuddy.training.models import (
    Course,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    Session,
)
from ouderbuddy.training.tests.factories import at, make_buddy, make_session

pytestmark = pytest.mark.django_db

COURSES = reverse("training:courses")
MINE = reverse("training:my_trainings")


@pytest.fixture
def enrolment(cora, session, bea):
    return services.enrol_buddy(actor=cora, session=session, buddy=bea)


@pytest.fixture
def own_enrolment(ben, ben_buddy, session):
    return services.enrol_buddy(actor=ben, session=session, buddy=ben_buddy)


@pytest.fixture
def urls(course, session, enrolment, own_enrolment):
    """Every training URL with Noord's objects, by access group and allowed methods."""
    coordinator = {
        COURSES: ("get", "post"),
        reverse("training:course_detail", args=[course.pk]): ("get", "post"),
        reverse("training:edit_course", args=[course.pk]): ("get", "post"),
        reverse("training:session_detail", args=[session.pk]): ("get", "post"),
        reverse("training:cancel_session", args=[session.pk]): ("post",),
        reverse("training:mark_attendance", args=[enrolment.pk]): ("post",),
        reverse("training:cancel_enrolment", args=[enrolment.pk]): ("post",),
    }
    buddy = {
        MINE: ("get",),
        reverse("training:enrol_self", args=[session.pk]): ("post",),
        reverse("training:cancel_own_enrolment", args=[own_enrolment.pk]): ("post",),
    }
    return {"coordinator": coordinator, "buddy": buddy}


def nothing_changed(session, enrolment, own_enrolment):
    session.refresh_from_db()
    assert session.cancelled_at is None
    assert set(Enrolment.objects.values_list("status", flat=True)) == {
        EnrolmentStatus.ENROLLED
    }
    assert not Qualification.objects.exists()


class TestAccess:
    def test_anonymous_goes_to_login(self, urls):
        client = Client()
        for group in urls.values():
            for url, methods in group.items():
                for method in methods:
                    response = getattr(client, method)(url)
                    assert response.status_code == 302, url
                    assert response["Location"].startswith(reverse("accounts:login"))

    def test_buddy_and_manager_get_403_on_coordinator_pages(
        self, urls, ben_client, mia_client, session, enrolment, own_enrolment
    ):
        for client in (ben_client, mia_client):
            for url, methods in urls["coordinator"].items():
                for method in methods:
                    assert getattr(client, method)(url).status_code == 403, url
        nothing_changed(session, enrolment, own_enrolment)

    def test_coordinator_and_manager_get_403_on_the_buddy_pages(
        self, urls, cora_client, mia_client, session, enrolment, own_enrolment
    ):
        for client in (cora_client, mia_client):
            for url, methods in urls["buddy"].items():
                for method in methods:
                    assert getattr(client, method)(url).status_code == 403, url
        nothing_changed(session, enrolment, own_enrolment)

    def test_olga_gets_404_on_noord_objects(
        self, urls, olga_client, session, enrolment, own_enrolment
    ):
        for url, methods in urls["coordinator"].items():
            if url == COURSES:
                continue
            for method in methods:
                assert getattr(olga_client, method)(url).status_code == 404, url
        nothing_changed(session, enrolment, own_enrolment)

    def test_a_buddy_of_another_organisation_gets_404(
        self, olga, session, own_enrolment, enrolment
    ):
        zara = invite_and_accept(olga, "zara@zuid.test", "Zara Zuid", Role.BUDDY)
        make_buddy(olga.organisation, full_name="Zara Zuid", user=zara.user)
        client = signed_in_client(zara.user, verified=False)
        enrol = reverse("training:enrol_self", args=[session.pk])
        cancel = reverse("training:cancel_own_enrolment", args=[own_enrolment.pk])
        assert client.post(enrol).status_code == 404
        assert client.post(cancel).status_code == 404
        nothing_changed(session, enrolment, own_enrolment)

    def test_a_buddy_cannot_cancel_another_buddys_enrolment(
        self, ben_client, enrolment, session, own_enrolment
    ):
        url = reverse("training:cancel_own_enrolment", args=[enrolment.pk])
        assert ben_client.post(url).status_code == 404
        nothing_changed(session, enrolment, own_enrolment)

    def test_wrong_method_is_405(self, urls, cora_client, ben_client):
        for url, methods in urls["coordinator"].items():
            assert cora_client.put(url).status_code == 405, url
            if "get" not in methods:
                assert cora_client.get(url).status_code == 405, url
        for url, methods in urls["buddy"].items():
            assert ben_client.put(url).status_code == 405, url
            other = "get" if "post" in methods else "post"
            assert getattr(ben_client, other)(url).status_code == 405, url

    def test_coordinator_sees_own_courses_only(self, cora_client, olga, course):
        services.create_course(actor=olga, title="Zuidtraining", kind="basic", hours=2)
        body = cora_client.get(COURSES).content.decode()
        assert course.title in body
        assert "Zuidtraining" not in body


# --- Coordinator pages ---------------------------------------------------------------


def test_courses_page_lists_upcoming_sessions_and_adds_a_course(
    cora_client, course, session
):
    body = cora_client.get(COURSES).content.decode()
    assert reverse("training:session_detail", args=[session.pk]) in body
    assert "woensdag 20 januari 2027, 19:00" in body
    assert "nog 2 plaatsen vrij" in body
    response = cora_client.post(
        COURSES,
        {
            "title": "Opfrisavond",
            "kind": "refresher",
            "hours": "1,5",
            "description": "",
        },
    )
    new = Course.objects.get(title="Opfrisavond")
    assert response["Location"] == reverse("training:course_detail", args=[new.pk])
    assert (new.hours, new.valid_months) == (pytest.approx(1.5), 12)


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Vul dit in.", "Kies de soort training."]),
        (
            {"title": "x" * 151, "kind": "baas", "hours": "veel", "valid_months": "0"},
            [
                "Kies een van de soorten uit de lijst.",
                "Vul een getal in, bijvoorbeeld 2 of 2,5.",
                "Vul minstens 1 maand in.",
            ],
        ),
        ({"title": "Kort", "kind": "basic", "hours": "0,2"}, ["minstens een half uur"]),
    ],
)
def test_bad_course_input_shows_dutch_errors_and_saves_nothing(
    cora_client, data, messages
):
    response = cora_client.post(COURSES, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er is iets niet goed ingevuld" in body
    assert 'aria-invalid="true"' in body
    for message in messages:
        assert message in body
    assert not Course.objects.exists()


def test_course_detail_plans_a_session(cora_client, course):
    url = reverse("training:course_detail", args=[course.pk])
    response = cora_client.post(
        url,
        {
            "date": "2027-02-03",
            "start_time": "19:30",
            "end_time": "21:30",
            "capacity": "12",
            "location": "Bibliotheek",
        },
    )
    session = Session.objects.get()
    assert response["Location"] == reverse("training:session_detail", args=[session.pk])
    assert session.starts_at == at(2027, 2, 3, 19, 30)
    assert session.ends_at == at(2027, 2, 3, 21, 30)
    assert cora_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "morgen"}, "Vul een datum in, bijvoorbeeld 14-03-2027."),
        ({"end_time": "19:00"}, "De eindtijd moet na de begintijd liggen."),
        ({"capacity": "0"}, "Er moet minstens één plaats zijn."),
        ({"location": ""}, "Vul een plaats in, of een link voor online meedoen."),
        ({"online_url": "geen link"}, "Vul een volledige link in, met https://."),
        ({"date": "2027-01-02"}, "Kies een moment in de toekomst voor het begin."),
    ],
)
def test_bad_session_input_shows_dutch_errors_and_saves_nothing(
    cora_client, course, data, message
):
    fields = {
        "date": "2027-02-03",
        "start_time": "19:30",
        "end_time": "21:30",
        "capacity": "12",
        "location": "Bibliotheek",
    }
    fields.update(data)
    url = reverse("training:course_detail", args=[course.pk])
    response = cora_client.post(url, fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "utrecht-form-field-error-message" in body  # next to the field
    assert 'value="Bibliotheek"' in body or data.get("location") == ""  # kept
    assert not Session.objects.exists()


def test_edit_course(cora_client, course):
    url = reverse("training:edit_course", args=[course.pk])
    assert 'value="Basistraining"' in cora_client.get(url).content.decode()
    response = cora_client.post(
        url, {"title": "Basistraining 2027", "kind": "basic", "hours": "3"}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Basistraining 2027"
    response = cora_client.post(url, {"title": "", "kind": "basic", "hours": "3"})
    assert response.status_code == 400
    course.refresh_from_db()
    assert course.title == "Basistraining 2027"


def test_session_page_shows_enrolled_and_waiting_in_order(
    cora_client, cora, session, bea, dirk, eva, noord
):
    fien = make_buddy(noord, full_name="Fien Fokker")
    for buddy in (bea, dirk, eva, fien):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    body = cora_client.get(
        reverse("training:session_detail", args=[session.pk])
    ).content.decode()
    assert "2 van 2 bezet, 0 vrij" in body
    assert "Eva Evers van de wachtlijst halen (plaats 1)" in body
    assert "Fien Fokker van de wachtlijst halen (plaats 2)" in body
    assert body.index("Eva Evers") < body.index("Fien Fokker")
    assert "Bea Bakker afmelden" in body
    assert "Wie u nu inschrijft, komt op de wachtlijst" in body
    # Every row's button cancels that row's enrolment.
    for enrolment in Enrolment.objects.filter(session=session):
        action = reverse("training:cancel_enrolment", args=[enrolment.pk])
        assert f'action="{action}"' in body


def test_session_page_enrols_a_buddy(
    cora_client, session, bea, django_capture_on_commit_callbacks
):
    url = reverse("training:session_detail", args=[session.pk])
    body = cora_client.get(url).content.decode()
    assert f'value="{bea.pk}"' in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = cora_client.post(url, {"buddy": str(bea.pk)}, follow=True)
    assert "Bea Bakker is ingeschreven." in response.content.decode()
    assert Enrolment.objects.get(buddy=bea).status == EnrolmentStatus.ENROLLED
    assert [m.to for m in mail.outbox] == [["bea@buddy.test"]]
    # Bea is no longer offered.
    assert f'value="{bea.pk}"' not in cora_client.get(url).content.decode()


def test_session_page_refuses_a_buddy_outside_the_list(
    cora_client, session, noord, olga
):
    stopped = make_buddy(noord, full_name="Stijn Gestopt", status="stopped")
    foreign = make_buddy(
        olga.organisation, full_name="Zoë Zuid", email="zoe@buddy.test"
    )
    url = reverse("training:session_detail", args=[session.pk])
    for value in (str(stopped.pk), str(foreign.pk), "onzin", ""):
        response = cora_client.post(url, {"buddy": value})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Kies een buddy" in body
    assert not Enrolment.objects.exists()


def test_attendance_of_one_enrolment_after_the_session(cora_client, cora, course, bea):
    past = make_session(course, at(2027, 1, 5, 19))
    enrolment = Enrolment.objects.create(
        organisation=cora.organisation,
        session=past,
        buddy=bea,
        status=EnrolmentStatus.ENROLLED,
    )
    page = reverse("training:session_detail", args=[past.pk])
    assert "Aanwezigheid opslaan" in cora_client.get(page).content.decode()
    url = reverse("training:mark_attendance", args=[enrolment.pk])
    response = cora_client.post(url, {"attended": "yes"})
    assert response["Location"] == page
    assert Qualification.objects.get(buddy=bea).obtained_on.isoformat() == "2027-01-05"
    response = cora_client.post(url, {"attended": "misschien"}, follow=True)
    assert "Kies aanwezig of afwezig." in response.content.decode()
    cora_client.post(url, {"attended": "no"})
    enrolment.refresh_from_db()
    assert enrolment.attended is False
    assert not Qualification.objects.exists()


def test_attendance_for_a_future_session_is_refused_with_a_message(
    cora_client, enrolment
):
    url = reverse("training:mark_attendance", args=[enrolment.pk])
    response = cora_client.post(url, {"attended": "yes"}, follow=True)
    assert (
        "U kunt de aanwezigheid pas invullen als de training voorbij is."
        in response.content.decode()
    )
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_cancel_enrolment_and_session_from_the_page(
    cora_client, cora, session, enrolment, dirk, eva
):
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    services.enrol_buddy(actor=cora, session=session, buddy=eva)
    cora_client.post(reverse("training:cancel_enrolment", args=[enrolment.pk]))
    assert Enrolment.objects.get(buddy=eva).status == EnrolmentStatus.ENROLLED
    response = cora_client.post(
        reverse("training:cancel_session", args=[session.pk]), follow=True
    )
    assert "De bijeenkomst is geannuleerd" in response.content.decode()
    session.refresh_from_db()
    assert session.is_cancelled
    response = cora_client.post(
        reverse("training:cancel_session", args=[session.pk]), follow=True
    )
    assert "al geannuleerd" in response.content.decode()


# --- The buddy page ------------------------------------------------------------------


def test_my_trainings_without_a_buddy_record_explains(ben_client):
    response = ben_client.get(MINE)
    assert response.status_code == 200
    assert "Neem contact op met de coördinator" in response.content.decode()


def test_my_trainings_shows_sessions_enrolments_and_qualifications(
    ben_client, ben, ben_buddy, cora, session, bea, dirk, course
):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    later = make_session(course, at(2027, 2, 10, 19), capacity=6)
    services.enrol_buddy(actor=ben, session=session, buddy=ben_buddy)  # waiting
    Qualification.objects.create(
        organisation=cora.organisation,
        buddy=ben_buddy,
        kind="refresher",
        obtained_on=at(2026, 3, 1).date(),
        valid_until=at(2027, 3, 1).date(),
    )
    body = ben_client.get(MINE).content.decode()
    assert "Op de wachtlijst: plaats 1" in body
    assert "Nog 6 plaatsen vrij." in body
    assert reverse("training:enrol_self", args=[later.pk]) in body
    assert "Geldig tot 1 maart 2027." in body
    assert "U heeft de basistraining nog niet gevolgd" in body
    # Never another buddy's name, and no wide tables on the phone page.
    assert "Bea Bakker" not in body
    assert "Dirk Dekker" not in body
    assert "utrecht-table" not in body


def test_buddy_enrols_and_cancels_from_the_page(
    ben_client, ben_buddy, session, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ben_client.post(
            reverse("training:enrol_self", args=[session.pk]), follow=True
        )
    assert "U bent ingeschreven." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ben@noord.test"]]
    enrolment = Enrolment.objects.get(buddy=ben_buddy)
    body = ben_client.get(MINE).content.decode()
    assert reverse("training:cancel_own_enrolment", args=[enrolment.pk]) in body
    response = ben_client.post(
        reverse("training:cancel_own_enrolment", args=[enrolment.pk]), follow=True
    )
    assert "U bent afgemeld" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


def test_buddy_on_a_full_session_is_told_about_the_waiting_list(
    ben_client, ben_buddy, cora, session, bea, dirk
):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    body = ben_client.get(MINE).content.decode()
    assert "Vol. U kunt op de wachtlijst." in body
    response = ben_client.post(
        reverse("training:enrol_self", args=[session.pk]), follow=True
    )
    assert "U staat op de wachtlijst." in response.content.decode()
    assert Enrolment.objects.get(buddy=ben_buddy).status == EnrolmentStatus.WAITLISTED


def test_stopped_buddy_is_refused_with_a_message(ben_client, ben_buddy, session):
    ben_buddy.status = "stopped"
    ben_buddy.save()
    response = ben_client.post(
        reverse("training:enrol_self", args=[session.pk]), follow=True
    )
    assert "is gestopt als buddy" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_course_page_rows_show_each_session(cora_client, cora, course, session, bea):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    online = make_session(
        course, at(2027, 2, 3, 19), location="", online_url="https://meet.test/x"
    )
    services.cancel_session(actor=cora, session=online)
    body = cora_client.get(
        reverse("training:course_detail", args=[course.pk])
    ).content.decode()
    link = reverse("training:session_detail", args=[session.pk])
    assert (
        f'<a class="utrecht-link" href="{link}">20 januari 2027, 19:00–21:30</a>'
        in (body)
    )
    assert ">1 van 2</td>" in body
    other = reverse("training:session_detail", args=[online.pk])
    assert f'href="{other}">3 februari 2027, 19:00–' in body
    assert '--inactive">Geannuleerd</span>' in body
    assert ">Online</td>" in body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_unbound_attendance_form_is_drawn_as_the_form_draws_itself(
    cora, course, language
):
    from django.utils import translation

    from ouderbuddy.training import selectors
    from ouderbuddy.training.forms import (
        SessionAttendanceForm,
        unbound_attendance_html,
    )

    past = make_session(course, at(2027, 1, 5, 19))
    for name, attended in [
        ('Bea <b>&amp; 100% "Buddy"', None),
        ("Bas Buddy", True),
        ("Stamp-Name stamp-id %(id)s", False),
    ]:
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=past,
            buddy=make_buddy(
                cora.organisation, full_name=name, email=f"{attended}@b.test"
            ),
            status=EnrolmentStatus.ENROLLED,
            attended=attended,
        )
    enrolled = selectors.enrolments_in(past)
    with translation.override(language):
        assert unbound_attendance_html(enrolled) == str(
            SessionAttendanceForm(enrolments=enrolled)
        )
    assert unbound_attendance_html([]) == ""
