"""The public intake: the parent's steps, the status page and the new-link form."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.intake import services
from ouderbuddy.intake.draft import SESSION_KEY, start_for_referral
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.tests.factories import submit, young_birth_date
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.privacy.consent_texts import (
    REQUEST_PROCESSING,
    RESEARCH,
    SHARE_WITH_BUDDY,
)
from ouderbuddy.privacy.models import Consent

pytestmark = pytest.mark.django_db

STEPS = ["wie", "contact", "kind", "situatie", "voorkeuren"]
QUESTION = (
    "Mijn dochter zit sinds de herfstvakantie thuis. School zegt dat ze vol zitten."
)
STEP_DATA: dict[str, dict[str, Any]] = {
    "wie": {"asker": "parent", "postcode": "1012 AB"},
    "contact": {
        "full_name": "Sanne Jansen",
        "email": "sanne@example.nl",
        "phone": "06 12345678",
        "preferred_contact": "phone",
    },
    "kind": {
        "child_name": "Noor",
        "child_birth_year": "2015",
        "child_grade": "groep 6",
        "route_codes": ["route.po_regular"],
        "school_name": "",
    },
    "situatie": {
        "issue_codes": ["issue.out_of_school"],
        "need_codes": ["need.undiagnosed"],
        "question": QUESTION,
        "deadline_on": "",
        "deadline_kind": "",
        "out_of_school": "on",
    },
    "voorkeuren": {
        "languages": ["ar", "nl"],
        "contact_modes": ["phone", "school_meeting"],
        "buddy_gender": "female",
        "max_distance_km": "15",
    },
}
CONSENTS = {"consent_processing": "on", "consent_share": "on", "website": ""}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def noord(cora: Any) -> Organisation:
    """Steunpunt Noord serves Amsterdam's districts, so postcode 1012 goes there."""
    cora.organisation.districts.set(["PO2707", "VO2708"])
    return cora.organisation


def step_url(step: str) -> str:
    return reverse("intake:step", args=[step])


def assert_no_inline_script(response: Any) -> None:
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.findall(body)


