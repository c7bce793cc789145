"""search_articles on the database the suite runs on: `make test-sqlite` runs it on
SQLite (FTS5), `make test-postgres` on PostgreSQL (tsvector). The expected articles
are written here once, so both databases must give the same ones, in the same
order."""

from __future__ import annotations

import pytest
from django.db import connection

from ouderbuddy.knowledge import selectors, services
from ouderbuddy.knowledge.models import Article, ArticleStatus, Audience
from ouderbuddy.knowledge.tests.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(cora, olga):
    made = {
        "tlv": article(
            cora,
            "Wat is een TLV?",
            "## Wie vraagt hem aan?\n\nDe school vraagt de toelaatbaarheidsverklaring "
            "aan bij het samenwerkingsverband. Met een TLV mag een kind naar het "
            "speciaal onderwijs.",
            codes=["issue.tlv"],
            keywords="tlv, toelaatbaarheidsverklaring",
            summary="Wat een TLV is en wie hem aanvraagt.",
        ),
        "objection": article(
            cora,
            "Bezwaar maken tegen een besluit",
            "Bent u het niet eens met het besluit over de TLV? Dan kunt u bezwaar "
            "maken bij het samenwerkingsverband.",
            codes=["issue.tlv_objection"],
            audience=Audience.PARENTS,
        ),
        "home": article(
            cora,
            "Als uw kind thuiszit",
            "Kinderen die thuiszitten hebben recht op onderwijs. Neem contact op met "
            "de leerplichtambtenaar en de scholen in de buurt.",
            codes=["issue.out_of_school"],
        ),
        "opp": article(
            cora,
            "Het ontwikkelingsperspectief",
            "In het OPP staan de doelen voor uw kind. U heeft hoorrecht.",
            codes=["issue.opp"],
            keywords="opp",
        ),
        "buddy_tlv": article(
            cora,
            "Tips voor buddy's bij een TLV-gesprek",
            "Bereid het gesprek met de ouder voor.",
            audience=Audience.BUDDIES,
        ),
        "draft": article(
            cora, "Concept over de TLV", "Nog niet klaar: TLV.", publish=False
        ),
        "archived": services.archive_article(
            actor=cora,
            article=article(cora, "Oud stuk over thuiszitters", "Thuiszitters."),
        ),
        # The same words at another organisation: never found by Noord.
        "zuid": article(olga, "Wat is een TLV?", "TLV bij Zuid. Thuiszitten."),
    }
    return made


def found(organisation_id, query, **kwargs):
    return [
        hit.pk
        for hit in selectors.search_articles(organisation_id, query, **kwargs).hits
    ]


def test_the_suite_runs_on_one_of_the_two_search_backends():
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.parametrize("query", ["tlv", "TLV", "toelaatbaarheidsverklaring", "Tlv's"])
def test_tlv_in_every_spelling_finds_the_tlv_articles_best_first(library, cora, query):
    lib = library
    assert found(cora.organisation_id, query, audience=Audience.PARENTS) == [
        lib["tlv"].pk,
        lib["objection"].pk,
    ]
    buddies = found(cora.organisation_id, query, audience=Audience.BUDDIES)
    assert buddies[0] == lib["tlv"].pk
    assert set(buddies) == {lib["tlv"].pk, lib["buddy_tlv"].pk}


@pytest.mark.parametrize(
    "query", ["thuiszitter", "thuiszitten", "Thuiszitters", "thuiszit"]
)
def test_dutch_forms_of_a_word_find_each_other(library, cora, query):
    assert found(cora.organisation_id, query) == [library["home"].pk]


def test_every_word_must_be_found(library, cora):
    assert found(cora.organisation_id, "thuiszitten leerplichtambtenaar") == [
        library["home"].pk
    ]
    assert found(cora.organisation_id, "thuiszitten hoorrecht") == []
    # A synonym counts as the word: 'lpa' is the leerplichtambtenaar.
    assert found(cora.organisation_id, "lpa") == [library["home"].pk]


