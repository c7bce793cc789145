"""The layout check of the browser suite (support.check_layout), and the pages where
it first found squeezed text: the consent checkboxes of the public forms.

1. On a small synthetic page the check reports each kind of problem it knows
   (squeezed text, sideways overflow, a sideways scrolling region the keyboard
   cannot reach, a too small target) and none of the layouts
   that are fine (running text, a table that scrolls in its own wrapper, an inline
   link, a small control with room around it). This test keeps the check honest: if
   the measurement stops working, it fails here.
2. The consent steps of /hulpvraag/, /buddy-worden/<org>/ and /doorverwijzen/<org>/
   pass the check at 390 px and 1280 px. Before the fix each consent label was drawn
   one letter per line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_organisation
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.reports.figures import school_year_of
from ouderbuddy.taxonomy.models import ExperienceCode
from tests.browser.support import (
    check_axe,
    check_layout,
    ensure_reference_data,
    layout_problems,
)

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

SYNTHETIC = """<!DOCTYPE html>
<html lang="nl"><head><meta name="viewport" content="width=device-width">
<style>
  body { margin: 0; font: 16px/1.5 sans-serif; }
  .squeezed { display: flex; }
  .squeezed span { inline-size: 0; min-inline-size: 0; overflow-wrap: anywhere; }
  .wrapper { overflow-x: auto; max-inline-size: 100%; }
  .tiny { inline-size: 10px; block-size: 10px; padding: 0; border: 1px solid; }
  .alone { margin: 40px; }
  .ok { min-inline-size: 44px; min-block-size: 44px; }
</style></head><body>
<p id="fine">Een gewone zin die over meerdere regels mag lopen, want zo leest
  iedereen een tekst op een telefoon of een groot scherm zonder moeite.</p>
<label class="squeezed"><input type="checkbox" class="ok">
  <span id="squeezed">De ouder weet hiervan en vindt het goed</span></label>
<div id="too-wide" style="inline-size: 2000px">breed</div>
<div class="wrapper" tabindex="0"><table><tr><td>
  <span style="display: inline-block; inline-size: 3000px">tabel</span></td></tr></table></div>
<div class="wrapper" id="unreachable"><span style="display: inline-block;
  inline-size: 3000px">onbereikbaar</span></div>
<p id="cut" style="inline-size: 60px; overflow-wrap: anywhere">Wachtlijst</p>
<p id="names" style="inline-size: 50px">Anouk Visser</p>
<p>Lees <a href="#a">de uitleg</a> eerst.</p>
<p><button id="tiny" class="tiny" aria-label="klein"></button><button
  class="tiny" aria-label="buur"></button></p>
