"""The knowledge services: writing with bad input refused in Dutch and nothing
saved, the status steps with their history, reviews, the question desk's draft,
course materials, and the review reminder job."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.knowledge import jobs, rendering, services
from ouderbuddy.knowledge.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Audience,
    CourseMaterial,
)
from ouderbuddy.knowledge.tests.factories import article
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.training.tests.factories import make_course

pytestmark = pytest.mark.django_db

HOSTILE = """## Kop

<script>alert("x")</script>
<iframe src="https://kwaad.example"></iframe>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)" onclick="steal()">klik</a>

[ook](javascript:alert(2)) [en](JaVaScRiPt:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)

<p onmouseover="x()">tekst</p>

[goed](https://www.onderwijsconsulenten.nl)
"""


def test_markdown_is_rendered_and_nothing_dangerous_survives():
    html = rendering.render(HOSTILE)
    lowered = html.lower()
    for bad in ("<script", "<iframe", "<img", "onerror", "onclick", "onmouseover",
                "javascript:", "data:", "alert("):  # fmt: skip
        assert bad not in lowered, bad
    assert "<h2>Kop</h2>" in html
    assert (
        '<a href="https://www.onderwijsconsulenten.nl" rel="noopener noreferrer">goed</a>'
        in html
    )
    assert "tekst" in html and "klik" in html


def test_a_table_gets_a_box_that_scrolls_on_a_phone():
    html = rendering.render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert html.startswith(f'<div class="{rendering.TABLE_BOX}"><table>')
    assert html.rstrip().endswith("</table></div>")
    assert rendering.plain_text(html).split() == ["a", "b", "1", "2"]


def test_a_first_level_heading_becomes_a_second_level_one():
    assert rendering.render("# Titel") == "<h2>Titel</h2>\n"


def test_create_renders_indexes_and_audits(cora):
    made = article(cora, body=HOSTILE, codes=["issue.tlv"], publish=False)
    assert made.status == ArticleStatus.DRAFT
    assert made.author == cora
    assert made.slug == "wat-is-een-tlv"
    assert "<script" not in made.body_html and "alert" not in made.body_text
    assert " tlv " in made.search_head
    assert list(made.codes.values_list("code", flat=True)) == ["issue.tlv"]
    assert ArticleEvent.objects.get(article=made).kind == "created"
    event = AuditEvent.objects.get(verb="knowledge.article.create")
    assert event.data["codes"] == ["issue.tlv"]
    # A second article with the same title gets the next free slug.
    assert article(cora, publish=False).slug == "wat-is-een-tlv-2"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body_markdown": " \n "}, "body_markdown"),
        ({"audience": "everyone"}, "audience"),
        ({"codes": ["issue.bestaat_niet"]}, "codes"),
        ({"slug": "Met Spaties"}, "slug"),
        ({"keywords": "x" * 301}, "keywords"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_saved(cora, changes, field):
    kwargs = {
        "title": "Titel",
        "body_markdown": "Tekst.",
        "audience": Audience.BOTH,
        **changes,
    }
    with pytest.raises(DomainError) as caught:
        services.create_article(actor=cora, **kwargs)
    assert caught.value.field == field
    assert not Article.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="knowledge").exists()


def test_a_taken_slug_is_refused(cora):
    article(cora, publish=False)
    with pytest.raises(DomainError, match="korte naam"):
        services.create_article(
            actor=cora,
            title="Anders",
            slug="wat-is-een-tlv",
            body_markdown="Tekst.",
            audience=Audience.BOTH,
        )


def test_only_a_coordinator_of_the_organisation_writes(cora, ben, olga):
    with pytest.raises(DomainError):
        article(ben)
    made = article(cora, publish=False)
    for step in (services.publish_article, services.archive_article):
        with pytest.raises(DomainError, match="organisatie"):
            step(actor=olga, article=made)
    assert Article.objects.get(pk=made.pk).status == ArticleStatus.DRAFT


def test_the_status_steps_and_their_history(cora):
    made = article(cora, publish=False)
    made = services.publish_article(actor=cora, article=made)
    assert made.status == ArticleStatus.PUBLISHED
    assert made.reviewed_on == timezone.localdate()  # publishing counts as a review
    with pytest.raises(DomainError, match="al gepubliceerd"):
        services.publish_article(actor=cora, article=made)
    made = services.mark_article_reviewed(actor=cora, article=made)
    assert made.reviewed_on == timezone.localdate()
    made = services.archive_article(actor=cora, article=made)
    assert made.status == ArticleStatus.ARCHIVED and made.archived_at
    with pytest.raises(DomainError, match="al gearchiveerd"):
        services.archive_article(actor=cora, article=made)
    with pytest.raises(DomainError, match="gearchiveerd artikel"):
        services.mark_article_reviewed(actor=cora, article=made)
    made = services.publish_article(actor=cora, article=made)
    assert made.archived_at is None
    kinds = list(
        ArticleEvent.objects.filter(article=made)
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "published", "reviewed", "archived", "published"]


def test_update_keeps_status_and_slug(cora):
    made = article(cora)
    updated = services.update_article(
        actor=cora,
        article=made,
        title="Nieuwe titel",
        body_markdown="Nieuwe tekst.",
        audience=Audience.PARENTS,
        codes=["issue.opp"],
    )
    assert updated.status == ArticleStatus.PUBLISHED
    assert updated.slug == made.slug
    assert updated.body_html == "<p>Nieuwe tekst.</p>\n"
    assert list(updated.codes.values_list("code", flat=True)) == ["issue.opp"]


def test_the_question_desk_drafts_an_article_for_buddies(cora, ben):
    made = services.draft_article_from_answer(
        actor=cora,
        title="Mag de school mijn kind naar huis sturen?",
        body_markdown="Nee, niet zomaar.",
        codes=["issue.suspension_expulsion"],
    )
    assert made.status == ArticleStatus.DRAFT
    assert made.audience == Audience.BUDDIES
    assert made.author == cora
    with pytest.raises(DomainError):
        services.draft_article_from_answer(
            actor=ben, title="x", body_markdown="y", codes=[]
        )


def test_course_materials_are_exactly_the_chosen_articles(cora, olga):
    course = make_course(cora.organisation)
    one, two = article(cora, "Een", "Tekst."), article(cora, "Twee", "Tekst.")
    services.set_course_materials(
        actor=cora, course=course, article_ids=[one.pk, two.pk]
    )
    services.set_course_materials(actor=cora, course=course, article_ids=[two.pk])
    assert list(CourseMaterial.objects.values_list("article", flat=True)) == [two.pk]
    theirs = article(olga, "Van Zuid", "Tekst.")
    archived = services.archive_article(actor=cora, article=one)
    for wrong in ([theirs.pk], [archived.pk], ["geen-sleutel"]):
        with pytest.raises(DomainError, match="uit de lijst"):
            services.set_course_materials(actor=cora, course=course, article_ids=wrong)
    assert list(CourseMaterial.objects.values_list("article", flat=True)) == [two.pk]


def test_the_review_reminder_goes_out_once_per_review(cora):
    with time_machine.travel(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        old = article(cora, "Oud", "Tekst.")
    article(cora, "Nieuw", "Tekst.")
    draft = article(cora, "Concept", "Tekst.", publish=False)
    Article.objects.filter(pk=draft.pk).update(reviewed_on=dt.date(2024, 1, 1))
    mail.outbox.clear()
    now = dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs.send_review_reminders(now) == 1
    (sent,) = mail.outbox
    assert sent.to == ["cora@noord.test"]
    assert (
        "Oud" in sent.body and "Nieuw" not in sent.body and "Concept" not in sent.body
    )
    assert f"/kennisbank/{old.pk}/" in sent.body
    assert AuditEvent.objects.filter(verb="knowledge.review_reminder").count() == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs.send_review_reminders(now + dt.timedelta(days=1)) == 0
    # Reviewed, and twelve months later due again.
    with time_machine.travel(dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC), tick=False):
        services.mark_article_reviewed(actor=cora, article=old)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs.send_review_reminders(now + dt.timedelta(days=200)) == 0
        assert jobs.send_review_reminders(now + dt.timedelta(days=368)) == 1