def test_plural_and_singular_and_code_labels(library, cora):
    assert found(cora.organisation_id, "school") == found(
        cora.organisation_id, "scholen"
    )
    assert library["home"].pk in found(cora.organisation_id, "school")
    assert found(cora.organisation_id, "ontwikkelingsperspectieven") == [
        library["opp"].pk
    ]
    # The OPP code's label ("… opstellen of aanpassen, hoorrecht") is indexed with
    # the article; its text does not say "opstellen".
    assert found(cora.organisation_id, "opstellen") == [library["opp"].pk]


def test_statuses_and_organisations_are_kept_apart(library, cora, olga):
    assert library["draft"].pk not in found(cora.organisation_id, "tlv")
    assert library["archived"].pk not in found(cora.organisation_id, "thuiszitters")
    every = found(cora.organisation_id, "tlv", statuses=ArticleStatus.values)
    assert library["draft"].pk in every
    assert library["zuid"].pk not in every
    assert found(olga.organisation_id, "tlv") == [library["zuid"].pk]


def test_hits_carry_highlighted_snippets(library, cora):
    result = selectors.search_articles(cora.organisation_id, "thuiszitter")
    (hit,) = result.hits
    assert "<mark>thuiszit</mark>" in hit.title_html
    assert "<mark>thuiszitten</mark>" in hit.snippet
    assert result.message == ""


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("de het een", "Woorden als ‘de’, ‘een’ en ‘wat’ zoeken niet."),
        ("!!! ??? ***", "Typ een zoekwoord met letters of cijfers."),
        ("xyzzyplugh", "Niets gevonden voor ‘xyzzyplugh’."),
        ("\x00\x1b tlv", ""),
    ],
)
def test_queries_without_a_result_get_a_dutch_message(library, cora, query, message):
    result = selectors.search_articles(cora.organisation_id, query)
    assert message in result.message
    if message:
        assert result.hits == []


def test_a_500_character_query_gets_an_answer(library, cora):
    result = selectors.search_articles(cora.organisation_id, "tlv " + "x" * 496)
    assert result.hits == []
    assert "Niets gevonden" in result.message
    long = selectors.search_articles(cora.organisation_id, "tlv " * 125)
    assert long.hits[0].pk == library["tlv"].pk
    assert "alleen het begin" in long.message


def test_the_index_follows_changes_and_removals(library, cora):
    home = library["home"]
    services.update_article(
        actor=cora,
        article=home,
        title="Verzuim melden",
        body_markdown="Over verzuim.",
        audience=Audience.BOTH,
    )
    assert found(cora.organisation_id, "thuiszitten") == []
    assert found(cora.organisation_id, "verzuim") == [home.pk]
    Article.objects.filter(pk=home.pk).delete()
    assert found(cora.organisation_id, "verzuim") == []


def test_what_the_sanitiser_removes_is_not_found(cora):
    article(
        cora,
        "Veilig",
        "Tekst <script>geheimwoord()</script> <iframe>lijstwoord</iframe> gewoon.",
    )
    assert found(cora.organisation_id, "geheimwoord") == []
    assert found(cora.organisation_id, "lijstwoord") == []
    assert len(found(cora.organisation_id, "gewoon")) == 1


def test_articles_for_codes_orders_by_shared_codes(library, cora):
    both = article(
        cora, "TLV en thuiszitten", "Samen.", codes=["issue.tlv", "issue.out_of_school"]
    )
    result = selectors.articles_for_codes(
        cora.organisation_id, ["issue.out_of_school", "issue.tlv"], Audience.BUDDIES
    )
    assert [a.pk for a in result] == [both.pk, library["home"].pk, library["tlv"].pk]
    # A parents-only article is not suggested to a buddy.
    parents = selectors.articles_for_codes(
        cora.organisation_id, ["issue.tlv_objection"], Audience.BUDDIES
    )
    assert parents == []
    assert (
        selectors.articles_for_codes(cora.organisation_id, [], Audience.BUDDIES) == []
    )