def fill(client: Client, *, until: str | None = None, **changes: dict[str, Any]):
    """Post the steps in order (up to, not including, `until`), each one valid."""
    for step in STEPS:
        if step == until:
            break
        response = client.post(
            step_url(step), {**STEP_DATA[step], **changes.get(step, {})}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


def send(client: Client, data: dict[str, str] | None = None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(step_url("controleren"), data or CONSENTS)


def draft_values(client: Client) -> dict[str, Any]:
    return client.session.get(SESSION_KEY, {}).get("values", {})


# --- The whole way through ----------------------------------------------------------


def test_the_whole_way_through_creates_one_request(noord, cora):
    client = Client()
    start = client.get(reverse("intake:start"))
    assert start.status_code == 200
    assert_no_inline_script(start)
    for number, step in enumerate(STEPS, start=1):
        page = client.get(step_url(step))
        assert page.status_code == 200
        assert f"Stap {number} van 6" in page.content.decode()
        assert_no_inline_script(page)
        fill_one = client.post(step_url(step), STEP_DATA[step])
        assert fill_one.status_code == 302
    check = client.get(step_url("controleren"))
    body = check.content.decode()
    assert check.status_code == 200
    assert "Stap 6 van 6" in body
    for shown in ("Sanne Jansen", "Noor", "Reguliere basisschool", "Steunpunt Noord"):
        assert shown in body
    assert f"{step_url('kind')}?controleren=1" in body  # "Wijzigen" goes to the step
    for text in (REQUEST_PROCESSING, SHARE_WITH_BUDDY, RESEARCH):
        assert str(text.text) in body
    assert not re.search(r'name="consent_\w+"[^>]*\bchecked\b', body)  # unticked
    assert_no_inline_script(check)

    mail.outbox.clear()
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:done")

    request = HelpRequest.objects.get()
    assert request.organisation == noord
    assert request.full_name == "Sanne Jansen"
    assert request.postcode_id == "1012"
    assert request.child_birth_year == 2015
    assert request.child_grade == "groep 6"
    assert request.question == QUESTION
    assert request.out_of_school is True
    assert request.languages == ["nl", "ar"]
    assert request.contact_modes == ["phone", "school_meeting"]
    assert request.buddy_gender == "female"
    assert request.max_distance_km == 15
    assert request.share_with_buddy is True
    assert set(request.codes.values_list("code", flat=True)) == {
        "route.po_regular",
        "issue.out_of_school",
        "need.undiagnosed",
    }
    consents = Consent.objects.filter(subject_id=str(request.pk))
    assert set(consents.values_list("purpose", flat=True)) == {
        "request_processing",
        "share_with_buddy",
    }
    assert SESSION_KEY not in client.session

    done = client.get(reverse("intake:done"))
    assert request.reference in done.content.decode()
    assert "e-mail" in done.content.decode()
    assert_no_inline_script(done)

    parent_mail = next(m for m in mail.outbox if m.to == ["sanne@example.nl"])
    link = re.search(r"https?://\S+/hulpvraag/status/\S+/", parent_mail.body)
    assert link, parent_mail.body
    assert any(cora.user.email in m.to for m in mail.outbox)
    status = client.get(link.group(0))
    assert status.status_code == 200
    assert request.reference in status.content.decode()


def test_a_young_person_of_sixteen_asks_for_themselves(noord):
    client = Client()
    today = timezone.localdate()
    fill(
        client,
        until="kind",
        wie={
            "asker": "young_person",
            "young_person_birth_date": young_birth_date(16, today).isoformat(),
        },
    )
    page = client.get(step_url("kind"))
    assert "Je voornaam of voorletters" in page.content.decode()
    assert 'name="child_birth_year"' not in page.content.decode()
    child = {**STEP_DATA["kind"]}
    del child["child_birth_year"]
    assert client.post(step_url("kind"), child).status_code == 302
    for step in ("situatie", "voorkeuren"):
        assert client.post(step_url(step), STEP_DATA[step]).status_code == 302
    assert send(client).status_code == 302
    request = HelpRequest.objects.get()
    assert request.asker == "young_person"
    assert request.child_birth_year == today.year - 16


def test_a_young_person_of_fifteen_is_told_kindly_on_the_step(noord):
    client = Client()
    fifteen = young_birth_date(16, timezone.localdate()) + dt.timedelta(days=1)
    response = client.post(
        step_url("wie"),
        {
            "asker": "young_person",
            "young_person_birth_date": fifteen.isoformat(),
            "postcode": "1012 AB",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kindertelefoon" in body
    assert "young_person_birth_date_error" in body  # the error sits at the field
    assert f'value="{fifteen.isoformat()}"' in body
    assert not HelpRequest.objects.exists()


# --- Going back and errors ----------------------------------------------------------


def test_going_back_keeps_what_was_typed(noord):
    client = Client()
    fill(client, until="kind")
    typed = {**STEP_DATA["kind"], "child_birth_year": "20x5", "action": "back"}
    response = client.post(step_url("kind"), typed)
    assert response.status_code == 302
    assert response["Location"] == step_url("contact")
    contact = client.get(step_url("contact")).content.decode()
    assert 'value="Sanne Jansen"' in contact
    assert 'value="sanne@example.nl"' in contact
    child = client.get(step_url("kind")).content.decode()
    assert 'value="Noor"' in child
    assert 'value="20x5"' in child  # kept as typed, though not valid yet
    assert re.search(r'<input[^>]*value="route\.po_regular"[^>]*\bchecked\b', child)
    # The first step goes back to the start page.
    assert client.post(step_url("wie"), {"action": "back"})["Location"] == reverse(
        "intake:start"
    )


def test_errors_keep_what_was_typed_and_save_nothing(noord):
    client = Client()
    fill(client, until="contact")
    response = client.post(
        step_url("contact"),
        {"full_name": "Sanne Jansen", "email": "sanne@", "preferred_contact": "phone"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Er is iets niet goed ingevuld" in body
    assert 'value="Sanne Jansen"' in body
    assert 'value="sanne@"' in body
    assert "Vul uw telefoonnummer in" in body  # phone is needed when they want a call
    assert_no_inline_script(response)
    assert "email" not in draft_values(client)
    assert not HelpRequest.objects.exists()
    # A later step cannot be skipped to.
    skipped = client.get(step_url("situatie"))
    assert skipped.status_code == 302
    assert skipped["Location"] == step_url("contact")


def test_an_over_long_question_is_refused_and_kept(noord):
    client = Client()
    fill(client, until="situatie")
    too_long = "x" * 2001
    response = client.post(
        step_url("situatie"), {**STEP_DATA["situatie"], "question": too_long}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Uw tekst is te lang" in body
    assert too_long in body
    assert "question" not in draft_values(client)


def test_a_date_needs_its_kind(noord):
    client = Client()
    fill(client, until="situatie")
    soon = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        step_url("situatie"), {**STEP_DATA["situatie"], "deadline_on": soon}
    )
    assert response.status_code == 400
    assert "Kies wat voor datum het is" in response.content.decode()
    response = client.post(
        step_url("situatie"),
        {**STEP_DATA["situatie"], "deadline_on": soon, "deadline_kind": "objection"},
    )
    assert response.status_code == 302


def test_unknown_and_malformed_postcodes_are_explained_at_the_field(noord):
    client = Client()
    for postcode, message in (
        ("1000", "We kennen postcode 1000 niet"),
        ("12 AB", "Deze postcode klopt niet"),
    ):
        response = client.post(
            step_url("wie"), {"asker": "parent", "postcode": postcode}
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert message in body
        assert "postcode_error" in body
        assert f'value="{postcode}"' in body


@pytest.mark.parametrize("postcode", ["3198", "9711"])
def test_a_postcode_no_support_point_serves_explains_where_to_go(noord, postcode):
    client = Client()
    response = client.post(step_url("wie"), {"asker": "parent", "postcode": postcode})
    body = response.content.decode()
    assert response.status_code == 200
    assert "onderwijsconsulent" in body
    assert "088-605 01 01" in body
    assert_no_inline_script(response)
    # The parent cannot go on without a support point.
    assert client.get(step_url("contact"))["Location"] == step_url("wie")


def test_two_support_points_for_one_postcode_the_parent_chooses(noord):
    west = Organisation.objects.create(name="Steunpunt West")
    west.districts.set(["PO2707"])
    client = Client()
    first = client.post(step_url("wie"), STEP_DATA["wie"])
    body = first.content.decode()
    assert first.status_code == 200
    assert "Kies hieronder" in body
    assert "Steunpunt West" in body
    assert "Steunpunt Noord" in body
    nothing_chosen = client.post(step_url("wie"), {**STEP_DATA["wie"], "choosing": "1"})
    assert nothing_chosen.status_code == 400
    assert "Kies het steunpunt" in nothing_chosen.content.decode()
    chosen = client.post(
        step_url("wie"),
        {**STEP_DATA["wie"], "choosing": "1", "organisation": str(west.pk)},
    )
    assert chosen.status_code == 302
    fill(client, wie={"choosing": "1", "organisation": str(west.pk)})
    assert send(client).status_code == 302
    assert HelpRequest.objects.get().organisation == west


def test_a_referred_parent_finishes_at_the_support_point_the_professional_chose(noord):
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = services.submit_professional_referral(
            organisation=noord,
            referrer_name="Els de Vries",
            referrer_organisation="De Regenboog",
            referrer_role="Intern begeleider",
            referrer_email="ib@school.nl",
            parent_name="Sanne Jansen",
            parent_email="sanne@example.nl",
            reason="",
            parent_agreed=True,
        )
    client = Client()
    session = client.session
    start_for_referral(SimpleNamespace(session=session), referral)
    session.save()
    start = client.get(reverse("intake:start")).content.decode()
    assert "U bent doorverwezen naar Steunpunt Noord" in start
    # Another region's postcode: the professional already chose the support point.
    assert client.post(step_url("wie"), {"asker": "parent", "postcode": "9711"})[
        "Location"
    ] == step_url("contact")
    assert 'value="Sanne Jansen"' in client.get(step_url("contact")).content.decode()
    fill(client, wie={"postcode": "9711"})
    assert send(client).status_code == 302
    request = HelpRequest.objects.get()
    assert request.organisation == noord
    assert request.source == "professional"
    referral.refresh_from_db()
    assert referral.request == request
    assert referral.confirmed_at is not None


# --- Sending ------------------------------------------------------------------------


def test_without_the_required_consent_nothing_is_sent(noord):
    client = Client()
    fill(client)
    response = send(client, {"consent_share": "on", "consent_research": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Zonder deze toestemming kunnen we uw vraag niet behandelen" in body
    assert "consent_processing_error" in body
    assert not HelpRequest.objects.exists()
    assert draft_values(client)["full_name"] == "Sanne Jansen"  # nothing lost


def test_a_double_submit_gives_one_request(noord):
    client = Client()
    fill(client)
    # A second click reaches the server before the first answer: both requests carry
    # the same session, so the same draft and submission key.
    draft = client.session[SESSION_KEY]
    first = send(client, {**CONSENTS, "consent_research": "on"})
    session = client.session
    session[SESSION_KEY] = draft
    session.save()
    second = send(client, {**CONSENTS, "consent_research": "on"})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("intake:done")
    assert HelpRequest.objects.count() == 1
    assert Consent.objects.count() == 3
    # The browser's back button and "send" again: still one request.
    third = send(client)
    assert third["Location"] == reverse("intake:done")
    assert HelpRequest.objects.count() == 1


def test_the_honeypot_pretends_success_and_stores_nothing(noord):
    client = Client()
    fill(client)
    mail.outbox.clear()
    response = send(client, {**CONSENTS, "website": "https://spam.example"})
    assert response["Location"] == reverse("intake:done")
    assert not HelpRequest.objects.exists()
    assert not mail.outbox
    assert SESSION_KEY not in client.session
    assert client.get(reverse("intake:done")).status_code == 200


def test_the_rate_limit_is_explained_kindly(noord):
    for _ in range(services.REQUESTS_PER_ADDRESS_PER_DAY):
        submit(noord)
    client = Client()
    fill(client)
    response = send(client)
    assert response.status_code == 400
    assert "te veel hulpvragen" in response.content.decode()
    assert HelpRequest.objects.count() == services.REQUESTS_PER_ADDRESS_PER_DAY


def test_a_service_error_is_shown_at_its_step(noord, monkeypatch):
    client = Client()
    fill(client)

    def refuse(**kwargs: Any) -> None:
        raise DomainError("Uw tekst is te lang.", field="question")

    monkeypatch.setattr(services, "create_help_request", refuse)
    response = send(client)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Wat speelt er?" in body
    assert "question_error" in body
    assert QUESTION in body


def test_unknown_step_is_404(noord):
    assert Client().get(step_url("bestaat-niet")).status_code == 404


# --- The status page ----------------------------------------------------------------


def status_url(request: HelpRequest) -> str:
    return reverse("intake:status", args=[services.status_token(request)])


def test_the_status_page_shows_the_request_and_what_is_kept(noord):
    request = submit(noord, consent_research=True)
    response = Client().get(status_url(request))
    body = response.content.decode()
    assert response.status_code == 200
    for shown in (
        request.reference,
        "Sanne Jansen",
        "sanne@example.nl",
        "Noor",
        "groep 6",
        "Angst, schoolangst of schoolweigering",
        "Thuiszitten of dreigend thuiszitten",
        "sinds de herfstvakantie",
        "Samenvatting delen met een buddy",
        "Vragenlijsten en onderzoek",
        "Hulpvraag stoppen",
        "uiterlijk",
    ):
        assert shown in body, shown
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert_no_inline_script(response)
    assert Client().post(status_url(request)).status_code == 405


def test_the_status_page_explains_a_referral(noord, cora):
    from ouderbuddy.intake.models import OrganisationReferralTarget

    request = submit(noord)
    target = OrganisationReferralTarget.objects.create(
        organisation=noord,
        label_nl="Onderwijsconsulent",
        label_en="Consultant",
        contact="070-000 00 00",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_referral(
            actor=cora,
            request=request,
            target=target,
            reason="Uw vraag gaat over een geschil met school.",
        )
    body = Client().get(status_url(request)).content.decode()
    assert "Onderwijsconsulent" in body
    assert "070-000 00 00" in body
    assert "geschil met school" in body
    assert "Hulpvraag stoppen" not in body


def test_a_tampered_link_is_400_and_an_expired_one_410(noord):
    request = submit(noord)
    token = services.status_token(request)
    tampered = Client().get(reverse("intake:status", args=[token[:-3] + "abc"]))
    assert tampered.status_code == 400
    assert "Deze link klopt niet" in tampered.content.decode()
    assert_no_inline_script(tampered)
    later = timezone.now() + dt.timedelta(days=services.STATUS_LINK_DAYS + 1)
    with time_machine.travel(later):
        expired = Client().get(reverse("intake:status", args=[token]))
    body = expired.content.decode()
    assert expired.status_code == 410
    assert "verlopen" in body
    assert 'name="email"' in body
    assert reverse("intake:new_link") in body
    assert "no-store" in expired["Cache-Control"]


def test_the_parent_withdraws_the_request_after_confirming(noord, cora):
    request = submit(noord)
    client = Client()
    url = reverse("intake:status_withdraw", args=[services.status_token(request)])
    confirm = client.post(url)
    assert confirm.status_code == 200
    assert "Ja, stop mijn hulpvraag" in confirm.content.decode()
    assert_no_inline_script(confirm)
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert any(cora.user.email in m.to for m in mail.outbox)
    page = client.get(done["Location"]).content.decode()
    assert "gestopt" in page
    assert "Hulpvraag stoppen" not in page
    assert client.get(reverse("intake:status_withdraw", args=["x"])).status_code == 405


def test_withdrawing_the_share_consent_on_the_waiting_list_counts_at_once(noord, cora):
    request = submit(noord)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_to_matching(actor=cora, request=request)
    client = Client()
    url = reverse("intake:status_consent", args=[services.status_token(request)])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"purpose": "share_with_buddy"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING
    assert request.share_with_buddy is False
    consent = Consent.objects.get(
        subject_id=str(request.pk), purpose="share_with_buddy"
    )
    assert consent.withdrawn_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Dit geldt vanaf nu" in page
    assert "Ingetrokken op" in page
    again = client.post(url, {"purpose": "share_with_buddy"})
    assert again.status_code == 400
    assert client.post(url, {"purpose": "nonsense"}).status_code == 400


def test_withdrawing_the_processing_consent_stops_the_request_after_confirming(noord):
    request = submit(noord)
    client = Client()
    url = reverse("intake:status_consent", args=[services.status_token(request)])
    confirm = client.post(url, {"purpose": "request_processing"})
    assert confirm.status_code == 200
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"purpose": "request_processing", "confirm": "yes"})
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


# --- A new link ---------------------------------------------------------------------


def test_a_new_link_gives_the_same_answer_for_known_and_unknown_addresses(noord):
    submit(noord)
    answers = []
    bodies = []
    for address, mails in (("sanne@example.nl", 1), ("onbekend@example.nl", 0)):
        client = Client()
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("intake:new_link"), {"email": address})
        assert len(mail.outbox) == mails
        bodies += [m.body for m in mail.outbox]
        page = client.get(response["Location"])
        assert "Als we dit e-mailadres kennen" in page.content.decode()
        assert_no_inline_script(page)
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1]
    assert "/hulpvraag/status/" in bodies[0]


def test_the_new_link_form_checks_the_address_and_its_limit(noord):
    client = Client()
    page = client.get(reverse("intake:new_link"))
    assert page.status_code == 200
    assert_no_inline_script(page)
    bad = client.post(reverse("intake:new_link"), {"email": "sanne@"})
    assert bad.status_code == 400
    assert 'value="sanne@"' in bad.content.decode()
    for _ in range(5):
        client.post(reverse("intake:new_link"), {"email": "sanne@example.nl"})
    limited = client.post(reverse("intake:new_link"), {"email": "sanne@example.nl"})
    assert limited.status_code == 400
    assert "over een uur" in limited.content.decode()


def test_the_new_link_honeypot_sends_nothing(noord):
    submit(noord)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client().post(
            reverse("intake:new_link"),
            {"email": "sanne@example.nl", "website": "https://spam.example"},
        )
    assert response["Location"] == reverse("intake:new_link") + "?verstuurd=1"
    assert not mail.outbox


def test_status_page_forms_pass_the_csrf_check_with_the_origin_header(noord):
    """The page sends "strict-origin", so browsers keep the Origin header on its forms."""
    request = submit(noord)
    token = services.status_token(request)
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("intake:status", args=[token]))
    csrf = page.cookies["csrftoken"].value
    url = reverse("intake:status_consent", args=[token])
    forged = Client(enforce_csrf_checks=True).post(url, {"purpose": "research"})
    assert forged.status_code == 403
    response = client.post(
        url,
        {"purpose": "share_with_buddy", "csrfmiddlewaretoken": csrf},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
