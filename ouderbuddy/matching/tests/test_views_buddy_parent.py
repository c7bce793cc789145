"""The buddy's answer to a proposal, the parent's answer through the status link, and
the e-mails of the match steps."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.buddies import services as buddy_services
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching import services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db

QUESTION = "Mijn dochter zit sinds de herfstvakantie thuis."
SCHOOL = "Basisschool De Regenboog"
PHONE = "0612345678"
DEADLINE = timezone.localdate() + dt.timedelta(days=20)
# The child's name in the factory (not "Steunpunt Noord").
CHILD = re.compile(r"\bNoor\b")


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def post(client: Client, url: str, data: dict[str, str] | None = None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def parent_request(cora: Membership, **overrides) -> HelpRequest:
    values = {
        "question": QUESTION,
        "school_name": SCHOOL,
        "phone": PHONE,
        "deadline_on": DEADLINE,
        "deadline_kind": "objection",
    }
    values.update(overrides)
    return waiting_request(cora, **values)


@pytest.fixture
def ben_buddy(cora: Membership, ben: Membership) -> Buddy:
    return matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)


@pytest.fixture
def proposal(cora: Membership, ben_buddy: Buddy) -> Match:
    request = parent_request(cora)
    match = run(services.propose, actor=cora, request=request, buddy=ben_buddy)
    mail.outbox.clear()
    return match


def proposal_url(match: Match) -> str:
    return reverse("matching:proposal", args=[match.pk])


def status_url(request: HelpRequest) -> str:
    return reverse("intake:status", args=[intake_services.status_token(request)])


def answer_url(request: HelpRequest) -> str:
    return reverse(
        "matching:parent_answer", args=[intake_services.status_token(request)]
    )


def assert_no_inline_script(response) -> None:
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert " style=" not in body


# --- The buddy ----------------------------------------------------------------------


class TestBuddyAccess:
    def test_anonymous_goes_to_login(self, proposal):
        for url in (reverse("matching:proposals"), proposal_url(proposal)):
            for method in ("get", "post"):
                response = getattr(Client(), method)(url)
                assert response["Location"].startswith(reverse("accounts:login"))

    def test_coordinators_get_403(self, proposal, cora_client, olga_client):
        for client in (cora_client, olga_client):
            assert client.get(reverse("matching:proposals")).status_code == 403
            assert client.get(proposal_url(proposal)).status_code == 403
            assert (
                client.post(proposal_url(proposal), {"answer": "accept"}).status_code
                == 403
            )
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.PROPOSED

    def test_another_buddys_match_is_404(self, cora, ben_buddy, ben_client):
        bea = matchable_buddy(cora.organisation, "Bea Buddy")
        match = run(
            services.propose, actor=cora, request=parent_request(cora), buddy=bea
        )
        assert ben_client.get(proposal_url(match)).status_code == 404
        assert (
            post(ben_client, proposal_url(match), {"answer": "accept"}).status_code
            == 404
        )
        match.refresh_from_db()
        assert match.status == MatchStatus.PROPOSED
        missing = reverse(
            "matching:proposal", args=["00000000-0000-0000-0000-000000000000"]
        )
        assert ben_client.get(missing).status_code == 404
        # Bea herself sees it.
        bea_client = signed_in_client(bea.user, verified=False)
        assert bea_client.get(proposal_url(match)).status_code == 200

    def test_a_buddy_without_a_buddy_record_gets_404(self, ben_client):
        assert ben_client.get(reverse("matching:proposals")).status_code == 404

    def test_the_list_refuses_post(self, ben_buddy, ben_client):
        assert ben_client.post(reverse("matching:proposals")).status_code == 405


class TestBuddyProposal:
    def test_the_profile_is_anonymous_and_shows_codes_with_consent(
        self, proposal, ben_client
    ):
        response = ben_client.get(proposal_url(proposal))
        body = response.content.decode()
        assert response.status_code == 200
        assert not CHILD.search(body)
        for hidden in (
            "Sanne",
            "Jansen",
            "sanne@example.nl",
            PHONE,
            SCHOOL,
            "herfstvakantie",
            "groep 6",
            DEADLINE.strftime("%d-%m-%Y"),
            proposal.request.reference,
        ):
            assert hidden not in body, hidden
        for shown in (
            "Amsterdam",
            " km",
            "Nederlands",
            "Telefoon",
            "Mee naar gesprekken op school",
            "Antwoord graag vóór",
            # With the consent to share: the codes, the kind of date, the fit.
            "Reguliere basisschool",
            "Thuiszitten of dreigend thuiszitten",
            "Angst, schoolangst of schoolweigering",
            "Termijn bezwaar",
            "Waarom wij aan u denken",
            "U heeft zelf ervaring met: ",
            "km van de ouder.",
            "U wilt allebei contact via: telefoon, mee naar gesprekken op school.",
            'name="answer" value="accept"',
            'name="reason"',
            "csrfmiddlewaretoken",
        ):
            assert shown in body, shown
        assert_no_inline_script(response)

    def test_without_the_share_consent_no_codes(self, cora, ben_buddy, ben_client):
        request = parent_request(cora, consent_share=False)
        match = run(services.propose, actor=cora, request=request, buddy=ben_buddy)
        body = ben_client.get(proposal_url(match)).content.decode()
        assert "Amsterdam" in body
        assert "Nederlands" in body
        assert "De ouder wil niet dat we vooraf delen" in body
        for hidden in (
            "Thuiszitten",
            "Angst, schoolangst",
            "Reguliere basisschool",
            "Termijn bezwaar",
            "Belangrijke datum",
            "zelfde ervaring",
            "U heeft zelf ervaring",
        ):
            assert hidden not in body, hidden
        # The reasons that speak for the buddy are still there.
        assert "km van de ouder." in body

    def test_the_buddy_reads_only_what_speaks_for_them(self, cora, ben, ben_client):
        """No shared experience, another language, no contact mode in common (the
        parent named none): never a missing point ("geen gedeelde ervaring"), only
        plain reasons that are true."""
        buddy = matchable_buddy(
            cora.organisation,
            "Ben Buddy",
            user=ben.user,
            codes=(),
            languages=["nl", "ar"],
            contact_modes=["video"],
        )
        request = parent_request(cora, languages=["ar", "nl"], contact_modes=[])
        match = run(services.propose, actor=cora, request=request, buddy=buddy)
        body = ben_client.get(proposal_url(match)).content.decode()
        for negative in ("geen gedeelde ervaring", "nee", "Waarom u past", "–"):
            assert (
                negative
                not in body.split("Waarom wij aan u denken")[1].split("Uw antwoord")[0]
            ), negative
        assert "U heeft zelf ervaring" not in body
        assert "U spreekt arabisch, net als de ouder." in body
        assert "U wilt allebei contact via" not in body
        assert "km van de ouder." in body

    def test_the_list_and_the_start_page_show_the_proposal(self, proposal, ben_client):
        body = ben_client.get(reverse("matching:proposals")).content.decode()
        assert proposal_url(proposal) in body
        assert "Een ouder in Amsterdam" in body
        assert "U heeft nu geen lopende koppelingen." in body
        start = ben_client.get(reverse("dashboard:start")).content.decode()
        assert "Een ouder zoekt een buddy" in start
        assert proposal_url(proposal) in start
        assert reverse("matching:proposals") in start

    def test_the_start_page_without_proposals(self, ben_buddy, ben_client):
        start = ben_client.get(reverse("dashboard:start")).content.decode()
        assert "Een ouder zoekt een buddy" not in start
        assert reverse("matching:proposals") in start

    def test_accept(self, proposal, ben_client, cora):
        response = post(ben_client, proposal_url(proposal), {"answer": "accept"})
        assert response.status_code == 302
        assert response["Location"] == reverse("matching:proposals")
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.ACCEPTED
        to_parent = [m for m in mail.outbox if m.to == ["sanne@example.nl"]]
        assert len(to_parent) == 1
        assert "Ben wil uw buddy zijn" in to_parent[0].body
        assert any(cora.user.email in m.to for m in mail.outbox)
        listing = ben_client.get(response["Location"]).content.decode()
        assert "We vragen nu de ouder" in listing
        assert "Er wacht nu niets op uw antwoord." in listing
        assert proposal_url(proposal) in listing
        page = ben_client.get(proposal_url(proposal)).content.decode()
        assert "Wat gebeurt er nu?" in page
        assert "We vragen de ouder of die het goed vindt." in page
        assert "plant de coördinator een kennismaking" in page
        assert 'value="accept"' not in page

    def test_decline_with_a_reason(self, proposal, ben_client, cora):
        response = post(
            ben_client,
            proposal_url(proposal),
            {"answer": "decline", "reason": "no_time", "note": "Drukke maand."},
        )
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.DECLINED
        assert proposal.decline_reason == "no_time"
        assert proposal.decline_note == "Drukke maand."
        proposal.request.refresh_from_db()
        assert proposal.request.status == RequestStatus.WAITING
        assert [m.to for m in mail.outbox] == [[cora.user.email]]
        page = ben_client.get(proposal_url(proposal)).content.decode()
        assert "U heeft nee gezegd" in page
        # Nothing about the parent once the proposal is over.
        assert "Amsterdam" not in page

    def test_decline_without_a_reason_changes_nothing(self, proposal, ben_client):
        response = post(
            ben_client, proposal_url(proposal), {"answer": "decline", "note": "Kort"}
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert "Kies een reden." in body
        assert "Kort</textarea>" in body
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.PROPOSED
        assert proposal.request.status == RequestStatus.MATCHING
        assert not mail.outbox

    def test_a_note_over_300_characters_is_refused(self, proposal, ben_client):
        response = post(
            ben_client,
            proposal_url(proposal),
            {"answer": "decline", "reason": "other", "note": "x" * 301},
        )
        assert response.status_code == 400
        assert "hoogstens 300 tekens" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.PROPOSED

    def test_no_answer_is_400(self, proposal, ben_client):
        response = post(ben_client, proposal_url(proposal), {"answer": "maybe"})
        assert response.status_code == 400
        assert "Kies ja of nee." in response.content.decode()

    def test_answering_twice_is_400(self, proposal, ben_client):
        post(ben_client, proposal_url(proposal), {"answer": "accept"})
        mail.outbox.clear()
        for data in (
            {"answer": "accept"},
            {"answer": "decline", "reason": "no_time"},
        ):
            response = post(ben_client, proposal_url(proposal), data)
            assert response.status_code == 400
            assert "U heeft al geantwoord" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.ACCEPTED
        assert not mail.outbox

    def test_a_paused_buddy_cannot_accept(self, proposal, ben, ben_buddy, ben_client):
        run(
            buddy_services.pause_buddy,
            actor=ben,
            buddy=ben_buddy,
            until=timezone.localdate() + dt.timedelta(days=14),
        )
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.CANCELLED
        page = ben_client.get(proposal_url(proposal)).content.decode()
        assert "Dit voorstel loopt niet meer." in page
        assert 'value="accept"' not in page
        response = post(ben_client, proposal_url(proposal), {"answer": "accept"})
        assert response.status_code == 400
        assert "loopt niet meer" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.CANCELLED
        listing = ben_client.get(reverse("matching:proposals")).content.decode()
        assert proposal_url(proposal) not in listing


# --- The parent ---------------------------------------------------------------------


@pytest.fixture
def accepted(proposal: Match) -> Match:
    match = run(services.accept, actor=buddy_membership(proposal.buddy), match=proposal)
    mail.outbox.clear()
    return match


class TestParent:
    def test_while_the_buddy_decides_no_name(self, proposal):
        body = Client().get(status_url(proposal.request)).content.decode()
        assert "Uw buddy" in body
        assert "We hebben een buddy gevraagd" in body
        # The buddy's name, not the consent's "Ben ik 16 jaar of ouder?".
        assert re.search(r"\bBen\b(?! ik\b)", body) is None
        assert answer_url(proposal.request) not in body

    def test_the_parent_sees_the_buddy_after_accept(self, accepted):
        # The page's answer link and ours are signed in the same second (a token
        # holds its time of signing: one made a second later differs).
        with time_machine.travel(timezone.now(), tick=False):
            response = Client().get(status_url(accepted.request))
            link = answer_url(accepted.request)
        body = response.content.decode()
        assert "Uw buddy" in body
        assert "Ben wil graag uw buddy zijn." in body
        assert "Ben Buddy" not in body
        assert "mijn zoon zat een jaar thuis" in body
        assert link in body
        assert 'value="agree"' in body
        assert 'for="id_parent_note"' in body
        assert "csrfmiddlewaretoken" in body
        assert_no_inline_script(response)

    def test_the_parent_agrees(self, accepted, cora):
        client = Client()
        # One token for both URLs: a token made a second later differs.
        token = intake_services.status_token(accepted.request)
        url = reverse("matching:parent_answer", args=[token])
        response = post(client, url, {"answer": "agree"})
        assert response.status_code == 302
        assert response["Location"] == reverse("intake:status", args=[token])
        accepted.refresh_from_db()
        assert accepted.status == MatchStatus.AGREED
        assert any(cora.user.email in m.to for m in mail.outbox)
        to_buddy = [m for m in mail.outbox if m.to == [accepted.buddy.email]]
        assert "de ouder is akkoord" in to_buddy[0].body
        page = client.get(response["Location"]).content.decode()
        assert "De coördinator plant een kennismaking" in page
        assert 'value="agree"' not in page

    def test_the_parent_declines(self, accepted, cora):
        response = post(
            Client(),
            answer_url(accepted.request),
            {"answer": "decline", "note": "Liever iemand dichterbij."},
        )
        assert response.status_code == 302
        accepted.refresh_from_db()
        assert accepted.status == MatchStatus.PARENT_DECLINED
        assert accepted.decline_note == "Liever iemand dichterbij."
        request = HelpRequest.objects.get(pk=accepted.request_id)
        assert request.status == RequestStatus.WAITING
        assert any(cora.user.email in m.to for m in mail.outbox)
        assert any(m.to == [accepted.buddy.email] for m in mail.outbox)
        page = Client().get(status_url(request)).content.decode()
        assert "Uw buddy" not in page
        assert "Op de wachtlijst" in page

    def test_nothing_waiting_for_the_parent_is_400(self, proposal):
        response = post(Client(), answer_url(proposal.request), {"answer": "agree"})
        assert response.status_code == 400
        assert "geen buddy die op uw antwoord wacht" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == MatchStatus.PROPOSED

    def test_no_choice_and_a_long_note_are_400(self, accepted):
        url = answer_url(accepted.request)
        assert post(Client(), url, {"answer": "?"}).status_code == 400
        long = post(Client(), url, {"answer": "decline", "note": "x" * 301})
        assert long.status_code == 400
        assert "hoogstens 300 tekens" in long.content.decode()
        accepted.refresh_from_db()
        assert accepted.status == MatchStatus.ACCEPTED

    def test_a_tampered_token_is_400_and_get_is_405(self, accepted):
        token = intake_services.status_token(accepted.request)
        url = reverse("matching:parent_answer", args=[token[:-3] + "abc"])
        response = post(Client(), url, {"answer": "agree"})
        assert response.status_code == 400
        assert "Deze link klopt niet" in response.content.decode()
        accepted.refresh_from_db()
        assert accepted.status == MatchStatus.ACCEPTED
        assert Client().get(answer_url(accepted.request)).status_code == 405

    def test_the_answer_page_is_private(self, accepted):
        response = post(Client(), answer_url(accepted.request), {"answer": "?"})
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]

    def test_the_form_passes_the_csrf_check(self, accepted):
        client = Client(enforce_csrf_checks=True)
        page = client.get(status_url(accepted.request)).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        forged = Client(enforce_csrf_checks=True).post(
            answer_url(accepted.request), {"answer": "agree"}
        )
        assert forged.status_code == 403
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                answer_url(accepted.request),
                {"answer": "agree", "csrfmiddlewaretoken": token.group(1)},
                HTTP_ORIGIN="http://testserver",
            )
        assert response.status_code == 302

    def test_planned_and_active(self, accepted, cora):
        run(services.parent_agrees, request=accepted.request, match=accepted)
        at = timezone.now() + dt.timedelta(days=3)
        run(
            services.plan_introduction,
            actor=cora,
            match=accepted,
            at=at,
            mode="in_person",
            place="Bibliotheek Centrum",
            coordinator_present=True,
        )
        body = Client().get(status_url(accepted.request)).content.decode()
        assert "Op een plek afspreken" in body
        assert "Bibliotheek Centrum" in body
        assert "Is de coördinator erbij?" in body
        buddy_page = signed_in_client(accepted.buddy.user, verified=False).get(
            proposal_url(accepted)
        )
        assert "Bibliotheek Centrum" in buddy_page.content.decode()
        # The introduction took place.
        Match.objects.filter(pk=accepted.pk).update(introduction_at=timezone.now())
        run(
            services.activate,
            actor=cora,
            match=accepted,
            started_on=timezone.localdate(),
        )
        body = Client().get(status_url(accepted.request)).content.decode()
        assert "Gekoppeld aan een buddy" in body
        assert "U heeft een buddy." in body
        assert "is sinds" in body
        assert "Hulpvraag stoppen" not in body


# --- E-mails ------------------------------------------------------------------------


def test_every_email_renders_without_the_childs_name_or_the_question(cora, ben):
    bea = matchable_buddy(cora.organisation, "Bea Buddy", max_matches=3)
    first = parent_request(cora)
    second = parent_request(cora, email="tweede@example.nl")
    mail.outbox.clear()

    # Proposed, accepted, agreed, introduction, active.
    match = run(services.propose, actor=cora, request=first, buddy=bea)
    match = run(services.accept, actor=buddy_membership(bea), match=match)
    match = run(services.parent_agrees, request=first, match=match)
    at = timezone.now() + dt.timedelta(days=2)
    match = run(
        services.plan_introduction, actor=cora, match=match, at=at, mode="video"
    )
    Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
    run(services.activate, actor=cora, match=match, started_on=timezone.localdate())

    # The buddy says no while another buddy could help: that buddy is suggested.
    ben_buddy = matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)
    match = run(services.propose, actor=cora, request=second, buddy=bea)
    run(services.decline, actor=buddy_membership(bea), match=match, reason="too_far")

    # The parent would rather have someone else; the buddy is told it stops.
    match = run(services.propose, actor=cora, request=second, buddy=ben_buddy)
    match = run(services.accept, actor=ben, match=match)
    run(services.parent_declines, request=second, match=match, note="")

    sent = list(mail.outbox)
    subjects = [m.subject for m in sent]
    for expected in (
        "Een ouder zoekt een buddy: wilt u helpen?",
        "Wij hebben een buddy voor u",
        "De ouder is akkoord",
        "Kennismaking met uw buddy",
        "Kennismaking met de ouder",
        "Uw buddy is gestart",
        "De koppeling is gestart",
        "Het voorstel gaat niet door",
        f"Buddy zegt nee: {second.reference}",
        f"Ouder wil een andere buddy: {second.reference}",
    ):
        assert expected in subjects, expected
    for message in sent:
        assert not CHILD.search(message.body), message.subject
        assert "herfstvakantie" not in message.body, message.subject
        assert SCHOOL not in message.body, message.subject
        assert "{{" not in message.body and "{%" not in message.body
        if message.subject != "Het voorstel gaat niet door":
            assert "http://" in message.body or "https://" in message.body
        if message.to != ["sanne@example.nl"] and message.to != ["tweede@example.nl"]:
            assert "Sanne" not in message.body, message.subject

    def body(subject: str, to: str) -> str:
        return next(m.body for m in sent if m.subject == subject and m.to == [to])

    proposed = body("Een ouder zoekt een buddy: wilt u helpen?", bea.email)
    assert proposed.startswith("Beste Bea,")
    assert "Steunpunt Noord" in proposed
    assert "3 dagen" in proposed
    found = body("Wij hebben een buddy voor u", "sanne@example.nl")
    assert "Beste Sanne," in found
    assert "Bea wil uw buddy zijn" in found
    assert "mijn zoon zat een jaar thuis" in found
    assert "Bea Buddy" not in found
    assert "Videobellen" in body("Kennismaking met uw buddy", "sanne@example.nl")
    assert "met de ouder is gepland" in body("Kennismaking met de ouder", bea.email)
    declined = body(f"Buddy zegt nee: {second.reference}", cora.user.email)
    assert "Wie nu het best past: Ben Buddy" in declined
    parent_declined = body(
        f"Ouder wil een andere buddy: {second.reference}", cora.user.email
    )
    # Bea said no before and Ben was just turned down: nobody else can.
    assert "Er is nu geen andere buddy die kan." in parent_declined
    cancelled = body("Het voorstel gaat niet door", ben.user.email)
    assert "gaat niet door" in cancelled
    assert "Liever" not in cancelled
