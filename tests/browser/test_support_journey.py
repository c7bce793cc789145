"""Buddy support (issue 13): the question desk into the kennisbank, and intervisie.

1. A buddy on her phone asks a question; the coordinator, at a desk, answers it, turns
   the answer into a kennisbank article, takes the name out and publishes it; the
   buddy finds it by searching a word in another form ("thuiszitter" for
   "thuiszitten").
2. A buddy signs up for an intervisie session on her phone; after the session the
   facilitator records who came for the whole group in one form, and the short
   record: a parent's name is refused with a warning, the text without it is saved.

axe-core and the layout check (`check_axe`: 390 px and 1280 px) run on every page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.knowledge.models import Article
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.support.models import IntervisieSession, Participation, Question
from ouderbuddy.support.tests.factories import group, session
from tests.browser.support import check_axe, ensure_reference_data, sign_in

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def submit(form: Locator, button: str) -> None:
    form.get_by_role("button", name=button, exact=True).click()
    form.page.wait_for_load_state()


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.wait_for_load_state()


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".ob-messages")).to_contain_text(text)


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    buddies = {}
    for name, email in (("Anna Jansen", "anna@b.test"), ("Bram de Wit", "bram@b.test")):
        buddy = matchable_buddy(noord, name, email=email)
        buddy.user.set_password(PASSWORD)
        buddy.user.save(update_fields=["password"])
        buddies[name.split()[0].lower()] = buddy
    return {
        "noord": noord,
        "cora": cora,
        "device": add_totp(cora.user),
        **buddies,
    }


def test_a_question_becomes_an_article_the_buddy_finds_by_a_stemmed_word(
    new_page: PageFactory, world: dict[str, Any]
) -> None:
    # 1. Anna asks on her phone ----------------------------------------------------
    buddy = new_page(viewport=PHONE)
    sign_in(buddy, "anna@b.test")
    menu(buddy, "Mijn vragen")
    check_axe(buddy, "buddy: my questions, none yet")
    buddy.get_by_role("link", name="Stel een vraag").click()
    buddy.wait_for_load_state()
    check_axe(buddy, "buddy: ask a question")
    form = buddy.locator("main form")
    # Nothing typed: a Dutch message next to the field, nothing saved.
    submit(form, "Vraag versturen")
    expect(buddy.locator("#error-summary")).to_be_focused()
    expect(buddy.locator("main")).to_contain_text("Schrijf waar uw vraag over gaat.")
    check_axe(buddy, "buddy: ask a question, errors")
    assert not Question.objects.exists()
    form = buddy.locator("main form")
    form.get_by_label("Onderwerp").fill("Kind zit al weken thuis")
    form.get_by_label("Uw vraag", exact=True).fill(
        "De zoon van Fatima gaat al drie weken niet naar school. Wat kan de moeder doen?"
    )
    submit(form, "Vraag versturen")
    expect_message(buddy, "Uw vraag is verstuurd.")
    expect(buddy.locator("h1")).to_have_text("Kind zit al weken thuis")
    check_axe(buddy, "buddy: the question asked")

    # 2. Cora answers at her desk and turns the answer into an article -----------------
    desk = new_page()
    sign_in(desk, "cora@noord.test", world["device"])
    menu(desk, "Vraagbaak")
    check_axe(desk, "coordinator: the question desk")
    desk.get_by_role("link", name="Kind zit al weken thuis").click()
    desk.wait_for_load_state()
    expect(desk.locator("main")).to_contain_text("Anna Jansen")
    check_axe(desk, "coordinator: a question")
    answer = desk.locator("main form").filter(has=desk.get_by_label("Uw bericht"))
    answer.get_by_label("Uw bericht").fill(
        "Bij thuiszitten neemt de school contact op met de leerplichtambtenaar. "
        "Fatima kan ook een onderwijsconsulent vragen mee te denken."
    )
    submit(answer, "Antwoord versturen")
    expect_message(desk, "Uw antwoord is verstuurd.")
    check_axe(desk, "coordinator: a question, answered")
    desk.get_by_role("button", name="Maak hier een kennisbankartikel van").click()
    desk.wait_for_load_state()
    expect_message(desk, "Er is een concept-artikel gemaakt.")
    check_axe(desk, "coordinator: the draft article's form")
    article_form = desk.locator("main form")
    # The coordinator takes the mother's name out before publishing.
    article_form.get_by_label("Titel").fill("Als een kind thuiszit")
    article_form.get_by_label("Tekst").fill(
        "Bij **thuiszitten** neemt de school contact op met de "
        "leerplichtambtenaar.\n\nDe ouder kan ook een onderwijsconsulent vragen mee "
        "te denken."
    )
    summary = article_form.get_by_label("Samenvatting")
    if summary.count():
        summary.fill("Wat school en ouder doen als een kind niet naar school gaat.")
    submit(article_form, "Opslaan")
    check_axe(desk, "coordinator: the draft article")
    desk.get_by_role("button", name="Publiceren").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: the published article")
    article = Article.objects.get()
    assert article.status == "published"
    assert "Fatima" not in article.body_markdown

    # 3. Anna sees the answer, then finds the article by another form of the word -------
    buddy.reload()
    expect(buddy.locator("main")).to_contain_text("Bij thuiszitten neemt de school")
    expect(buddy.locator("main")).to_contain_text("Beantwoord")
    check_axe(buddy, "buddy: the answer")
    menu(buddy, "Kennisbank")
    check_axe(buddy, "buddy: kennisbank")
    search = buddy.get_by_role("search")
    search.get_by_label("Zoeken in de kennisbank").fill("thuiszitter")
    submit(search, "Zoeken")
    result = buddy.get_by_role("link", name="Als een kind thuiszit")
    expect(result).to_be_visible()
    check_axe(buddy, "buddy: search results")
    result.click()
    buddy.wait_for_load_state()
    expect(buddy.locator("h1")).to_have_text("Als een kind thuiszit")
    expect(buddy.locator("main strong")).to_have_text("thuiszitten")
    check_axe(buddy, "buddy: the article")


def test_a_buddy_signs_up_and_the_facilitator_records_the_group(
    new_page: PageFactory, world: dict[str, Any]
) -> None:
    cora, anna, bram = world["cora"], world["anna"], world["bram"]
    made = group(cora, [anna, bram], name="Groep Oost")
    planned = session(cora, made, theme="Grenzen stellen", days=3)
    # A running match: its parent's name may not go into the record.
    active_match(cora, matchable_buddy(world["noord"], "Carla Derde"))

    # 1. Anna signs up on her phone ---------------------------------------------------
    buddy = new_page(viewport=PHONE)
    sign_in(buddy, "anna@b.test")
    menu(buddy, "Intervisie")
    check_axe(buddy, "buddy: intervisie")
    card = buddy.locator("article").filter(has_text="Groep Oost")
    expect(card).to_contain_text("Nog niet aangemeld")
    card.get_by_role("button", name="Aanmelden").click()
    buddy.wait_for_load_state()
    expect_message(buddy, "U bent aangemeld.")
    expect(buddy.locator("article").filter(has_text="Groep Oost")).to_contain_text(
        "Aangemeld"
    )
    check_axe(buddy, "buddy: intervisie, signed up")
    assert Participation.objects.filter(buddy=anna, status="signed_up").exists()

    # 2. The session takes place; Cora records the whole group at once -----------------
    started = timezone.now() - dt.timedelta(hours=3)
    IntervisieSession.objects.filter(pk=planned.pk).update(
        starts_at=started, ends_at=started + dt.timedelta(hours=2)
    )
    desk = new_page()
    sign_in(desk, "cora@noord.test", world["device"])
    menu(desk, "Intervisie")
    check_axe(desk, "coordinator: intervisie groups")
    desk.get_by_role("link", name="Groep Oost").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: the group")
    desk.locator("main").get_by_role("link", name=started.strftime("%Y")).first.click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: the session that took place")
    attendance = desk.locator("form[action$='/aanwezigheid/']")
    # Bram forgotten: one Dutch message, nothing saved.
    attendance.get_by_role("group", name="Anna Jansen").get_by_role(
        "radio", name="Aanwezig", exact=True
    ).check()
    submit(attendance, "Aanwezigheid opslaan")
    expect(desk.locator("main")).to_contain_text(
        "Kies aanwezig of afwezig voor Bram de Wit."
    )
    check_axe(desk, "coordinator: attendance, one missing")
    assert not Participation.objects.filter(attended__isnull=False).exists()
    attendance = desk.locator("form[action$='/aanwezigheid/']")
    attendance.get_by_role("group", name="Anna Jansen").get_by_role(
        "radio", name="Aanwezig", exact=True
    ).check()
    attendance.get_by_role("group", name="Bram de Wit").get_by_role(
        "radio", name="Afwezig", exact=True
    ).check()
    submit(attendance, "Aanwezigheid opslaan")
    expect_message(desk, "De aanwezigheid is opgeslagen: 1 buddy was er.")
    assert set(
        Participation.objects.filter(session=planned).values_list("buddy", "attended")
    ) == {(anna.pk, True), (bram.pk, False)}
    check_axe(desk, "coordinator: attendance saved")

    # 3. The record: a parent's name is caught, the text without it is saved ------------
    record = desk.locator("form[action$='/verslag/']")
    parent_first = active_first_name()
    record.get_by_label("Besproken thema's").fill(
        f"Hoe je grenzen stelt als {parent_first} steeds belt."
    )
    submit(record, "Verslag opslaan")
    expect(desk.locator("main")).to_contain_text("een naam uit een lopende koppeling")
    check_axe(desk, "coordinator: record with a name")
    record = desk.locator("form[action$='/verslag/']")
    record.get_by_label("Besproken thema's").fill(
        "Hoe je grenzen stelt als een ouder steeds belt."
    )
    record.get_by_label("Afspraken").fill("Volgende keer de incidentmethode.")
    submit(record, "Verslag opslaan")
    check_axe(desk, "coordinator: record saved")
    planned.refresh_from_db()
    assert planned.record_themes == "Hoe je grenzen stelt als een ouder steeds belt."

    # 4. Anna's page and the buddy page show where she was -----------------------------
    buddy.reload()
    expect(buddy.locator("#attended + ul")).to_contain_text("Grenzen stellen")
    check_axe(buddy, "buddy: intervisie, attended")

    # 5. A message to the group; Anna reads it on her start page; her year ----------------
    desk.goto("/berichten/")
    check_axe(desk, "coordinator: announcements")
    desk.get_by_role("link", name="Nieuw bericht").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: new announcement")
    news = desk.locator("main form")
    news.get_by_label("Titel").fill("Volgende intervisie in januari")
    news.get_by_label("Bericht", exact=True).fill("We zien elkaar op 14 januari.")
    news.get_by_role("radio", name="Een intervisiegroep").check()
    news.get_by_role("combobox", name="Intervisiegroep").select_option(
        label="Groep Oost"
    )
    submit(news, "Versturen")
    expect_message(desk, "Het bericht is naar 2 buddy's gestuurd.")
    expect(desk.locator("main")).to_contain_text("0 van 2")
    check_axe(desk, "coordinator: the announcement sent")
    buddy.goto("/start/")
    card = buddy.locator(".ob-card").filter(has_text="Volgende intervisie in januari")
    expect(card).to_be_visible()
    check_axe(buddy, "buddy: start page with a message")
    card.get_by_role("button", name="Gelezen").click()
    buddy.wait_for_load_state()
    expect(buddy.locator(".ob-card").filter(has_text="in januari")).to_have_count(0)
    buddy.get_by_role("link", name="Berichten van het steunpunt").click()
    buddy.wait_for_load_state()
    expect(buddy.locator("main")).to_contain_text("We zien elkaar op 14 januari.")
    check_axe(buddy, "buddy: messages")
    buddy.goto("/start/")
    buddy.get_by_role("link", name="Mijn jaar als buddy").click()
    buddy.wait_for_load_state()
    expect(buddy.locator(".ob-year")).to_contain_text("Intervisie")
    check_axe(buddy, "buddy: my year")
    desk.goto(f"/jaaroverzicht/{anna.pk}/")
    check_axe(desk, "coordinator: a buddy's year")
    thanks = desk.locator("main form")
    thanks.get_by_label("Persoonlijke woorden").fill("Fijn dat u erbij was!")
    submit(thanks, "Bedankje versturen")
    expect_message(desk, "Uw bedankje is verstuurd.")
    check_axe(desk, "coordinator: thanks sent")


def active_first_name() -> str:
    """The first name of the parent in the running match the world made."""
    from ouderbuddy.matching.models import Match

    return Match.objects.get(status="active").request.full_name.split()[0]
