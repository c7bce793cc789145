"""A parent's help request in Chromium, through the real pages.

1. A parent on a phone (390x844) fills in every step of /hulpvraag/ with the keyboard
   only: Tab, Shift+Tab, arrow keys, Space, Enter and typing. On the way she makes a
   mistake (the error summary appears and takes focus) and goes back with "Vorige"
   (what she typed stays). The confirmation shows her reference.
2. She opens the status link from the e-mail: "Nieuw".
3. The coordinator signs in (password and code), opens "Hulpvragen" and the request,
   and puts it on the waiting list; the parent's status page says so.
4. A second request is referred to the education consultant with a reason; that
   parent's status page shows where to go and why.
5. Without JavaScript the whole public form still works, and the public pages load
   only the site's own (small) scripts.

Every page is checked with axe-core (WCAG 2.2 A/AA), error states included; the phone
pages must not scroll sideways. The `new_page` fixture fails a test on any
Content-Security-Policy violation or JavaScript error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, Response, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.taxonomy.models import ExperienceCode
from tests.browser.conftest import PageLog
from tests.browser.support import (
    _FOCUS_STATE,
    assert_no_horizontal_scroll,
    assert_visible_focus,
    check_axe,
    ensure_reference_data,
    ensure_referral_targets,
    next_totp_code,
)

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOGIN = "/account/inloggen/"
START = "/start/"
INTAKE = "/hulpvraag/"
FIRST_STEP = "/hulpvraag/stap/wie/"
STEP_URL = re.compile(r"/hulpvraag/stap/(?P<slug>[a-z]+)/(\?.*)?(#.*)?$")
DONE_URL = re.compile(r"/hulpvraag/verstuurd/(#.*)?$")
# Scripts of one public page, all together, as sent over the wire.
SCRIPT_BUDGET = 100 * 1024

PARENT = "Sanne de Vries"
PARENT_EMAIL = "sanne.devries@example.nl"
CHILD = "Noor"
QUESTION = (
    "Mijn dochter zit sinds de herfstvakantie thuis. School zegt dat de klas vol is."
)
REFERRAL_REASON = "De onderwijsconsulent kan helpen bij het zoeken naar een school."


# --- Setup ------------------------------------------------------------------------


@dataclass
class World:
    noord: Organisation
    cora: Membership
    device: TOTPDevice


@pytest.fixture
def world(transactional_db: Any) -> World:
    # Postcodes, codes and referral targets: gone when an earlier transactional test
    # ran. The rate limits of the form live in the (database) cache, which a flush
    # does not empty: start from zero.
    ensure_reference_data()
    ensure_referral_targets()
    cache.clear()
    mail.outbox.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    return World(noord, cora, device)


def code_label(code: str) -> str:
    return str(ExperienceCode.objects.get(code=code).label)


# --- Page checks --------------------------------------------------------------------


def assert_own_scripts_only(page: Page, where: str) -> None:
    """Every <script> on the page is one of the site's own static files."""
    sources = page.locator("script").evaluate_all(
        "(els) => els.map((el) => el.getAttribute('src'))"
    )
    inline = [s for s in sources if s is None]
    foreign = [s for s in sources if s is not None and not s.startswith("/static/")]
    assert not inline, f"{where}: {len(inline)} inline <script> element(s)"
    assert not foreign, f"{where}: scripts from outside /static/: {foreign}"


def check_phone_page(page: Page, where: str) -> None:
    """No sideways scrolling at 390 px, only the site's own scripts, and axe."""
    assert_no_horizontal_scroll(page, PHONE["width"], where)
    assert_own_scripts_only(page, where)
    check_axe(page, f"{where} (390 px)")


# --- The keyboard -------------------------------------------------------------------

