"""The question desk: a buddy asks, coordinators answer, the thread goes back and
forth, a coordinator closes it; access, isolation between buddies, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import signed_in_client
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support import selectors, services_questions
from ouderbuddy.support.models import Question, QuestionStatus, Reply
from ouderbuddy.support.panels import unanswered_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def anna_member(anna):
    return buddy_membership(anna)


@pytest.fixture
def anna_client(anna_member):
    return signed_in_client(anna_member.user)


def _ask(member, **fields):
    values = {"subject": "Gesprek op school", "body": "Hoe bereid ik het voor?"}
    values.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services_questions.ask_question(actor=member, **values)


def test_a_question_goes_back_and_forth_until_a_coordinator_closes_it(
    cora, anna_member
):
    mail.outbox.clear()
    asked = _ask(anna_member)
    assert asked.status == QuestionStatus.OPEN and asked.waiting_since
    assert [m.to for m in mail.outbox] == [[cora.user.email]]
    # The e-mail does not carry the question: it stays in the app.
    assert "Hoe bereid" not in mail.outbox[0].body
    assert "Gesprek op school" not in mail.outbox[0].subject
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_questions.reply_to_question(
            actor=cora, question=asked, body="Schrijf uw vragen vooraf op."
        )
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.ANSWERED and asked.waiting_since is None
    assert [m.to for m in mail.outbox] == [[anna_member.user.email]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_questions.reply_to_question(
            actor=anna_member, question=asked, body="Dank u! En daarna?"
        )
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.OPEN and asked.waiting_since
    services_questions.close_question(actor=cora, question=asked)
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.CLOSED and asked.closed_by == cora.user
    with pytest.raises(DomainError):
        services_questions.reply_to_question(
            actor=anna_member, question=asked, body="Nog iets"
        )
    assert Reply.objects.filter(question=asked).count() == 3
    services_questions.reopen_question(actor=cora, question=asked)
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.ANSWERED


def test_a_question_about_a_match_links_only_the_buddys_own_running_match(cora, noord):
    mine = active_match(cora, matchable_buddy(noord, "Mo Mijn"))
    theirs = active_match(cora, matchable_buddy(noord, "Tim Ander"))
    member = buddy_membership(mine.buddy)
    asked = _ask(member, match_id=mine.pk)
    assert asked.match == mine
    with pytest.raises(DomainError) as refused:
        _ask(member, match_id=theirs.pk)
    assert refused.value.field == "match"
    assert Question.objects.count() == 1
    choices = selectors.own_match_choices(member, mine.buddy)
    assert [key for key, _label in choices] == [str(mine.pk)]


def test_only_a_buddy_asks_and_only_coordinators_close(cora, mia, anna_member):
    with pytest.raises(DomainError):
        services_questions.ask_question(actor=cora, subject="X", body="Y")
    asked = _ask(anna_member)
    for actor in (anna_member, mia):
        with pytest.raises(DomainError):
            services_questions.close_question(actor=actor, question=asked)
    with pytest.raises(DomainError):
        services_questions.reply_to_question(actor=mia, question=asked, body="Hoi")


def test_another_buddy_of_the_organisation_cannot_write_in_the_thread(
    noord, anna_member
):
    asked = _ask(anna_member)
    bram = buddy_membership(matchable_buddy(noord, "Bram Twee"))
    with pytest.raises(DomainError):
        services_questions.reply_to_question(actor=bram, question=asked, body="Hoi")
    assert Reply.objects.filter(question=asked).count() == 1


def test_unanswered_questions_reach_the_start_page_after_two_working_days(
    cora, anna_member
):
    # Asked on a Thursday morning: Friday and Monday are two working days; on
    # Tuesday it has waited longer.
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC), tick=False):
        asked = _ask(anna_member)
    with time_machine.travel(dt.datetime(2026, 11, 9, 15, tzinfo=dt.UTC), tick=False):
        assert unanswered_questions(cora) == []
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        rows = unanswered_questions(cora)
        assert [r["url"] for r in rows] == [
            reverse("support:question", args=[asked.pk])
        ]
        services_questions.reply_to_question(actor=cora, question=asked, body="Ja.")
        assert unanswered_questions(cora) == []


# --- Pages -----------------------------------------------------------------------


def test_the_buddy_asks_on_the_phone_and_reads_the_answer(cora, anna_client):
    page = anna_client.get(reverse("support:ask"))
    assert page.status_code == 200
    posted = anna_client.post(
        reverse("support:ask"),
        {"subject": "Gesprek over het OPP", "body": "Wat neem ik mee?"},
    )
    asked = Question.objects.get()
    assert posted["Location"] == reverse("support:my_question", args=[asked.pk])
    services_questions.reply_to_question(
        actor=cora, question=asked, body="Het verslag van vorige keer."
    )
    thread = anna_client.get(reverse("support:my_question", args=[asked.pk]))
    text = thread.content.decode()
    assert "Het verslag van vorige keer." in text and "Wat neem ik mee?" in text
    listed = anna_client.get(reverse("support:my_questions")).content.decode()
    assert "Gesprek over het OPP" in listed and "Beantwoord" in listed


def test_the_coordinator_answers_and_closes_on_the_desk(cora_client, anna_member):
    asked = _ask(anna_member)
    desk = cora_client.get(reverse("support:questions")).content.decode()
    assert "Gesprek op school" in desk and "Anna Een" in desk
    url = reverse("support:question", args=[asked.pk])
    answered = cora_client.post(url, {"body": "Bel mij even."})
    assert answered["Location"] == url
    assert cora_client.post(
        reverse("support:close_question", args=[asked.pk])
    ).status_code == (302)
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.CLOSED
    filtered = cora_client.get(reverse("support:questions"), {"status": "open"})
    assert "Gesprek op school" not in filtered.content.decode()
    # An unknown filter shows everything instead of an error.
    assert (
        cora_client.get(reverse("support:questions"), {"status": "x"}).status_code
        == 200
    )


def test_bad_input_gets_a_dutch_message_and_saves_nothing(anna_client):
    for data, message in (
        ({"subject": "", "body": "Iets"}, "Schrijf waar uw vraag over gaat."),
        ({"subject": "Onderwerp", "body": ""}, "Schrijf uw vraag."),
        ({"subject": "x" * 201, "body": "Iets"}, "Schrijf hoogstens 200 tekens."),
        (
            {"subject": "Onderwerp", "body": "x" * 4001},
            "Schrijf hoogstens 4000 tekens.",
        ),
        ({"subject": "Onder\x1bwerp", "body": "Iets"}, "teken dat niet mag"),
    ):
        response = anna_client.post(reverse("support:ask"), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Question.objects.exists()


def test_a_match_of_another_buddy_is_refused_on_the_form(
    cora, noord, anna, anna_client
):
    active_match(cora, anna)
    theirs = active_match(cora, matchable_buddy(noord, "Tim Ander"))
    form = anna_client.get(reverse("support:ask")).content.decode()
    assert "Gaat de vraag over een koppeling?" in form
    response = anna_client.post(
        reverse("support:ask"),
        {"subject": "Onderwerp", "body": "Iets", "match": str(theirs.pk)},
    )
    assert response.status_code == 400
    assert "Kies een van uw eigen koppelingen." in response.content.decode()
    assert not Question.objects.exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    subject=st.one_of(st.text(max_size=300), st.integers().map(str)),
    body=st.text(max_size=4200),
    match=st.one_of(st.just(""), st.uuids().map(str), st.text(max_size=40)),
)
def test_any_input_gets_an_answer_and_never_half_a_question(
    anna_client, subject, body, match
):
    before = Question.objects.count(), Reply.objects.count()
    response = anna_client.post(
        reverse("support:ask"), {"subject": subject, "body": body, "match": match}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (Question.objects.count(), Reply.objects.count()) == before
    else:
        assert Question.objects.count() == before[0] + 1


def test_a_reply_with_nothing_in_it_is_refused(cora_client, anna_member):
    asked = _ask(anna_member)
    response = cora_client.post(
        reverse("support:question", args=[asked.pk]), {"body": "   "}
    )
    assert response.status_code == 400
    assert "Schrijf uw bericht." in response.content.decode()
    assert Reply.objects.filter(question=asked).count() == 1


def test_access_rules_of_every_question_page(
    client, cora_client, ben_client, mia_client, olga_client, anna_client, anna_member
):
    asked = _ask(anna_member)
    buddy_pages = [
        (reverse("support:my_questions"), "get"),
        (reverse("support:ask"), "get"),
        (reverse("support:my_question", args=[asked.pk]), "get"),
    ]
    desk_pages = [
        (reverse("support:questions"), "get"),
        (reverse("support:question", args=[asked.pk]), "get"),
        (reverse("support:close_question", args=[asked.pk]), "post"),
        (reverse("support:reopen_question", args=[asked.pk]), "post"),
    ]
    for url, method in buddy_pages + desk_pages:
        assert getattr(client, method)(url)["Location"].startswith(
            reverse("accounts:login")
        ), url
    for url, method in buddy_pages:
        assert getattr(cora_client, method)(url).status_code == 403, url
    for url, method in desk_pages:
        assert getattr(anna_client, method)(url).status_code == 403, url
        assert getattr(mia_client, method)(url).status_code == 403, url
    # Another organisation's coordinator, and another buddy: 404.
    assert olga_client.get(desk_pages[1][0]).status_code == 404
    assert ben_client.get(buddy_pages[2][0]).status_code in (403, 404)
    assert (
        cora_client.get(reverse("support:close_question", args=[asked.pk])).status_code
        == 405
    )
    assert anna_client.delete(reverse("support:ask")).status_code == 405


def test_another_buddy_gets_404_for_the_thread(noord, anna_member):
    asked = _ask(anna_member)
    bram = buddy_membership(matchable_buddy(noord, "Bram Twee"))
    client = signed_in_client(bram.user)
    url = reverse("support:my_question", args=[asked.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hoi"}).status_code == 404
    assert Reply.objects.filter(question=asked).count() == 1


def test_a_stopped_buddy_cannot_ask(anna, anna_member):
    anna.status = "stopped"
    anna.save(update_fields=["status"])
    with pytest.raises(DomainError):
        _ask(anna_member)
    assert timezone.now()


def test_an_answer_becomes_a_draft_article_once(cora, cora_client, noord):
    from ouderbuddy.knowledge.models import Article

    match = active_match(cora, matchable_buddy(noord, "Mo Mijn"))
    member = buddy_membership(match.buddy)
    asked = _ask(member, subject="Bezwaar tegen de TLV", match_id=match.pk)
    answer = services_questions.reply_to_question(
        actor=cora, question=asked, body="U heeft **zes weken** voor bezwaar."
    )
    page = cora_client.get(reverse("support:question", args=[asked.pk]))
    assert "Maak hier een kennisbankartikel van" in page.content.decode()
    url = reverse("support:answer_to_article", args=[asked.pk, answer.pk])
    made = cora_client.post(url)
    article = Article.objects.get()
    assert made["Location"] == reverse("knowledge:edit", args=[article.pk])
    assert article.status == "draft" and article.title == "Bezwaar tegen de TLV"
    assert article.audience == "buddies"
    assert "<strong>zes weken</strong>" in article.body_html
    answer.refresh_from_db()
    assert answer.article_id == article.pk
    # Once: the second time says so and makes nothing.
    again = cora_client.post(url)
    assert again.status_code == 302
    assert Article.objects.count() == 1
    # The buddy's own message cannot become an article.
    first = Reply.objects.filter(question=asked, by_coordinator=False).get()
    with pytest.raises(DomainError):
        services_questions.answer_to_article(actor=cora, question=asked, reply=first)
    assert Article.objects.count() == 1


def test_only_a_coordinator_turns_an_answer_into_an_article(
    cora, olga_client, anna_client, anna_member
):
    asked = _ask(anna_member)
    answer = services_questions.reply_to_question(
        actor=cora, question=asked, body="Zo."
    )
    url = reverse("support:answer_to_article", args=[asked.pk, answer.pk])
    assert anna_client.post(url).status_code == 403
    assert olga_client.post(url).status_code == 404
    with pytest.raises(DomainError):
        services_questions.answer_to_article(
            actor=anna_member, question=asked, reply=answer
        )
