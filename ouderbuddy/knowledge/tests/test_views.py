"""Knowledge pages: access rules of every view, the coordinator's journey, the
buddy's search, the public pages, bad input with a Dutch message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.knowledge import services
from ouderbuddy.knowledge.models import Article, ArticleStatus, Audience, CourseMaterial
from ouderbuddy.knowledge.tests.factories import article
from ouderbuddy.training.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cora):
    return {
        "both": article(cora, "Wat is een TLV?", codes=["issue.tlv"]),
        "parents": article(
            cora, "Bezwaar tegen een TLV", "Bezwaar maken.", audience=Audience.PARENTS
        ),
        "buddies": article(
            cora, "TLV-tips voor buddy's", "Tips.", audience=Audience.BUDDIES
        ),
        "draft": article(cora, "Concept TLV", "Nog niet klaar.", publish=False),
        "course": make_course(cora.organisation),
    }


def coordinator_urls(world):
    pk = world["draft"].pk
    return {
        reverse("knowledge:list"): ("get",),
        reverse("knowledge:new"): ("get", "post"),
        reverse("knowledge:detail", args=[pk]): ("get",),
        reverse("knowledge:edit", args=[pk]): ("get", "post"),
        reverse("knowledge:publish", args=[pk]): ("post",),
        reverse("knowledge:archive", args=[pk]): ("post",),
        reverse("knowledge:review", args=[pk]): ("post",),
        reverse("knowledge:course_materials", args=[world["course"].pk]): (
            "get",
            "post",
        ),
    }


def buddy_urls(world):
    return {
        reverse("knowledge:index"): ("get",),
        reverse("knowledge:read", args=[world["both"].pk]): ("get",),
    }


def _unchanged(world):
    assert Article.objects.get(pk=world["draft"].pk).status == ArticleStatus.DRAFT
    assert Article.objects.count() == 4
    assert not CourseMaterial.objects.exists()


class TestAccess:
    def test_anonymous_is_sent_to_sign_in(self, world):
        for url, methods in {**coordinator_urls(world), **buddy_urls(world)}.items():
            for method in methods:
                response = getattr(Client(), method)(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:login"))
        _unchanged(world)

    def test_another_organisation_gets_404(self, world, olga):
        client = signed_in_client(olga.user)
        for url, methods in coordinator_urls(world).items():
            if url in (reverse("knowledge:list"), reverse("knowledge:new")):
                continue  # her own pages
            for method in methods:
                assert getattr(client, method)(url).status_code == 404, url
        _unchanged(world)

    def test_wrong_roles_get_403(self, world, ben, mia, cora):
        for person in (ben, mia):
            client = signed_in_client(person.user, verified=person is mia)
            for url, methods in coordinator_urls(world).items():
                for method in methods:
                    assert getattr(client, method)(url).status_code == 403, url
        client = signed_in_client(cora.user)
        for url in buddy_urls(world):
            assert client.get(url).status_code == 403, url
        _unchanged(world)

    def test_wrong_methods_get_405(self, world, cora, ben):
        client = signed_in_client(cora.user)
        for url, methods in coordinator_urls(world).items():
            for method in ("get", "post", "put", "delete"):
                if method not in methods:
                    assert getattr(client, method)(url).status_code == 405, url
        client = signed_in_client(ben.user, verified=False)
        for url in buddy_urls(world):
            assert client.post(url).status_code == 405, url
        org = world["both"].organisation_id
        for url in (
            reverse("knowledge:public_list", args=[org]),
            reverse("knowledge:public_article", args=[org, world["both"].slug]),
        ):
            assert Client().post(url).status_code == 405
        _unchanged(world)

    def test_a_buddy_reads_only_published_articles_for_buddies(self, world, ben):
        client = signed_in_client(ben.user, verified=False)
        for key in ("both", "buddies"):
            url = reverse("knowledge:read", args=[world[key].pk])
            assert client.get(url).status_code == 200
        for key in ("parents", "draft"):
            url = reverse("knowledge:read", args=[world[key].pk])
            assert client.get(url).status_code == 404
        body = client.get(reverse("knowledge:index")).content.decode()
        assert "TLV-tips" in body and "Wat is een TLV?" in body
        assert "Bezwaar tegen" not in body and "Concept TLV" not in body


class TestCoordinator:
    def test_write_publish_review_archive(self, cora_client, cora):
        response = cora_client.post(
            reverse("knowledge:new"),
            {
                "title": "Thuiszitten",
                "audience": "parents",
                "body_markdown": "## Wat nu?\n\nBel de <b onclick='x()'>leerplichtambtenaar</b>.",
                "keywords": "thuiszitter, lpa",
                "issue_codes": ["issue.out_of_school"],
            },
        )
        made = Article.objects.get(title="Thuiszitten")
        assert response.status_code == 302
        assert response["Location"] == reverse("knowledge:detail", args=[made.pk])
        page = cora_client.get(response["Location"]).content.decode()
        assert "<h2>Wat nu?</h2>" in page and "onclick" not in page
        assert "Thuiszitten of dreigend thuiszitten" in page  # the code's label
        for name in ("publish", "review", "archive"):
            response = cora_client.post(reverse(f"knowledge:{name}", args=[made.pk]))
            assert response.status_code == 302
        assert Article.objects.get(pk=made.pk).status == ArticleStatus.ARCHIVED
        # Archiving twice: a message, not an error page.
        response = cora_client.post(
            reverse("knowledge:archive", args=[made.pk]), follow=True
        )
        assert "al gearchiveerd" in response.content.decode()

    def test_bad_input_keeps_what_was_typed(self, cora_client):
        response = cora_client.post(
            reverse("knowledge:new"),
            {
                "title": "Met een\x1bescape",
                "audience": "everyone",
                "body_markdown": "Mijn lange tekst",
                "slug": "Niet Goed",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Mijn lange tekst" in body
        assert "Kies voor wie het artikel is." in body
        assert "teken dat niet mag" in body
        assert not Article.objects.exists()
        response = cora_client.post(
            reverse("knowledge:new"),
            {
                "title": "Goed",
                "audience": "both",
                "body_markdown": "x",
                "slug": "Niet Goed",
            },
        )
        assert response.status_code == 400
        assert "kleine letters, cijfers en streepjes" in response.content.decode()

    def test_edit_shows_the_article_and_saves(self, cora_client, world):
        url = reverse("knowledge:edit", args=[world["both"].pk])
        response = cora_client.get(url)
        assert response.status_code == 200
        assert response.context["form"].initial["issue_codes"] == ["issue.tlv"]
        assert "Wat is een TLV?" in response.content.decode()
        response = cora_client.post(
            url,
            {
                "title": "Wat is een TLV precies?",
                "audience": "both",
                "body_markdown": "Uitleg.",
                "slug": world["both"].slug,
            },
        )
        assert response.status_code == 302
        assert (
            Article.objects.get(pk=world["both"].pk).title == "Wat is een TLV precies?"
        )

    def test_list_filters_and_search(self, cora_client, world):
        page = cora_client.get(reverse("knowledge:list")).content.decode()
        for title in ("Wat is een TLV?", "Bezwaar tegen", "TLV-tips", "Concept TLV"):
            assert title in page
        drafts = cora_client.get(
            reverse("knowledge:list") + "?status=draft"
        ).content.decode()
        assert "Concept TLV" in drafts and "Bezwaar tegen" not in drafts
        found = cora_client.get(
            reverse("knowledge:list") + "?q=concept"
        ).content.decode()
        assert "<mark>Concept</mark> TLV" in found

    def test_course_materials(self, cora_client, world):
        course = world["course"]
        url = reverse("knowledge:course_materials", args=[course.pk])
        assert world["both"].title in cora_client.get(url).content.decode()
        response = cora_client.post(url, {"articles": [str(world["both"].pk)]})
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "training:course_detail", args=[course.pk]
        )
        page = cora_client.get(response["Location"]).content.decode()
        assert "Wat is een TLV?" in page
        assert reverse("knowledge:detail", args=[world["both"].pk]) in page
        response = cora_client.post(url, {"articles": ["not-a-key"]})
        assert response.status_code == 400
        assert "Kies artikelen uit de lijst." in response.content.decode()


class TestSearchPages:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("de het een", "Woorden als"),
            ("%%%$$$###", "Typ een zoekwoord met letters of cijfers."),
            ("x" * 500, "Niets gevonden"),
            ("tlv " * 200, "alleen het begin"),
        ],
    )
    def test_awkward_queries_get_an_answer_in_dutch(self, ben, world, query, message):
        client = signed_in_client(ben.user, verified=False)
        response = client.get(reverse("knowledge:index"), {"q": query})
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_the_buddy_finds_with_highlights(self, ben, world):
        client = signed_in_client(ben.user, verified=False)
        body = client.get(reverse("knowledge:index"), {"q": "TLV"}).content.decode()
        assert "<mark>TLV</mark>-tips" in body
        assert "Bezwaar tegen" not in body and "Concept" not in body


class TestPublicPages:
    def test_parents_read_published_articles_for_parents(self, world):
        org = world["both"].organisation_id
        page = (
            Client().get(reverse("knowledge:public_list", args=[org])).content.decode()
        )
        assert "Wat is een TLV?" in page and "Bezwaar tegen een TLV" in page
        assert "TLV-tips" not in page and "Concept TLV" not in page
        for key, status in (
            ("both", 200),
            ("parents", 200),
            ("buddies", 404),
            ("draft", 404),
        ):
            url = reverse("knowledge:public_article", args=[org, world[key].slug])
            assert Client().get(url).status_code == status, key
        found = Client().get(
            reverse("knowledge:public_list", args=[org]), {"q": "bezwaar"}
        )
        assert "<mark>Bezwaar</mark>" in found.content.decode()

    def test_another_or_an_inactive_organisation_has_no_such_page(self, world, olga):
        slug = world["both"].slug
        url = reverse("knowledge:public_article", args=[olga.organisation_id, slug])
        assert Client().get(url).status_code == 404
        organisation = world["both"].organisation
        organisation.is_active = False
        organisation.save(update_fields=["is_active"])
        url = reverse("knowledge:public_list", args=[organisation.pk])
        assert Client().get(url).status_code == 404

    def test_an_archived_article_leaves_the_public_pages(self, world, cora):
        services.archive_article(actor=cora, article=world["both"])
        org = world["both"].organisation_id
        url = reverse("knowledge:public_article", args=[org, world["both"].slug])
        assert Client().get(url).status_code == 404
