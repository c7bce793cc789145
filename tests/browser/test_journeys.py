"""End-to-end journeys in Chromium: signing in with the second factor, the team page,
the language switch, keyboard-only use, a small screen and the error pages.

Every page the journeys visit is checked with axe-core (WCAG 2.2 A/AA); the `new_page`
fixture fails a test on any Content-Security-Policy violation or JavaScript error.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import (
    PASSWORD,
    add_totp,
    make_first_coordinator,
    make_organisation,
    next_usable_code,
    totp_code,
)
from ouderbuddy.accounts.models import User
from ouderbuddy.dashboard.panels import COORDINATOR_PANELS
from ouderbuddy.organisations.models import Membership, Role
from tests.browser.support import assert_visible_focus, check_axe, focus_state

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN = "/account/inloggen/"
START = "/start/"
TEAM = "/organisatie/team/"
SMALL = {"width": 360, "height": 740}


# --- Helpers ----------------------------------------------------------------------


def fill_login(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()


def secret_code(secret_text: str) -> str:
    """The code an authenticator app shows now for the key typed from the enrol page."""
    secret = "".join(secret_text.split()).upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, step=30, t0=0, digits=6, drift=0).token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are not a valid code in the current window."""
    valid = {totp_code(device, offset_steps=o) for o in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def assert_no_horizontal_scroll(page: Page, width: int, where: str) -> None:
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width)
                .slice(0, 8)
                .map((el) => el.outerHTML.slice(0, 120))""",
            width,
        )
        pytest.fail(
            f"{where}: the page scrolls sideways at {width}px "
            f"(scrollWidth {scroll_width}); too wide: {wide}",
            pytrace=False,
        )


def assert_choices_readable(page: Page, group: str, submit: str) -> None:
    """Each option of a radio/checkbox group is on one line and the group ends above
    the form's submit button (nothing overlaps the button)."""
    layout = page.evaluate(
        """([group, submit]) => {
            const box = (el) => el.getBoundingClientRect().toJSON();
            const root = document.querySelector(group);
            return {
                labels: [...root.querySelectorAll("label")].map((l) => ({
                    text: l.innerText.trim(), box: box(l),
                    lineHeight: parseFloat(getComputedStyle(l).lineHeight) || 24,
                })),
                group: box(root.closest("fieldset") || root),
                submit: box(document.querySelector(submit)),
                rootHtml: root.outerHTML.slice(0, 160),
            };
        }""",
        [group, submit],
    )
    for label in layout["labels"]:
        one_line = max(44, 1.5 * label["lineHeight"])
        assert label["box"]["height"] <= one_line, (
            f"option {label['text']!r} of {group} wraps onto several lines "
            f"({label['box']['width']:.0f}x{label['box']['height']:.0f}px); "
            f"group: {layout['rootHtml']}"
        )
    assert layout["group"]["bottom"] <= layout["submit"]["top"], (
        f"{group} overlaps the submit button: group ends at "
        f"{layout['group']['bottom']:.0f}px, button starts at {layout['submit']['top']:.0f}px"
    )