<p class="alone"><button id="spaced" class="tiny" aria-label="vrij"></button></p>
</body></html>"""


def test_layout_check_reports_squeezed_text_overflow_and_small_targets(
    page: Page,
) -> None:
    page.set_viewport_size(PHONE)
    page.set_content(SYNTHETIC)
    problems = layout_problems(page)
    found = {(p["kind"], p["element"].split(" ")[0]) for p in problems}

    assert ("squeezed", "span#squeezed") in found, problems
    assert ("overflow", "document") in found, problems
    assert ("overflow", "div#too-wide") in found, problems
    assert ("target", "button#tiny.tiny") in found, problems
    assert ("scroll", "div#unreachable.wrapper") in found, problems
    assert ("squeezed", "p#cut") in found, problems  # a word cut in two
    # What is fine: running text, a table scrolling inside its focusable wrapper,
    # a link in a sentence, a small control with 24 px of room around its centre.
    elements = " ".join(p["element"] for p in problems)
    assert "#fine" not in elements, problems
    assert "#names" not in elements, problems  # whole words on two lines
    assert "tabel" not in elements and "table" not in elements, problems
    assert "uitleg" not in elements, problems
    assert "#spaced" not in elements, problems

    # check_layout fails the test with every finding, at both widths.
    with pytest.raises(pytest.fail.Exception) as failure:
        check_layout(page, "synthetic page")
    message = str(failure.value)
    assert "390px squeezed: span#squeezed" in message, message
    assert "1280px overflow: div#too-wide" in message, message
    assert "390px target: button#tiny" in message, message
    assert "1280px scroll: div#unreachable" in message, message
    # The viewport is put back.
    assert page.viewport_size == PHONE

    # The same page without the faults passes.
    page.set_content(
        re.sub(
            r'<label class="squeezed">.*?</label>|<div id="too-wide".*?</div>'
            r'|<p><button id="tiny".*?</button></p>'
            r'|<div class="wrapper" id="unreachable">.*?</div>'
            r'|<p id="cut".*?</p>',
            "",
            SYNTHETIC,
            flags=re.S,
        )
    )
    assert layout_problems(page) == []


# --- The consent steps ----------------------------------------------------------------


@pytest.fixture
def noord(transactional_db: Any) -> Organisation:
    ensure_reference_data()
    cache.clear()
    return make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))


def _label(code: str) -> str:
    return str(ExperienceCode.objects.get(code=code).label)


def _next(page: Page) -> None:
    page.locator("main").get_by_role("button", name="Volgende", exact=True).click()
    page.wait_for_load_state()


def test_parent_form_check_step_lays_out(
    new_page: PageFactory, noord: Organisation
) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/hulpvraag/stap/wie/")
    page.get_by_role("radio", name="Ik ben ouder of verzorger (met gezag)").check()
    page.get_by_label("Postcode", exact=True).fill("1012 AB")
    _next(page)
    page.get_by_label("Uw naam").fill("Ahmed Yilmaz")
    page.get_by_label("Uw e-mailadres").fill("ahmed@example.nl")
    _next(page)
    page.get_by_label("Voornaam of voorletters van uw kind").fill("Y.")
    page.get_by_label("Geboortejaar van uw kind").fill("2015")
    page.get_by_role("checkbox", name=_label("route.po_regular"), exact=True).check()
    _next(page)
    page.get_by_label("Wat is uw vraag?").fill("Hij wordt steeds naar huis gestuurd.")
    _next(page)
    page.get_by_role("checkbox", name="Videobellen", exact=True).check()
    _next(page)
    expect(page.locator("h1")).to_have_text("Controleren en versturen")
    consent = page.locator("label[for=id_consent_processing]")
    expect(consent).to_be_visible()
    check_layout(page, "parent form, check and send")
    # The check page of a phone is a few screens, not tens of thousands of pixels.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 6000, f"the check page is {height}px tall at 390px"
    check_axe(page, "parent form, check and send")


def test_buddy_application_form_lays_out(
    new_page: PageFactory, noord: Organisation
) -> None:
    page = new_page(viewport=PHONE)
    page.goto(f"/buddy-worden/{noord.pk}/")
    expect(page.locator("h1")).to_have_text("Aanmelden als buddy")
    check_axe(page, "buddy application form")
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_visible()
    check_axe(page, "buddy application form with errors")


def test_referral_form_lays_out(new_page: PageFactory, noord: Organisation) -> None:
    page = new_page(viewport=PHONE)
    page.goto(f"/doorverwijzen/{noord.pk}/")
    check_axe(page, "referral form")


# --- Every page of the menu, with the demo data, on a phone --------------------------

DEMO_DOMAIN = "ouderbuddy.example"


def _demo_user(email: str) -> Any:
    from conftest import PASSWORD, add_totp
    from ouderbuddy.accounts.models import User

    user = User.objects.get(email=email)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return add_totp(user)


def _visit_menu(page: Page, who: str) -> list[str]:
    """Every page of the main menu, and the first page each of its tables links to;
    axe and the layout check on each. Returns the paths visited."""
    menu = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    paths = [menu.nth(i).get_attribute("href") or "" for i in range(menu.count())]
    visited: list[str] = []
    for path in paths:
        page.goto(path)
        check_axe(page, f"{who} {path}")
        visited.append(path)
        detail = page.locator("main table a[href]").first
        if detail.count():
            href = detail.get_attribute("href") or ""
            if href.startswith("/") and href not in visited and href not in paths:
                page.goto(href)
                check_axe(page, f"{who} {href}")
                visited.append(href)
    return visited


@pytest.fixture
def demo(transactional_db: Any) -> None:
    from django.core.management import call_command

    ensure_reference_data()
    cache.clear()
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_staff_and_buddy_pages_lay_out_on_a_phone_and_a_desktop(
    new_page: PageFactory, demo: None
) -> None:
    """The coordinator's own pages (inbox, waiting list, search, matching, support,
    buddies, trainings, team, audit log and the first record of each list), the
    buddy's pages and the platform admin's pages, with the demo data: no squeezed
    text, nothing wider than a phone, targets of 24 px, axe clean."""
    from tests.browser.support import sign_in

    for email, who, expected in (
        (f"coordinator@amsterdam.{DEMO_DOMAIN}", "coordinator", "/hulpvragen/"),
        (f"buddy@amsterdam.{DEMO_DOMAIN}", "buddy", "/start/"),
        # Without a membership the menu has no Start (navigation.py); the start
        # page itself is checked right after signing in.
        (f"beheer@{DEMO_DOMAIN}", "platform admin", "/platform/organisaties/"),
        # The national figures of both demo support points, with their history.
        (f"netwerk@{DEMO_DOMAIN}", "network admin", "/rapportage/"),
    ):
        device = _demo_user(email)
        page = new_page(viewport=PHONE)
        sign_in(page, email, device)
        check_axe(page, f"{who} start page")
        visited = _visit_menu(page, who)
        assert expected in visited, (who, visited)
        if who == "coordinator":
            # Reports off the menu, with the demo's past: last school year's
            # figures and the recruitment planner's table per code and SWV.
            last = school_year_of(timezone.localdate()) - 1
            for path in (
                f"/rapportage/?period=year&year={last}",
                "/rapportage/werving/",
                "/rapportage/signalen/",
            ):
                page.goto(path)
                check_axe(page, f"{who} {path}")