_FOCUS_AFTER = """(el) => {
  const active = document.activeElement;
  if (!active || active === document.body) return false;
  return !!(el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""
# After each key press, in one round trip: wait until the page stops scrolling the
# focused element into view (the Utrecht root scrolls smoothly unless the user asks
# for less motion), then report what has focus, whether it is (inside) the target,
# and whether it is Chromium's own calendar button inside <input type="date">. That
# button is a tab stop of its own; while it has focus the input matches neither
# :focus nor :focus-visible, so no site style can apply, and Chromium draws its own
# ring around the button inside the shadow root, out of reach of getComputedStyle.
_AFTER_KEY = (
    """async (el) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const outside = () => {
    const box = document.activeElement.getBoundingClientRect();
    return Math.round(box.top) < 0 || Math.round(box.left) < 0
      || Math.round(box.bottom) > innerHeight || Math.round(box.right) > innerWidth;
  };
  const active = document.activeElement;
  if (!active || active === document.body) return null;
  if (outside()) {
    let last = null, still = 0;
    for (let i = 0; i < 120 && still < 2; i++) {
      await frame();
      const now = `${scrollX},${scrollY}`;
      still = now === last ? still + 1 : 0;
      last = now;
    }
  }
  return {
    state: ("""
    + _FOCUS_STATE
    + """)(),
    reached: el.contains(active),
    name: active.name || active.id
      || (active.innerText || "").trim().slice(0, 40) || active.tagName,
  };
}"""
)


def _whole_pixels(state: dict[str, Any]) -> dict[str, Any]:
    """Layout is in fractions of a pixel, scrolling in whole ones: a box scrolled to
    the bottom edge may end 0.08 px below it. Round the box to whole pixels."""
    state["box"] = {k: round(v) for k, v in state["box"].items()}
    return state


def tab_to(page: Page, target: Locator, where: str, *, limit: int = 80) -> list[str]:
    """Press Tab (or Shift+Tab when `target` comes earlier in the page) until focus
    is on `target` or inside it (a radio group). Every stop on the way, and the
    target, must show its focus inside the viewport. Returns the stops passed."""
    handle = target.element_handle()
    stops: list[str] = []
    if handle.evaluate("(el) => el.contains(document.activeElement)"):
        return stops
    key = "Shift+Tab" if handle.evaluate(_FOCUS_AFTER) else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        found = handle.evaluate(_AFTER_KEY)
        assert found is not None, f"{where}: focus left the page after {stops}"
        assert_visible_focus(
            _whole_pixels(found["state"]), f"{where}, {key} stop {len(stops) + 1}"
        )
        if found["reached"]:
            return stops
        stops.append(found["name"])
    pytest.fail(
        f"{where}: {key} x {limit} never reached the target; stops: {stops}",
        pytrace=False,
    )


def type_into(page: Page, field: Locator, text: str, where: str) -> None:
    """Tab to a text field, replace what it holds, type `text`."""
    tab_to(page, field, where)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    expect(field).to_have_value(text)


def toggle(page: Page, checkbox: Locator, where: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, checkbox, where)
    expect(checkbox).not_to_be_checked()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def choose(page: Page, group: Locator, option: str, where: str) -> None:
    """Tab into a radio group and move with the arrow keys to `option`."""
    target = group.get_by_role("radio", name=option, exact=True)
    tab_to(page, group, where)
    for _ in range(group.get_by_role("radio").count()):
        if target.evaluate("(el) => el === document.activeElement"):
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    expect(target).to_be_focused()
    expect(target).to_be_checked()


def press_button(page: Page, name: str, where: str) -> list[str]:
    """Tab to a button (or a link that looks like one) and press Enter. Returns the
    tab stops passed on the way."""
    button = page.locator("main").get_by_role("button", name=name, exact=True)
    if button.count() == 0:
        button = page.locator("main").get_by_role("link", name=name, exact=True)
    stops = tab_to(page, button, where)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    return stops


def expect_step(page: Page, slug: str, heading: str, number: int) -> None:
    match = STEP_URL.search(page.url)
    assert match and match.group("slug") == slug, (slug, page.url)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("main")).to_contain_text(f"Stap {number} van 6")


def expect_error_summary(
    page: Page, *field_ids: str, error_title: bool = True
) -> Locator:
    """The error summary is shown, has focus, and links to each field with an error."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"#{f}" for f in field_ids], hrefs
    for field_id in field_ids:
        expect(page.locator(f"#{field_id}")).to_have_count(1)
    if error_title:
        # The public form says so in the title too: the first thing a screen
        # reader announces on the new page.
        expect(page).to_have_title(re.compile("^Fout: "))
    return summary


# --- Mail and sign-in -----------------------------------------------------------------