def tab_until(
    page: Page,
    key: str,
    where: str,
    *,
    until_skip_link: bool = False,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Press `key` (Tab or Shift+Tab) until focus reaches <main> (or the skip link);
    every element on the way, the skip link included, must show its focus."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press(key)
        state = focus_state(page)
        assert state is not None, f"{where}: focus left the page after {stops}"
        if state["inMain"] and not until_skip_link:
            return stops
        assert_visible_focus(state, f"{where}, stop {len(stops) + 1} ({key})")
        stops.append(state)
        if until_skip_link and "utrecht-skip-link" in state["html"]:
            return stops
    pytest.fail(f"{where}: target not reached after {limit} x {key}", pytrace=False)


# --- Journey A: a coordinator sets up the second factor and invites a buddy -------


def test_coordinator_enrols_second_factor_and_invites(
    page: Page, transactional_db: Any
) -> None:
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")

    page.goto(LOGIN)
    expect(page.locator("h1")).to_have_text("Inloggen")
    check_axe(page, "login page")
    fill_login(page, "cora@noord.test")

    # Step two, first time: set up the authenticator app.
    expect(page).to_have_url(re.compile(r"/account/tweede-stap/instellen/"))
    expect(page.locator("h1")).to_have_text("Tweede stap instellen")
    expect(page.locator(".ob-qr svg")).to_be_visible()
    check_axe(page, "enrol page")
    secret = page.locator("code.ob-secret").inner_text()
    assert all(len(block) == 4 for block in secret.split()[:-1]), secret
    page.get_by_label("Code uit de app").fill(secret_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()

    # The recovery codes, shown once.
    expect(page.locator("h1")).to_have_text("Uw herstelcodes")
    expect(page.locator(".ob-codes li")).to_have_count(10)
    check_axe(page, "recovery codes page")
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    page.wait_for_load_state()

    # The coordinator's start page.
    expect(page).to_have_url(re.compile(rf"{START}$"))
    expect(page.locator("h1")).to_have_text("Goedendag, Cora")
    expect(page.locator(".ob-panel h2")).to_have_count(len(COORDINATOR_PANELS))
    check_axe(page, "coordinator start page")

    # Team, through the main menu.
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Team").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"{TEAM}$"))
    expect(menu.get_by_role("link", name="Team")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("h1")).to_have_text("Team")
    check_axe(page, "team page")
    assert_choices_readable(page, "#id_role", "#invite ~ form [type=submit]")

    # An empty invitation: the error summary takes focus and links to each field.
    send = page.get_by_role("button", name="Uitnodiging versturen")
    send.click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == ["#id_full_name", "#id_email", "#id_role_0"], hrefs
    for href in hrefs:
        expect(page.locator(str(href))).to_have_count(1)
    for field_id in ("id_full_name", "id_email"):
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    check_axe(page, "team page with invitation errors")
    assert_choices_readable(page, "#id_role", "#invite ~ form [type=submit]")
    links.nth(0).click()
    expect(page.locator("#id_full_name")).to_be_focused()

    # A complete invitation.
    page.get_by_label("Naam", exact=True).fill("Bram Buddy")
    page.get_by_label("E-mailadres").fill("bram@noord.test")
    page.get_by_role("radio", name="Ouderbuddy").check()
    send.click()
    page.wait_for_load_state()
    expect(page.locator(".ob-messages")).to_contain_text(
        "De uitnodiging is verstuurd naar bram@noord.test."
    )
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.get_by_role("cell", name="bram@noord.test", exact=True)).to_be_visible()

    # Out, and in again: now the second step asks for a code.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(LOGIN))
    expect(page.locator(".ob-messages")).to_contain_text("U bent uitgelogd.")
    fill_login(page, "cora@noord.test")
    expect(page).to_have_url(re.compile(r"/account/tweede-stap/\?next="))
    expect(page.locator("h1")).to_have_text("Tweede stap")
    check_axe(page, "verify page")

    device = TOTPDevice.objects.get(user=cora.user, confirmed=True)
    page.get_by_label("Code", exact=True).fill(wrong_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Deze code klopt niet")
    check_axe(page, "verify page with a wrong code")

    # After a failure django-otp throttles the device for 1 s (OTP_TOTP_THROTTLE_FACTOR).
    page.wait_for_timeout(1100)
    page.get_by_label("Code", exact=True).fill(next_usable_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"{START}$"))
    expect(page.locator("h1")).to_have_text("Goedendag, Cora")


# --- Journey B: the language switch ---------------------------------------------------


def test_language_switch(page: Page) -> None:
    with translation.override("en"):
        english_heading = translation.gettext("Inloggen")

    page.goto(LOGIN)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"{LOGIN}$"))
    expect(html).to_have_attribute("lang", "en")
    switch = page.get_by_role("button", name="Nederlands")
    expect(switch).to_be_visible()
    expect(switch).to_have_attribute("lang", "nl")
    # With an English catalogue the page is in English; without one (no
    # locale/en/LC_MESSAGES/django.mo yet) Django falls back to the Dutch text.
    expect(page.locator("h1")).to_have_text(english_heading)
    check_axe(page, "login page in English")

    switch.click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Inloggen")


