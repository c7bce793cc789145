"""The starter set: every file reads, names real codes, and loads published and
only once per organisation; the search finds it as parents and buddies search."""

from __future__ import annotations

from pathlib import Path

import pytest

from ouderbuddy.knowledge import selectors, services, starter
from ouderbuddy.knowledge.models import Article, ArticleStatus, Audience
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.taxonomy.models import ExperienceCode


def test_the_starter_set_has_ten_or_more_articles_in_the_file_format():
    articles = starter.read_all()
    assert len(articles) >= 10
    assert len({a.slug for a in articles}) == len(articles)
    for item in articles:
        assert item.audience in Audience.values, item.source
        assert item.source.split("-", 1)[1] == f"{item.slug}.md"
        assert item.body_markdown.lstrip().startswith("## "), item.source
        assert "\n# " not in item.body_markdown, item.source


@pytest.mark.django_db
def test_every_starter_code_exists():
    known = set(ExperienceCode.objects.values_list("code", flat=True))
    for item in starter.read_all():
        assert set(item.codes) <= known, (item.source, set(item.codes) - known)


def test_front_matter_is_read_and_bad_files_are_refused():
    item = starter.parse(
        "---\ntitle: Een titel\nslug: een-titel\naudience: parents\n"
        "codes: issue.tlv, issue.opp\nsummary: Kort.\nkeywords: tlv,  opp ,\n---\n\n"
        "## Kop\n\nTekst.\n",
        "01-een-titel.md",
    )
    assert item.codes == ("issue.tlv", "issue.opp")
    assert item.keywords == "tlv, opp"
    assert item.body_markdown == "## Kop\n\nTekst.\n"
    for bad in ("geen front matter", "---\ntitle: x\n", "---\ntitle: x\n---\nTekst"):
        with pytest.raises(starter.StarterFileError):
            starter.parse(bad, "x.md")


@pytest.mark.django_db
def test_loading_publishes_each_article_once(cora, olga):
    made = services.load_starter_articles(actor=cora)
    count = len(starter.read_all())
    assert len(made) == count
    articles = Article.objects.filter(organisation=cora.organisation)
    assert articles.count() == count
    assert set(articles.values_list("status", flat=True)) == {ArticleStatus.PUBLISHED}
    assert all(a.reviewed_on and a.author_id == cora.pk for a in articles)
    # Again: nothing new, and an edited article keeps its edit.
    first = articles.order_by("slug").first()
    assert first is not None
    services.update_article(
        actor=cora,
        article=first,
        title="Eigen titel",
        body_markdown="Eigen tekst.",
        audience=first.audience,
    )
    assert services.load_starter_articles(actor=cora) == []
    assert Article.objects.filter(organisation=cora.organisation).count() == count
    assert Article.objects.get(pk=first.pk).title == "Eigen titel"
    assert AuditEvent.objects.filter(verb="knowledge.starter.load").count() == 2
    # Another organisation gets its own copy.
    assert len(services.load_starter_articles(actor=olga)) == count


@pytest.mark.django_db
def test_a_broken_starter_file_names_itself_and_saves_nothing(cora, tmp_path: Path):
    (tmp_path / "01-goed.md").write_text(
        "---\ntitle: Goed\nslug: goed\naudience: both\n---\n## Kop\n\nTekst.\n"
    )
    (tmp_path / "02-fout.md").write_text(
        "---\ntitle: Fout\nslug: fout\naudience: both\ncodes: issue.bestaat_niet\n"
        "---\n## Kop\n\nTekst.\n"
    )
    with pytest.raises(DomainError, match=r"02-fout\.md"):
        services.load_starter_articles(actor=cora, directory=tmp_path)
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("tlv", "toelaatbaarheidsverklaring"),
        ("TLV", "toelaatbaarheidsverklaring"),
        ("toelaatbaarheidsverklaring", "toelaatbaarheidsverklaring"),
        ("thuiszitter", "thuiszitten-en-leerplicht"),
        ("thuiszitten", "thuiszitten-en-leerplicht"),
        ("opp", "ontwikkelingsperspectief-opp"),
        ("geschillencommissie", "geschillencommissie-passend-onderwijs"),
        ("zorgplicht", "zorgplicht"),
    ],
)
def test_the_starter_set_is_found_as_people_search(cora, query, slug):
    services.load_starter_articles(actor=cora)
    result = selectors.search_articles(cora.organisation_id, query)
    assert result.hits, query
    assert result.hits[0].slug == slug