def status_path(address: str, subject: str) -> str:
    """The path of the status link in the last e-mail to `address` about `subject`."""
    sent = [m for m in mail.outbox if address in m.to and subject in m.subject]
    assert sent, (
        f"no e-mail {subject!r} to {address}; "
        f"outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    )
    site = settings.SITE_URL.rstrip("/")
    match = re.search(re.escape(site) + r"/hulpvraag/status/[^/\s]+/", sent[-1].body)
    assert match, f"no status link starting with {site} in:\n{sent[-1].body}"
    # The link starts with SITE_URL; the live server answers on another port.
    return urlsplit(match.group(0)).path


def sign_in_coordinator(page: Page, world: World) -> None:
    page.goto(LOGIN)
    page.get_by_label("E-mailadres").fill("cora@noord.test")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Tweede stap")
    page.get_by_label("Code", exact=True).fill(next_totp_code(world.device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"{START}$"))


def open_request(page: Page, reference: str) -> None:
    """Through the main menu to the inbox, then the request."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Hulpvragen", exact=True
    ).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/hulpvragen/$"))
    expect(page.locator("h1")).to_have_text("Nieuwe hulpvragen")
    check_axe(page, "inbox")
    page.get_by_role("link", name=reference, exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(f"Hulpvraag {reference}")
    expect(page.locator(".utrecht-paragraph--lead")).to_contain_text("Status: Nieuw")
    check_axe(page, "request page, new")


def expect_status(page: Page, label: str, *texts: str) -> None:
    section = page.get_by_role("region", name="Waar staat uw vraag nu?")
    expect(section.locator("strong").first).to_have_text(label)
    for text in texts:
        expect(section).to_contain_text(text)


# --- 1-3: keyboard only on a phone, the status link, the waiting list ---------------


def test_parent_asks_for_help_with_keyboard_on_phone_then_waiting_list(
    new_page: PageFactory, world: World
) -> None:
    phone = new_page(viewport=PHONE)
    # This parent asks her phone for less motion: the page jumps to what gets focus
    # instead of scrolling smoothly, so each Tab stop can be checked at once.
    phone.emulate_media(reduced_motion="reduce")

    # The start page: Tab past the header to "Beginnen".
    phone.goto(INTAKE)
    expect(phone.locator("h1")).to_have_text(
        "Hulp vragen bij school en passend onderwijs"
    )
    check_phone_page(phone, "intake start page")
    press_button(phone, "Beginnen", "start page")

    # Step 1: the postcode first, then Shift+Tab back up to who is asking.
    expect_step(phone, "wie", "Wie vraagt hulp, en waar?", 1)
    check_phone_page(phone, "step 1")
    type_into(phone, phone.get_by_label("Postcode", exact=True), "1012 AB", "step 1")
    asker = phone.get_by_role("group", name="Wie vraagt er hulp?")
    stops = tab_to(phone, asker, "step 1, back to the first question")
    assert stops, "Shift+Tab from the postcode should pass the birth date field"
    choose(phone, asker, "Ik ben ouder of verzorger (met gezag)", "step 1")
    press_button(phone, "Volgende", "step 1")

    # Step 2: a mistake in the e-mail address.
    expect_step(phone, "contact", "Uw gegevens", 2)
    expect(phone.locator("main")).to_contain_text("uw vraag gaat naar Steunpunt Noord")
    check_phone_page(phone, "step 2")
    type_into(phone, phone.get_by_label("Uw naam"), PARENT, "step 2")
    type_into(phone, phone.get_by_label("Uw e-mailadres"), "sanne@", "step 2")
    press_button(phone, "Volgende", "step 2")

    expect_step(phone, "contact", "Uw gegevens", 2)
    summary = expect_error_summary(phone, "id_email")
    expect(summary).to_contain_text("Vul een e-mailadres in zoals naam@voorbeeld.nl.")
    email = phone.get_by_label("Uw e-mailadres")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_label("Uw naam")).to_have_value(PARENT)
    check_phone_page(phone, "step 2 with an error")
    # From the summary, Tab reaches its link; Enter puts focus in the field.
    phone.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(email).to_be_focused()
    type_into(phone, email, PARENT_EMAIL, "step 2, corrected")
    contact = phone.get_by_role(
        "group", name="Hoe wilt u dat het steunpunt contact met u opneemt?"
    )
    expect(contact.get_by_role("radio", name="E-mail", exact=True)).to_be_checked()
    press_button(phone, "Volgende", "step 2")

    # Step 3: type the child's name, go back with "Vorige", and forward again.
    expect_step(phone, "kind", "Over uw kind", 3)
    check_phone_page(phone, "step 3")
    child_name = phone.get_by_label("Voornaam of voorletters van uw kind")
    type_into(phone, child_name, CHILD, "step 3")
    press_button(phone, "Vorige", "step 3")
    expect_step(phone, "contact", "Uw gegevens", 2)
    expect(phone.locator("#error-summary")).to_have_count(0)
    expect(phone.get_by_label("Uw naam")).to_have_value(PARENT)
    expect(phone.get_by_label("Uw e-mailadres")).to_have_value(PARENT_EMAIL)
    check_phone_page(phone, "step 2, back again")
    press_button(phone, "Volgende", "step 2, again")
    expect_step(phone, "kind", "Over uw kind", 3)
    expect(child_name).to_have_value(CHILD)
    check_phone_page(phone, "step 3, forward again")

    type_into(phone, phone.get_by_label("Geboortejaar van uw kind"), "2015", "step 3")
    toggle(
        phone,
        phone.get_by_role("checkbox", name=code_label("route.po_regular"), exact=True),
        "step 3",
    )
    press_button(phone, "Volgende", "step 3")

    # Step 4: what is going on.
    expect_step(phone, "situatie", "Wat speelt er?", 4)
    check_phone_page(phone, "step 4")
    toggle(
        phone,
        phone.get_by_role(
            "checkbox", name=code_label("issue.out_of_school"), exact=True
        ),
        "step 4",
    )
    type_into(phone, phone.get_by_label("Wat is uw vraag?"), QUESTION, "step 4")
    toggle(
        phone,
        phone.get_by_role("checkbox", name=re.compile("^Mijn kind zit al langer")),
        "step 4",
    )
    press_button(phone, "Volgende", "step 4")

    # Step 5: preferences; Dutch stays ticked and Arabic is added, one way of
    # contact is ticked.
    expect_step(phone, "voorkeuren", "Wat vindt u belangrijk?", 5)
    check_phone_page(phone, "step 5")
    expect(phone.get_by_role("checkbox", name="Nederlands", exact=True)).to_be_checked()
    toggle(phone, phone.get_by_role("checkbox", name="Arabisch", exact=True), "step 5")
    toggle(phone, phone.get_by_role("checkbox", name="Telefoon", exact=True), "step 5")
    choose(
        phone,
        phone.get_by_role(
            "group", name="Wilt u liever een vrouw of een man als buddy?"
        ),
        "Liefst een vrouw",
        "step 5",
    )
    press_button(phone, "Volgende", "step 5")

    # Step 6: the summary; sending without the required consent is an error.
    expect_step(phone, "controleren", "Controleren en versturen", 6)
    main = phone.locator("main")
    for text in (PARENT, PARENT_EMAIL, "1012", "Steunpunt Noord", CHILD, QUESTION):
        expect(main).to_contain_text(text)
    check_phone_page(phone, "step 6")
    press_button(phone, "Hulpvraag versturen", "step 6")
    expect_step(phone, "controleren", "Controleren en versturen", 6)
    summary = expect_error_summary(phone, "id_consent_processing")
    check_phone_page(phone, "step 6 with an error")
    assert not HelpRequest.objects.exists()
    phone.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    phone.keyboard.press("Enter")
    consent = phone.locator("#id_consent_processing")
    expect(consent).to_be_focused()
    phone.keyboard.press("Space")
    expect(consent).to_be_checked()
    stops = press_button(phone, "Hulpvraag versturen", "step 6, consent given")
    # The two optional consents are on the way; the honeypot field is not.
    assert stops == ["consent_share", "consent_research"], stops

    # The confirmation shows the reference.
    expect(phone).to_have_url(DONE_URL)
    expect(phone.locator("h1")).to_have_text("Uw hulpvraag is verstuurd")
    help_request = HelpRequest.objects.get()
    expect(phone.get_by_role("status")).to_contain_text(
        f"Uw kenmerk is {help_request.reference}."
    )
    check_phone_page(phone, "confirmation page")
    assert help_request.organisation_id == world.noord.pk
    assert help_request.status == RequestStatus.NEW
    assert (help_request.full_name, help_request.email) == (PARENT, PARENT_EMAIL)
    assert (help_request.child_name, help_request.child_birth_year) == (CHILD, 2015)
    assert help_request.postcode_id == "1012"
    assert help_request.question == QUESTION
    assert help_request.out_of_school is True
    assert help_request.contact_modes == ["phone"]
    assert help_request.buddy_gender == "female"
    assert help_request.languages == ["nl", "ar"]
    assert sorted(help_request.codes.values_list("code", flat=True)) == [
        "issue.out_of_school",
        "route.po_regular",
    ]

    # 2. The status link from the e-mail: received, "Nieuw".
    link = status_path(PARENT_EMAIL, "We hebben uw hulpvraag ontvangen")
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text(f"Uw hulpvraag {help_request.reference}")
    expect_status(phone, "Nieuw", "We hebben uw vraag goed ontvangen.")
    check_phone_page(phone, "status page, new")

    # 3. The coordinator puts the request on the waiting list.
    coordinator = new_page()
    sign_in_coordinator(coordinator, world)
    open_request(coordinator, help_request.reference)
    coordinator.get_by_role("button", name="Op de wachtlijst voor een buddy").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator(".ob-messages")).to_contain_text(
        "De hulpvraag staat op de wachtlijst. De ouder krijgt een e-mail."
    )
    expect(coordinator.locator(".utrecht-paragraph--lead")).to_contain_text(
        "Status: Op de wachtlijst"
    )
    check_axe(coordinator, "request page, on the waiting list")
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.WAITING

    # The parent's page says so (the e-mail carries the same link).
    assert status_path(PARENT_EMAIL, "Wij zoeken een buddy voor u")
    phone.reload()
    expect_status(
        phone,
        "Op de wachtlijst",
        "Uw vraag staat op de wachtlijst voor een buddy.",
    )
    check_phone_page(phone, "status page, on the waiting list")


# --- 4: a referral, and what the parent reads ---------------------------------------


def test_coordinator_refers_and_parent_reads_where_to_go(
    new_page: PageFactory, world: World
) -> None:
    help_request = submit(
        world.noord, full_name="Karim Bakker", email="karim@example.nl"
    )
    coordinator = new_page()
    sign_in_coordinator(coordinator, world)
    open_request(coordinator, help_request.reference)

    # Without a reason: the error summary in the referral form takes focus.
    refer = coordinator.locator("details").filter(
        has=coordinator.locator("summary", has_text="Doorverwijzen")
    )
    refer.locator("summary").click()
    target = refer.get_by_role(
        "radio", name="Onderwijsconsulent (onderwijsconsulenten.nl)"
    )
    target.check()
    refer.get_by_role("button", name="Doorverwijzen", exact=True).click()
    coordinator.wait_for_load_state()
    expect_error_summary(coordinator, "id_refer-reason", error_title=False)
    expect(refer).to_have_attribute("open", "")
    check_axe(coordinator, "request page, referral without a reason")
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.NEW

    expect(target).to_be_checked()
    refer.get_by_label("Waarom verwijst u door?").fill(REFERRAL_REASON)
    refer.get_by_role("button", name="Doorverwijzen", exact=True).click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator(".ob-messages")).to_contain_text(
        "De ouder is doorverwezen en krijgt een e-mail."
    )
    expect(coordinator.locator(".utrecht-paragraph--lead")).to_contain_text(
        "Status: Doorverwezen"
    )
    expect(coordinator.locator("main")).to_contain_text("Naar Onderwijsconsulent.")
    check_axe(coordinator, "request page, referred")
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.REFERRED
    assert help_request.referral_reason == REFERRAL_REASON

    # The parent opens the link from the e-mail about the referral.
    parent = new_page(viewport=PHONE)
    parent.goto(
        status_path("karim@example.nl", "Uw hulpvraag: een betere plek voor uw vraag")
    )
    expect(parent.locator("h1")).to_have_text(f"Uw hulpvraag {help_request.reference}")
    expect_status(parent, "Doorverwezen", "iemand anders u beter kan helpen")
    details = parent.get_by_role("region", name="Waar staat uw vraag nu?").locator("dl")
    for key, value in (
        ("Waar u terecht kunt", "Onderwijsconsulent"),
        ("Contact", "onderwijsconsulenten.nl"),
        ("Waarom", REFERRAL_REASON),
    ):
        item = details.locator(".utrecht-data-list__item").filter(
            has=parent.locator("dt", has_text=key)
        )
        expect(item.locator("dd")).to_have_text(value)
    check_phone_page(parent, "status page, referred")


# --- 5: without JavaScript; the scripts the public pages load -----------------------


def page_without_javascript(factory: PageFactory) -> Page:
    """A phone-sized page in a context with JavaScript switched off; the factory
    closes it and fails the test on what its console reports."""
    context = factory.browser.new_context(
        base_url=factory.base_url,
        viewport=PHONE,
        locale="nl-NL",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    factory.contexts.append(context)
    page = context.new_page()
    log = PageLog()
    factory.logs.append(log)
    page.on("console", lambda message: log.console.append(message))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    return page


def next_step(page: Page, where: str) -> None:
    assert_own_scripts_only(page, where)
    page.locator("main").get_by_role("button", name="Volgende", exact=True).click()
    page.wait_for_load_state()


def test_public_form_works_without_javascript(
    new_page: PageFactory, world: World
) -> None:
    page = page_without_javascript(new_page)

    page.goto(INTAKE)
    assert_own_scripts_only(page, "start page")
    page.get_by_role("link", name="Beginnen", exact=True).click()
    page.wait_for_load_state()

    # An empty first step: the server's error summary, no script needed.
    expect(page.locator("h1")).to_have_text("Wie vraagt hulp, en waar?")
    next_step(page, "step 1")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text(
        "Kies wie de hulpvraag doet."
    )
    page.get_by_role("radio", name="Ik ben ouder of verzorger (met gezag)").check()
    page.get_by_label("Postcode", exact=True).fill("1012 AB")
    next_step(page, "step 1 with errors")

    expect(page.locator("h1")).to_have_text("Uw gegevens")
    page.get_by_label("Uw naam").fill("Ahmed Yilmaz")
    page.get_by_label("Uw e-mailadres").fill("ahmed@example.nl")
    next_step(page, "step 2")

    expect(page.locator("h1")).to_have_text("Over uw kind")
    page.get_by_label("Voornaam of voorletters van uw kind").fill("Y.")
    page.get_by_label("In welke groep of welk leerjaar zit uw kind?").select_option(
        "leerjaar 2"
    )
    page.get_by_role(
        "checkbox", name=code_label("route.po_regular"), exact=True
    ).check()
    next_step(page, "step 3")

    expect(page.locator("h1")).to_have_text("Wat speelt er?")
    page.get_by_label("Wat is uw vraag?").fill("Hij wordt steeds naar huis gestuurd.")
    next_step(page, "step 4")

    expect(page.locator("h1")).to_have_text("Wat vindt u belangrijk?")
    page.get_by_role("checkbox", name="Videobellen", exact=True).check()
    next_step(page, "step 5")

    expect(page.locator("h1")).to_have_text("Controleren en versturen")
    assert_own_scripts_only(page, "step 6")
    page.locator("#id_consent_processing").check()
    page.get_by_role("button", name="Hulpvraag versturen", exact=True).click()
    page.wait_for_load_state()

    expect(page).to_have_url(DONE_URL)
    expect(page.locator("h1")).to_have_text("Uw hulpvraag is verstuurd")
    help_request = HelpRequest.objects.get(email="ahmed@example.nl")
    expect(page.get_by_role("status")).to_contain_text(help_request.reference)
    assert_own_scripts_only(page, "confirmation page")
    assert help_request.child_grade == "leerjaar 2"
    assert help_request.contact_modes == ["video"]

    # With JavaScript on, the first form page loads only small scripts of its own.
    scripted = new_page(viewport=PHONE)
    scripts: list[Response] = []
    scripted.on(
        "response",
        lambda r: scripts.append(r) if r.request.resource_type == "script" else None,
    )
    scripted.goto(FIRST_STEP)
    scripted.wait_for_load_state("load")
    expect(scripted.locator("h1")).to_have_text("Wie vraagt hulp, en waar?")
    assert scripts, "the form page loads no script at all; expected the site's own"
    origin = new_page.base_url.rstrip("/")
    sizes: dict[str, int] = {}
    for response in scripts:
        assert response.url.startswith(f"{origin}/static/"), (
            f"a script from outside the site's static files: {response.url}"
        )
        body = len(response.body())
        length = int(response.header_value("content-length") or 0)
        sizes[urlsplit(response.url).path] = max(body, length)
    total = sum(sizes.values())
    assert total < SCRIPT_BUDGET, (
        f"the first form page loads {total} bytes of script (budget "
        f"{SCRIPT_BUDGET}): {sizes}"
    )
