"""Matching in Chromium, through the real pages.

The coordinator opens the shortlist for a waiting request, reads why each buddy fits,
looks at who is out and why, compares two buddies and proposes one; the buddy accepts
on a phone; the parent agrees through the status link on a phone; the coordinator plans
the introduction and starts the match. Also the weights page with its preview and a
batch draft. Every page is checked with axe-core; the `new_page` fixture fails the test
on any Content-Security-Policy violation or JavaScript error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.services import status_url
from ouderbuddy.matching.models import Match, MatchingWeights, MatchStatus
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.organisations.models import Membership, Role
from tests.browser.support import (
    assert_no_horizontal_scroll,
    check_axe,
    ensure_reference_data,
    sign_in,
)

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOGIN = "/account/inloggen/"
START = "/start/"


@dataclass
class World:
    cora: Membership
    device: TOTPDevice
    fatima: Buddy
    gerrit: Buddy
    far: Buddy
    request: HelpRequest


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    user = User.objects.create_user(
        "fatima@example.nl", PASSWORD, full_name="Fatima El Amrani"
    )
    Membership.objects.create(organisation=noord, user=user, role=Role.BUDDY)
    fatima = matchable_buddy(
        noord,
        "Fatima El Amrani",
        user=user,
        languages=["nl", "ar"],
        introduction="Moeder van twee. Mijn zoon zat een jaar thuis.",
    )
    gerrit = matchable_buddy(
        noord, "Gerrit Jansen", codes=["route.po_regular"], gender="male"
    )
    far = matchable_buddy(noord, "Vera Verweg", postcode="9711")
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = waiting_request(cora, languages=["ar"], full_name="Sanne Jansen")
    return World(cora, device, fatima, gerrit, far, request)


def click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]
    page.wait_for_load_state()


def test_shortlist_to_active_match(world: World, new_page: PageFactory) -> None:
    coordinator = new_page()
    sign_in(coordinator, "cora@noord.test", world.device)
    coordinator.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Koppelen", exact=True
    ).click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("h1")).to_have_text("Koppelen")
    check_axe(coordinator, "matching overview")

    # The shortlist: Fatima first, with the reasons in words.
    click(coordinator, "link", world.request.reference)
    expect(coordinator.locator("h1")).to_contain_text(world.request.reference)
    first_row = coordinator.locator("tbody tr").first
    expect(first_row).to_contain_text("Fatima El Amrani")
    expect(first_row).to_contain_text("zelfde ervaring: ")
    expect(first_row).to_contain_text("spreekt arabisch")
    expect(first_row).to_contain_text("1 van 1 plekken vrij")
    first_row.locator("summary").click()
    expect(first_row.locator("details")).to_contain_text("Totaal")
    check_axe(coordinator, "shortlist")

    # Who is out, and why.
    click(coordinator, "link", "Toon wie en waarom")
    expect(coordinator.locator("#uitgesloten ~ ul").first).to_contain_text(
        "Vera Verweg: Verder weg dan de ouder wil"
    )
    check_axe(coordinator, "shortlist with excluded buddies")

    # Side by side: tick two with the keyboard, compare.
    coordinator.get_by_label("Fatima El Amrani vergelijken").check()
    coordinator.get_by_label("Gerrit Jansen vergelijken").focus()
    coordinator.keyboard.press("Space")
    click(coordinator, "button", "Vergelijk twee aangevinkte buddy's")
    expect(coordinator.locator("thead")).to_contain_text("Fatima El Amrani")
    expect(coordinator.locator("thead")).to_contain_text("Gerrit Jansen")
    check_axe(coordinator, "comparison")

    # Propose Fatima with a reason.
    click(coordinator, "link", "Fatima El Amrani voorstellen")
    check_axe(coordinator, "propose page")
    coordinator.get_by_label("Waarom deze buddy? (voor het dossier)").fill(
        "Spreekt Arabisch, kent thuiszitten"
    )
    click(coordinator, "button", "Voorstel versturen")
    expect(coordinator.locator(".ob-messages")).to_contain_text("is gevraagd")
    expect(coordinator.locator("main")).to_contain_text("Voorgesteld aan buddy")
    check_axe(coordinator, "match page, proposed")
    match = Match.objects.get()

    # The buddy answers on a phone, with the keyboard.
    phone = new_page(viewport=PHONE)
    sign_in(phone, "fatima@example.nl")
    expect(phone.locator("#proposals-title")).to_have_text("Een ouder zoekt een buddy")
    assert_no_horizontal_scroll(phone, PHONE["width"], "buddy start page")
    check_axe(phone, "buddy start page with a proposal")
    phone.locator(".ob-next-step").get_by_role("link").first.click()
    phone.wait_for_load_state()
    body = phone.locator("main")
    expect(body).not_to_contain_text("Sanne")
    expect(body).not_to_contain_text("Noor")
    assert_no_horizontal_scroll(phone, PHONE["width"], "proposal page")
    check_axe(phone, "proposal page on a phone")
    accept = phone.get_by_role("button", name="Ja, ik wil buddy zijn voor deze ouder")
    accept.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_load_state()
    expect(phone.locator(".ob-messages")).to_be_visible()
    check_axe(phone, "proposals after accepting")
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED

    # The parent agrees through the status link, on a phone.
    parent = new_page(viewport=PHONE)
    parent.goto(urlsplit(status_url(world.request)).path)
    expect(parent.locator("main")).to_contain_text("Fatima")
    expect(parent.locator("main")).to_contain_text("Mijn zoon zat een jaar thuis")
    expect(parent.locator("main")).not_to_contain_text("El Amrani")
    assert_no_horizontal_scroll(parent, PHONE["width"], "status page with a buddy")
    check_axe(parent, "status page, buddy proposed")
    click(parent, "button", "Ja, ik wil Fatima als buddy")
    expect(parent.locator("main")).to_contain_text("kennismaking")
    check_axe(parent, "status page, parent agreed")
    match.refresh_from_db()
    assert match.status == MatchStatus.AGREED

    # The coordinator plans the introduction, then starts the match.
    coordinator.reload()
    expect(coordinator.locator("h2#kennismaking")).to_have_text("Kennismaking plannen")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    coordinator.get_by_label("Datum").fill(tomorrow.isoformat())
    coordinator.get_by_label("Tijd").fill("10:30")
    coordinator.get_by_label("Op een plek afspreken").check()
    coordinator.get_by_label("Plek of link").fill("Bibliotheek Noord")
    coordinator.get_by_label("Ik ben als coördinator bij de kennismaking").check()
    click(coordinator, "button", "Kennismaking opslaan")
    expect(coordinator.locator(".ob-messages")).to_contain_text(
        "De kennismaking is gepland"
    )
    check_axe(coordinator, "match page, introduction planned")
    # Before the introduction the match cannot start yet (issue 10, item 10).
    expect(
        coordinator.get_by_role("button", name="Koppeling starten", exact=True)
    ).to_have_count(0)
    # The introduction day comes (moved to this morning: the live server keeps the
    # real clock), and the coordinator starts the match.
    Match.objects.filter(pk=match.pk).update(
        introduction_at=timezone.now() - dt.timedelta(minutes=1)
    )
    coordinator.reload()
    click(coordinator, "button", "Koppeling starten")
    expect(coordinator.locator("main")).to_contain_text("Actief")
    check_axe(coordinator, "match page, active")
    match.refresh_from_db()
    world.request.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert world.request.status == RequestStatus.MATCHED

    parent.reload()
    check_axe(parent, "status page, matched")


def test_weights_preview_and_batch_draft(world: World, new_page: PageFactory) -> None:
    page = new_page()
    sign_in(page, "cora@noord.test", world.device)
    page.goto("/koppelen/gewichten/")
    check_axe(page, "weights page")
    # Live preview: changing a weight re-ranks the list without pressing a button.
    table = page.locator("#voorbeeld-tabel")
    before = table.locator("tbody td").nth(1).inner_text()
    page.get_by_label("spreekt de taal van de ouder", exact=True).fill("40")
    expect(table.locator("tbody td").nth(1)).not_to_have_text(before)
    assert not MatchingWeights.objects.exists(), "a preview saves nothing"
    # All zero is refused with the reason, next to the form.
    for label in (
        "per gedeelde ervaring met procedures op school",
        "per gedeelde ondersteuningsbehoefte",
        "per gedeelde onderwijsroute of overgang",
        "zelfde samenwerkingsverband",
        "spreekt de taal van de ouder",
        "man of vrouw, zoals de ouder liefst wil",
        "aftrek per kilometer afstand",
        "buddy met vrije plekken",
        "per week op de wachtlijst",
    ):
        page.get_by_label(label, exact=True).fill("0")
    click(page, "button", "Opslaan")
    expect(page.locator("main")).to_contain_text("Zet minstens één gewicht hoger dan 0")
    check_axe(page, "weights page with an error")
    page.get_by_label("per gedeelde ervaring met procedures op school").fill("3")
    click(page, "button", "Voorbeeld bekijken")
    expect(page.locator("#voorbeeld-tabel")).to_contain_text(world.request.reference)
    check_axe(page, "weights preview")

    page.goto("/koppelen/voorstel/")
    check_axe(page, "batch start")
    click(page, "button", "Concept maken")
    expect(page.locator("main")).to_contain_text("1 van de 1 wachtende ouders")
    check_axe(page, "batch draft")
    click(page, "button", "Alles versturen")
    expect(page.locator(".ob-messages")).to_contain_text(
        "1 voorstel verstuurd naar een buddy."
    )
    check_axe(page, "batch draft, published")
    page.goto("/koppelingen/")
    expect(page.locator("tbody")).to_contain_text(world.request.reference)
    check_axe(page, "match list")
