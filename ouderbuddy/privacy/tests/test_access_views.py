"""The subject-access pages: the parent's request and download through the status
link, the buddy's "Mijn gegevens", the coordinator's list and exports; who may open
them, and that a wrong link or another organisation's id gets nothing."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake.services import status_token
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.privacy import services_access
from ouderbuddy.privacy.models import AuditEvent, RightRequest, RightStatus

pytestmark = pytest.mark.django_db

PERSONAL = ("Sanne", "sanne@example.nl", "Noor", "thuis")


def _ask(client: Client, token: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("privacy:status_request", args=[token]))


def _link_from_mail() -> str:
    (message,) = [m for m in mail.outbox if "downloaden" in m.subject]
    (path,) = re.findall(r"/privacy/gegevens/[^/\s]+/", message.body)
    return str(path)


@pytest.fixture
def parent(cora):
    return submit(cora.organisation)


def test_the_parent_asks_on_the_status_page_and_downloads_by_the_link(parent):
    page = Client().get(reverse("intake:status", args=[status_token(parent)]))
    assert "Mijn gegevens opvragen" in page.content.decode()
    mail.outbox.clear()
    client = Client()
    response = _ask(client, status_token(parent))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:status", args=[status_token(parent)])
    assert "U krijgt binnen een paar minuten een e-mail" in (
        client.get(response["Location"]).content.decode()
    )
    right = RightRequest.objects.get(subject_id=str(parent.pk))
    assert right.channel == "status_link" and right.status == RightStatus.OPEN
    assert right.due_on == services_access.legal_deadline(right.received_at)
    assert right.subject_label == parent.reference
    path = _link_from_mail()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert right.token_hash == services_access.token_hash(token)
    assert token not in right.token_hash

    landing = Client().get(path)
    assert landing.status_code == 200
    assert landing["Referrer-Policy"] == "strict-origin"
    right.refresh_from_db()
    assert right.status == RightStatus.OPEN  # the landing page answers nothing yet

    page = Client().get(path + "?formaat=html")
    assert page.status_code == 200
    assert parent.reference in page.content.decode()
    right.refresh_from_db()
    assert right.status == RightStatus.DONE and right.done_at is not None

    download = Client().get(path + "?formaat=json")
    assert download["Content-Type"].startswith("application/json")
    data = json.loads(download.content)
    assert data["subject"] == parent.reference
    pdf = Client().get(path + "?formaat=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    events = AuditEvent.objects.filter(verb="privacy.export")
    assert sorted(e.data["format"] for e in events) == ["html", "json", "pdf"]
    for event in AuditEvent.objects.filter(verb__startswith="privacy."):
        text = json.dumps(event.data) + event.target_label
        assert not any(word in text for word in PERSONAL)


def test_a_bad_status_link_saves_and_sends_nothing(parent):
    mail.outbox.clear()
    bad = _ask(Client(), status_token(parent)[:-3] + "abc")
    assert bad.status_code == 302
    # The status page's own answer to a wrong link, not a 500.
    assert Client().get(bad["Location"]).status_code == 400
    assert RightRequest.objects.count() == 0
    assert not mail.outbox


def test_asking_too_often_gives_the_same_answer(parent):
    answers = set()
    for _ in range(services_access.REQUESTS_PER_HOUR + 2):
        client = Client()
        response = _ask(client, status_token(parent))
        answers.add(
            "U krijgt binnen een paar minuten"
            in client.get(response["Location"]).content.decode()
        )
    assert answers == {True}
    assert RightRequest.objects.count() == 1


def test_asking_again_replaces_the_link_of_the_open_request(parent):
    _ask(Client(), status_token(parent))
    first = RightRequest.objects.get().token_hash
    _ask(Client(), status_token(parent))
    assert RightRequest.objects.count() == 1
    assert RightRequest.objects.get().token_hash != first


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 300, "%00"])
def test_a_wrong_download_link_gets_the_neutral_page(parent, token):
    response = Client().get(reverse("privacy:download", args=[token]) + "?formaat=json")
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()


def test_an_expired_download_link_gets_the_neutral_page(parent):
    mail.outbox.clear()
    _ask(Client(), status_token(parent))
    path = _link_from_mail()
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = Client().get(path + "?formaat=json")
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()
    assert RightRequest.objects.get().status == RightStatus.OPEN


def test_the_download_takes_only_get(parent):
    assert Client().post(reverse("privacy:download", args=["x"])).status_code == 405
    response = Client().get(reverse("privacy:status_request", args=["x"]))
    assert response.status_code == 405


# --- The buddy ---------------------------------------------------------------------------


@pytest.fixture
def bea(cora):
    return buddy_membership(matchable_buddy(cora.organisation))


def test_the_buddy_sees_and_downloads_their_own_data(bea):
    client = signed_in_client(bea.user, verified=False)
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert "Bea Buddy" in page.content.decode()
    json_response = client.get(reverse("privacy:my_data") + "?formaat=json")
    assert json.loads(json_response.content)["kind"] == "buddy"
    rights = RightRequest.objects.filter(channel="portal")
    assert rights.count() == 2
    assert {r.status for r in rights} == {RightStatus.DONE}
    assert AuditEvent.objects.filter(verb="privacy.export").count() == 2


def test_my_data_is_for_buddies_only(cora_client, ben_client, client):
    url = reverse("privacy:my_data")
    assert client.get(url).status_code == 302
    assert cora_client.get(url).status_code == 403
    # Ben has an account but no buddy record: nothing to show.
    assert ben_client.get(url).status_code == 404


# --- The coordinator ---------------------------------------------------------------------


def test_the_list_shows_open_requests_with_their_deadline_in_words(
    cora, cora_client, parent
):
    _ask(Client(), status_token(parent))
    RightRequest.objects.update(due_on=timezone.localdate() - dt.timedelta(days=2))
    body = cora_client.get(reverse("privacy:right_requests")).content.decode()
    assert parent.reference in body
    assert "te laat" in body and "ob-overdue" in body
    start = cora_client.get(reverse("dashboard:start")).content.decode()
    assert "1 open verzoek" in start and "(te laat)" in start


def test_the_coordinator_makes_the_export_of_a_parent_by_reference(
    cora, cora_client, parent
):
    _ask(Client(), status_token(parent))
    response = cora_client.post(
        reverse("privacy:make_export"),
        {"ouder-kind": "parent", "ouder-reference": parent.reference.lower()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:export_request", args=[parent.pk])
    right = RightRequest.objects.get()
    assert right.status == RightStatus.DONE and right.done_by_id == cora.user_id
    page = cora_client.get(response["Location"])
    assert page.status_code == 200 and "Sanne Jansen" in page.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.export", actor=cora.user).exists()


def test_the_open_requests_button_answers_that_request(cora_client, parent):
    _ask(Client(), status_token(parent))
    right = RightRequest.objects.get()
    response = cora_client.post(
        reverse("privacy:make_export"), {"right_request": str(right.pk)}
    )
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.status == RightStatus.DONE


def test_a_buddy_and_a_staff_member_by_the_lists(cora, cora_client, bea):
    page = cora_client.get(reverse("privacy:right_requests")).content.decode()
    assert "Bea Buddy" in page and "Cora Coördinator (Coördinator)" in page
    response = cora_client.post(
        reverse("privacy:make_export"),
        {
            "buddy-kind": "buddy",
            "buddy-person": str(Buddy.objects.get(user=bea.user).pk),
        },
    )
    assert response.status_code == 302
    assert cora_client.get(response["Location"]).status_code == 200
    response = cora_client.post(
        reverse("privacy:make_export"),
        {"medewerker-kind": "staff", "medewerker-person": str(cora.pk)},
    )
    assert response.status_code == 302
    assert cora_client.get(response["Location"] + "?formaat=json").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"ouder-kind": "parent", "ouder-reference": "HV-NIETS"},
        {"ouder-kind": "parent", "ouder-reference": ""},
        {"buddy-kind": "buddy", "buddy-person": "not-an-id"},
        {"medewerker-kind": "staff", "medewerker-person": ""},
    ],
)
def test_bad_input_gets_a_dutch_message_and_saves_nothing(cora_client, parent, data):
    before = AuditEvent.objects.count()
    response = cora_client.post(reverse("privacy:make_export"), data)
    assert response.status_code == 400
    assert "utrecht-form-field-error-message" in response.content.decode() or (
        "Kies" in response.content.decode()
    )
    assert AuditEvent.objects.count() == before


def test_no_choice_at_all_is_a_message(cora_client):
    response = cora_client.post(reverse("privacy:make_export"), {}, follow=True)
    assert "Kies eerst van wie" in response.content.decode()


def test_access_rules_of_the_coordinator_pages(
    cora, parent, bea, client, ben_client, olga_client, mia_client
):
    pages = [
        reverse("privacy:right_requests"),
        reverse("privacy:export_request", args=[parent.pk]),
        reverse("privacy:export_buddy", args=[Buddy.objects.get(user=bea.user).pk]),
        reverse("privacy:export_staff", args=[cora.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 302
        assert ben_client.get(url).status_code == 403
        assert mia_client.get(url).status_code == 403
    for url in pages[1:]:
        assert olga_client.get(url).status_code == 404
        assert olga_client.get(url + "?formaat=json").status_code == 404
    assert signed_in_client(cora.user).post(pages[0]).status_code == 405
    make = reverse("privacy:make_export")
    assert client.post(make).status_code == 302
    assert ben_client.post(make).status_code == 403
    assert signed_in_client(cora.user).get(make).status_code == 405
    right = RightRequest.objects.create(
        organisation=parent.organisation,
        kind="access",
        subject_type="intake.helprequest",
        subject_id=str(parent.pk),
        subject_label=parent.reference,
        due_on=timezone.localdate(),
        channel="letter",
    )
    assert olga_client.post(make, {"right_request": str(right.pk)}).status_code == 404
    assert olga_client.post(make, {"right_request": "nope"}).status_code == 404
    other = olga_client.post(
        make, {"ouder-kind": "parent", "ouder-reference": parent.reference}
    )
    assert other.status_code == 400
    right.refresh_from_db()
    assert right.status == RightStatus.OPEN
