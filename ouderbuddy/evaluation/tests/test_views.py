"""The questionnaire pages behind a link, and the coordinator's evaluation pages:
access, bad input, and what each shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.evaluation import services
from ouderbuddy.evaluation.models import (
    Invitation,
    InvitationStatus,
    QuestionnaireVersion,
    Response,
)
from ouderbuddy.evaluation.tests.factories import (
    answer_all,
    close,
    invitation,
    started,
)

pytestmark = pytest.mark.django_db


def _url(name, inv, *args):
    return reverse(f"evaluation:{name}", args=[services.token_for(inv), *args])


def test_a_parent_answers_page_by_page_and_can_come_back(cora):
    t0 = invitation(started(cora), "parent", "t0")
    client = Client()
    start = client.get(_url("answer", t0))
    assert start.status_code == 200
    assert "Begin" in start.content.decode()
    assert start["Referrer-Policy"] == "strict-origin"
    assert "no-cache" in start["Cache-Control"] or "max-age=0" in start["Cache-Control"]
    page = client.get(_url("page", t0, 1))
    assert page.status_code == 200
    assert "Pagina 1 van 3" in page.content.decode()
    saved = client.post(
        _url("page", t0, 1), {"wellbeing_1": "4", "voice_2": "2", "action": "later"}
    )
    assert saved.status_code == 302
    assert "bewaard" in client.get(saved["Location"]).content.decode()
    again = client.get(_url("answer", t0))
    assert "Verder waar ik was" in again.content.decode()
    shown = client.get(_url("page", t0, 1)).content.decode()
    assert (
        'value="4" class="utrecht-radio-button' in shown.replace("\n", " ")
        or 'value="4"' in shown
    )
    assert client.post(_url("page", t0, 1), {"action": "next"}).status_code == 302
    assert client.post(_url("page", t0, 2), {"action": "back"})["Location"].endswith(
        "/pagina/1/"
    )
    last = client.post(_url("page", t0, 3), {"stress_1": "3", "action": "next"})
    assert last.status_code == 302 and last["Location"].endswith("/klaar/")
    done = client.get(last["Location"])
    assert done.status_code == 200 and "Dank u wel" in done.content.decode()
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.ANSWERED
    # The link is spent: the questionnaire cannot be opened again.
    assert client.get(_url("page", t0, 1)).status_code == 410


@pytest.mark.parametrize(
    "data",
    [
        {"wellbeing_1": "9"},
        {"wellbeing_1": "-1"},
        {"wellbeing_1": "vier"},
        {"wellbeing_1": "4\x00"},
        {"wellbeing_1": "x" * 5000},
    ],
)
def test_bad_answers_give_a_dutch_error_and_save_nothing(cora, data):
    t0 = invitation(started(cora), "parent", "t0")
    response = Client().post(_url("page", t0, 1), {**data, "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    # A form error, or the control-character refusal of the whole request.
    assert "Er is iets niet goed ingevuld" in html or "niet verwerken" in html
    assert not Response.objects.filter(invitation=t0).exists()


def test_an_open_answer_that_is_too_long_is_refused(cora):
    match = started(cora)
    close(cora, match)
    t1 = invitation(match, "parent", "t1")
    response = Client().post(
        _url("page", t1, 4), {"helped": "x" * 1001, "action": "next"}
    )
    assert response.status_code == 400
    assert not Response.objects.filter(invitation=t1).exists()


def test_a_page_number_out_of_range_goes_to_the_start(cora):
    t0 = invitation(started(cora), "parent", "t0")
    assert Client().get(_url("page", t0, 9)).status_code == 302
    assert Client().post(_url("page", t0, 0), {}).status_code == 302


@pytest.mark.parametrize("name", ["answer", "decline", "done"])
def test_a_tampered_link_gets_a_clear_page(cora, name):
    response = Client().get(reverse(f"evaluation:{name}", args=["nep-link"]))
    assert response.status_code == 400
    assert "klopt niet" in response.content.decode()


def test_an_expired_link_says_so(cora):
    t0 = invitation(started(cora), "parent", "t0")
    Invitation.objects.filter(pk=t0.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Client().get(_url("answer", t0))
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()


def test_declining_is_confirmed_and_final(cora):
    t0 = invitation(started(cora), "parent", "t0")
    client = Client()
    assert "Ik doe niet mee" in client.get(_url("decline", t0)).content.decode()
    said_no = client.post(_url("decline", t0))
    assert said_no.status_code == 302
    assert "We vragen het niet meer" in client.get(said_no["Location"]).content.decode()
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.DECLINED
    assert client.get(_url("answer", t0)).status_code == 410
    assert client.post(_url("decline", t0)).status_code == 410


def test_the_parent_at_the_end_gets_a_link_for_school(cora):
    match = started(cora)
    close(cora, match)
    t1 = invitation(match, "parent", "t1")
    answer_all(t1, 4)
    done = Client().get(_url("done", t1)).content.decode()
    school = Invitation.objects.get(audience="school")
    assert services.link_for(school) in done
    # The school's link opens its own questionnaire only.
    page = Client().get(_url("page", school, 1)).content.decode()
    assert "Samenwerking met de ouder" in page
    assert match.request.full_name not in page
    # A buddy's thank-you page has no school link.
    buddy_t1 = invitation(match, "buddy", "t1")
    answer_all(buddy_t1, 4)
    assert (
        "Link voor school" not in Client().get(_url("done", buddy_t1)).content.decode()
    )


def test_the_consent_question_shows_when_it_is_missing(cora):
    without = invitation(started(cora, consent_research=False), "parent", "t0")
    assert "research_consent" in Client().get(_url("page", without, 1)).content.decode()
    with_consent = invitation(
        started(cora, consent_research=True, email="b@example.nl"), "parent", "t0"
    )
    assert (
        "research_consent"
        not in Client().get(_url("page", with_consent, 1)).content.decode()
    )


def test_english_readers_get_english(cora):
    t0 = invitation(started(cora), "parent", "t0")
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(_url("page", t0, 1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My child feels good at school." in page


# --- The coordinator's pages --------------------------------------------------------


def test_coordinator_pages_need_a_coordinator(
    cora, cora_client, mia_client, ben_client
):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    services.ensure_defaults()
    version = QuestionnaireVersion.objects.filter(organisation__isnull=True).first()
    urls = [
        reverse("evaluation:results"),
        reverse("evaluation:match", args=[match.pk]),
        reverse("evaluation:questionnaires"),
        reverse("evaluation:questionnaire", args=[version.pk]),
    ]
    for url in urls:
        assert cora_client.get(url).status_code == 200, url
        assert mia_client.get(url).status_code == 403, url
        assert ben_client.get(url).status_code == 403, url
        assert Client().get(url).status_code == 302, url
    resend = reverse("evaluation:resend", args=[t0.pk])
    assert mia_client.post(resend).status_code == 403
    assert cora_client.get(resend).status_code == 405


def test_another_organisation_sees_nothing_of_a_match(cora, olga_client):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    assert (
        olga_client.get(reverse("evaluation:match", args=[match.pk])).status_code == 404
    )
    assert (
        olga_client.post(reverse("evaluation:resend", args=[t0.pk])).status_code == 404
    )
    draft = services.make_own_copy(actor=cora, version=services.version_for(t0))
    url = reverse("evaluation:questionnaire", args=[draft.pk])
    assert olga_client.get(url).status_code == 404
    assert olga_client.post(url, {"action": "publish"}).status_code == 404
    draft.refresh_from_db()
    assert draft.published_at is None


def test_the_match_page_shows_states_and_resends_once(cora, cora_client):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    url = reverse("evaluation:match", args=[match.pk])
    page = cora_client.get(url).content.decode()
    assert "Verstuurd" in page and "Nog één keer versturen" in page
    response = cora_client.post(reverse("evaluation:resend", args=[t0.pk]), follow=True)
    assert "opnieuw verstuurd" in response.content.decode()
    assert "Nog één keer versturen" not in cora_client.get(url).content.decode()
    again = cora_client.post(reverse("evaluation:resend", args=[t0.pk]), follow=True)
    assert "al een keer" in again.content.decode()


def test_results_page_suppresses_small_groups_and_refuses_bad_filters(
    cora, cora_client
):
    for n in range(3):
        answer_all(
            invitation(
                started(cora, consent_research=True, email=f"s{n}@example.nl"),
                "parent",
                "t0",
            ),
            3,
        )
    page = cora_client.get(reverse("evaluation:results"))
    assert page.status_code == 200
    assert "minder dan 5 mensen" in page.content.decode()
    bad = cora_client.get(
        reverse("evaluation:results"), {"by": "' OR 1=1", "school_year": "\x00"}
    )
    assert bad.status_code == 400


def test_own_items_are_added_and_published_by_the_coordinator(cora, cora_client):
    services.ensure_defaults()
    version = QuestionnaireVersion.objects.get(
        questionnaire__key="parent-end", organisation__isnull=True
    )
    url = reverse("evaluation:questionnaire", args=[version.pk])
    copied = cora_client.post(url, {"action": "copy"})
    draft = QuestionnaireVersion.objects.get(organisation=cora.organisation)
    assert copied["Location"] == reverse("evaluation:questionnaire", args=[draft.pk])
    draft_url = copied["Location"]
    refused = cora_client.post(
        draft_url, {"action": "add", "kind": "likert", "text_nl": ""}
    )
    assert refused.status_code == 400
    added = cora_client.post(
        draft_url,
        {"action": "add", "kind": "likert", "text_nl": "Ik weet waar ik terecht kan."},
    )
    assert added.status_code == 302
    assert "Ik weet waar ik terecht kan." in cora_client.get(draft_url).content.decode()
    cora_client.post(draft_url, {"action": "publish"})
    draft.refresh_from_db()
    assert draft.published_at is not None
    # The published default and the published own version take no more items.
    for target in (url, draft_url):
        cora_client.post(
            target, {"action": "add", "kind": "text", "text_nl": "Nog een"}
        )
    version.refresh_from_db()
    draft.refresh_from_db()
    assert "Nog een" not in str(version.definition) + str(draft.definition)