# --- Journey C: keyboard only ---------------------------------------------------------


def test_first_tab_on_login_page_reaches_skip_link(page: Page) -> None:
    """The skip link is the first thing a keyboard user reaches on the login page."""
    page.goto(LOGIN)
    page.keyboard.press("Tab")
    state = focus_state(page)
    assert state is not None and state["text"] == "Direct naar de inhoud", (
        f"the first Tab on the login page lands on {state and state['html']!r}, "
        f"not on the skip link"
    )
    assert_visible_focus(state, "skip link")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_keyboard_only_sign_in_as_buddy(page: Page, transactional_db: Any) -> None:
    noord = make_organisation("Steunpunt Noord")
    user = User.objects.create_user("ben@noord.test", PASSWORD, full_name="Ben Buddy")
    Membership.objects.create(organisation=noord, user=user, role=Role.BUDDY)

    # Back from wherever focus starts to the skip link, through the header.
    page.goto(LOGIN)
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    stops = tab_until(page, "Shift+Tab", "login page header", until_skip_link=True)
    expect(skip).to_be_focused()
    assert "English" in [s["text"] for s in stops], stops

    # Enter on the skip link moves focus to <main>; the next Tab is the first field.
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    assert_visible_focus(focus_state(page), "e-mail field")
    page.keyboard.type("ben@noord.test")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    assert_visible_focus(focus_state(page), "password field")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # A buddy needs no second step: straight to the buddy start page.
    expect(page).to_have_url(re.compile(rf"{START}$"))
    expect(page.locator("h1")).to_have_text("Welkom, Ben")
    check_axe(page, "buddy start page")

    # On a page without autofocus the first Tab is the skip link, and every stop in
    # the header shows its focus.
    stops = tab_until(page, "Tab", "buddy start page header")
    texts = [s["text"] for s in stops]
    assert texts[0] == "Direct naar de inhoud", texts
    for expected in ("Ouderbuddy", "English", "Uitloggen", "Start", "Beveiliging"):
        assert any(t.startswith(expected) for t in texts), (expected, texts)
    page.keyboard.press("Shift+Tab")
    for _ in stops[:-1]:
        page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


# --- Journey D: a small screen (360 px) -------------------------------------------


def test_small_screen_has_no_horizontal_scrolling(
    new_page: PageFactory, transactional_db: Any
) -> None:
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    page = new_page(viewport=SMALL)

    page.goto(LOGIN)
    assert_no_horizontal_scroll(page, SMALL["width"], "login page")
    check_axe(page, "login page at 360px")
    fill_login(page, "cora@noord.test")
    expect(page.locator("h1")).to_have_text("Tweede stap")
    page.get_by_label("Code", exact=True).fill(next_usable_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(rf"{START}$"))
    expect(page.locator(".ob-panel h2")).to_have_count(len(COORDINATOR_PANELS))
    assert_no_horizontal_scroll(page, SMALL["width"], "coordinator start page")
    check_axe(page, "coordinator start page at 360px")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Team"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Team")
    assert_no_horizontal_scroll(page, SMALL["width"], "team page")
    check_axe(page, "team page at 360px")
    assert_choices_readable(page, "#id_role", "#invite ~ form [type=submit]")


# --- Error pages ----------------------------------------------------------------------


def test_not_found_page_is_dutch_and_accessible(new_page: PageFactory) -> None:
    # The browser asks for English; the site still answers in Dutch (no cookie set).
    page = new_page(locale="en-US")
    response = page.goto("/deze-pagina-bestaat-niet/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Deze pagina bestaat niet")
    expect(page).to_have_title("Deze pagina bestaat niet · Ouderbuddy")
    expect(page.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    check_axe(page, "404 page")
