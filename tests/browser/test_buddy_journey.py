"""The whole buddy path in Chromium, through the real pages.

A parent applies on the public form (after finding her support point by postcode),
the coordinator takes her through introduction, screening, VOG and agreements, she
accepts the invitation on her phone, edits her profile and enrols in a training, and
the coordinator marks her present at the basic training and makes her active.

Every page the journey visits, and every error state it triggers, is checked with
axe-core (WCAG 2.2 A/AA); the `new_page` fixture fails the test on any
Content-Security-Policy violation or JavaScript error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from conftest import (
    PASSWORD,
    add_totp,
    make_first_coordinator,
    make_organisation,
    next_usable_code,
)
from ouderbuddy.buddies.models import AgreementKind, Buddy, BuddyStatus, Interview
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.training import services as training_services
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    Session,
)
from tests.browser.support import check_axe, ensure_reference_data

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOGIN = "/account/inloggen/"
START = "/start/"
APPLY_START = "/buddy-worden/"

NAME = "Fatima El Amrani"
EMAIL = "fatima@example.nl"
BUDDY_PASSWORD = "mijn-eigen-buddywachtwoord"


# --- Setup ------------------------------------------------------------------------


@dataclass
class World:
    noord: Organisation
    cora: Membership
    device: TOTPDevice
    course: Course
    ended: Session
    upcoming: Session


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def world(transactional_db: Any) -> World:
    # Postcodes and experience codes: gone when an earlier transactional test ran.
    ensure_reference_data()
    # The rate limits of the application form live in the (database) cache, which a
    # flush does not empty: start from zero.
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    course = training_services.create_course(
        actor=cora,
        title="Basistraining buddy's",
        kind=CourseKind.BASIC,
        hours=Decimal("3"),
    )
    # The course's material: a kennisbank article for buddies ("Mijn trainingen").
    from ouderbuddy.knowledge import services as knowledge_services
    from ouderbuddy.knowledge.models import Audience
    from ouderbuddy.knowledge.tests.factories import article

    material = article(
        cora,
        "Zo bereidt u een gesprek op school voor",
        "## Vooraf\n\nSchrijf op wat u wilt vragen.",
        audience=Audience.BUDDIES,
    )
    knowledge_services.set_course_materials(
        actor=cora, course=course, article_ids=[material.pk]
    )
    # create_session refuses a start in the past, so the ended session (yesterday)
    # is made with the model, as it would look the day after it took place.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ended = Session(
        organisation=noord,
        course=course,
        starts_at=_local(yesterday, 9, 30),
        ends_at=_local(yesterday, 12, 30),
        capacity=10,
        location="Buurthuis De Noorderlicht",
    )
    ended.full_clean()
    ended.save()
    in_two_weeks = timezone.localdate() + dt.timedelta(days=14)
    upcoming = training_services.create_session(
        actor=cora,
        course=course,
        starts_at=_local(in_two_weeks, 19, 0),
        ends_at=_local(in_two_weeks, 21, 30),
        capacity=10,
        location="Buurthuis De Noorderlicht",
    )
    return World(noord, cora, device, course, ended, upcoming)


# --- Helpers ----------------------------------------------------------------------


def sign_in_coordinator(page: Page, world: World) -> None:
    page.goto(LOGIN)
    page.get_by_label("E-mailadres").fill("cora@noord.test")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Tweede stap")
    page.get_by_label("Code", exact=True).fill(next_usable_code(world.device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"{START}$"))


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.wait_for_load_state()


def submit(form: Locator, button: str) -> None:
    form.get_by_role("button", name=button, exact=True).click()
    form.page.wait_for_load_state()


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".ob-messages")).to_contain_text(text)


def expect_error_summary(page: Page, *field_ids: str) -> None:
    """The error summary is shown, has focus, and links to each field with an error."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for field_id in field_ids:
        assert f"#{field_id}" in hrefs, (field_id, hrefs)
    for href in hrefs:
        expect(page.locator(str(href)), f"target of {href}").to_have_count(1)


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


def tab_stops_between(page: Page, first: Locator, last: Locator) -> list[str]:
    """Focus `first`, press Tab until `last` has focus; the name or id of each stop."""
    first.focus()
    stops: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        if last.evaluate("(el) => el === document.activeElement"):
            return stops
        stop = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el ? (el.name || el.id || el.tagName) : null; }"
        )
        assert stop is not None, f"focus left the page after {stops}"
        stops.append(stop)
    pytest.fail(f"Tab never reached the submit button; stops: {stops}", pytrace=False)


def invitation_path(address: str) -> str:
    """The path of the invitation link in the last e-mail to `address`."""
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, (
        f"no e-mail to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    )
    match = re.search(r"https?://\S+/account/uitnodiging/[^/\s]+/", sent[-1].body)
    assert match, sent[-1].body
    # The link starts with SITE_URL (the development server); the path is what counts.
    return urlsplit(match.group(0)).path


# --- The journey ------------------------------------------------------------------


def test_buddy_journey_from_application_to_matchable(
    new_page: PageFactory, world: World
) -> None:
    today = timezone.localdate()

    # 1. Public: find the support point by postcode --------------------------------
    visitor = new_page()
    visitor.goto(APPLY_START)
    expect(visitor.locator("h1")).to_have_text("Buddy worden")
    check_axe(visitor, "apply start page")
    postcode = visitor.get_by_label("Postcode", exact=True)
    postcode.click()
    visitor.keyboard.type("1012 AB")
    visitor.keyboard.press("Enter")
    visitor.wait_for_load_state()
    expect(visitor).to_have_url(re.compile(rf"/buddy-worden/{world.noord.pk}/$"))
    expect(visitor.locator("h1")).to_have_text("Aanmelden als buddy")
    expect(visitor.locator("main")).to_contain_text(
        "U meldt zich aan bij Steunpunt Noord."
    )
    check_axe(visitor, "application form")

    # The honeypot is out of the tab order: Tab from the first field to the submit
    # button passes every field but never the honeypot.
    honeypot = visitor.locator("#id_website")
    expect(honeypot).to_have_attribute("tabindex", "-1")
    send = visitor.get_by_role("button", name="Aanmelding versturen")
    stops = tab_stops_between(visitor, visitor.locator("#id_full_name"), send)
    assert "website" not in stops, stops
    for name in ("email", "gender", "postcode", "motivation", "consent"):
        assert name in stops, (name, stops)

    # An empty application: the error summary takes focus and links to the fields.
    send.click()
    visitor.wait_for_load_state()
    expect_error_summary(
        visitor,
        "id_full_name",
        "id_email",
        "id_postcode",
        "id_motivation",
        "id_commitment_months_0",
        "id_contact_modes_0",
        "id_consent",
    )
    expect(visitor.locator("#id_full_name")).to_have_attribute("aria-invalid", "true")
    check_axe(visitor, "application form with errors")
    assert not Buddy.objects.exists()

    # The complete application, with mouse and keyboard.
    visitor.locator("#error-summary").get_by_role("link").first.click()
    expect(visitor.locator("#id_full_name")).to_be_focused()
    visitor.keyboard.type(NAME)
    visitor.keyboard.press("Tab")
    expect(visitor.get_by_label("E-mailadres")).to_be_focused()
    visitor.keyboard.type(EMAIL)
    visitor.get_by_role("radio", name="Vrouw", exact=True).check()
    visitor.get_by_label("Postcode", exact=True).fill("1012 AB")
    visitor.get_by_label("Hoe ver wilt u reizen? (in km)").fill("15")
    visitor.get_by_role(
        "checkbox",
        name="Speciaal onderwijs cluster 4: gedrag of psychiatrie",
        exact=True,
    ).check()
    visitor.get_by_role(
        "checkbox", name="Thuiszitten of dreigend thuiszitten", exact=True
    ).check()
    visitor.get_by_role("checkbox", name="Autisme (ASS)", exact=True).check()
    visitor.get_by_label("Waarom wilt u buddy worden?").fill(
        "Mijn zoon zat een jaar thuis. Ik weet hoe zwaar dat is."
    )
    visitor.get_by_label("Hoeveel uur per maand heeft u?").fill("6")
    visitor.get_by_role("radio", name="Een jaar", exact=True).check()
    expect(
        visitor.get_by_role("checkbox", name="Nederlands", exact=True)
    ).to_be_checked()
    visitor.get_by_role("checkbox", name="Arabisch", exact=True).check()
    visitor.get_by_role("checkbox", name="Telefoon", exact=True).check()
    visitor.get_by_role(
        "checkbox", name="Mee naar gesprekken op school", exact=True
    ).check()
    consent = visitor.get_by_role(
        "checkbox", name=re.compile("^Het steunpunt mag mijn aanmelding")
    )
    consent.focus()
    visitor.keyboard.press("Space")
    expect(consent).to_be_checked()
    send.click()
    visitor.wait_for_load_state()

    expect(visitor).to_have_url(
        # The fragment of the error link followed the redirect; that is browser behaviour.
        re.compile(rf"/buddy-worden/{world.noord.pk}/verstuurd/(#.*)?$")
    )
    expect(visitor.locator("h1")).to_have_text("Bedankt voor uw aanmelding")
    check_axe(visitor, "application thank-you page")
    buddy = Buddy.objects.get(email=EMAIL)
    assert buddy.status == BuddyStatus.APPLIED
    assert buddy.full_name == NAME
    assert buddy.postcode_id == "1012"
    assert buddy.travel_km == 15
    assert buddy.hours_per_month == 6
    assert buddy.commitment_months == 12
    assert sorted(buddy.languages) == ["ar", "nl"]
    assert sorted(buddy.contact_modes) == ["phone", "school_meeting"]
    assert sorted(buddy.lived_experience.values_list("code", flat=True)) == [
        "issue.out_of_school",
        "need.autism",
        "route.so_c4",
    ]
    recipients = [m.to for m in mail.outbox]
    assert [EMAIL] in recipients, recipients
    assert ["cora@noord.test"] in recipients, recipients

    # 2. Coordinator: from the pipeline to the training step ------------------------
    coordinator = new_page()
    sign_in_coordinator(coordinator, world)
    menu(coordinator, "Buddy's")
    expect(coordinator.locator("h1")).to_have_text("Buddy's")
    applied = coordinator.get_by_role("region", name=re.compile("^Aangemeld"))
    expect(applied.get_by_role("link", name=NAME)).to_be_visible()
    check_axe(coordinator, "buddy pipeline")
    coordinator.get_by_label("Zoek op naam of e-mailadres").fill("fatima")
    coordinator.get_by_role("button", name="Tonen").click()
    coordinator.wait_for_load_state()
    expect(coordinator.get_by_role("link", name=NAME)).to_have_count(1)
    check_axe(coordinator, "buddy pipeline, searched")
    coordinator.get_by_role("link", name=NAME).click()
    coordinator.wait_for_load_state()
    expect(coordinator).to_have_url(re.compile(rf"/buddies/{buddy.pk}/$"))
    expect(coordinator.locator("h1")).to_have_text(NAME)
    lead = coordinator.locator(".utrecht-paragraph--lead")
    expect(lead).to_contain_text("Status: Aangemeld")
    expect(lead).to_contain_text("Kan nog niet gekoppeld worden")
    check_axe(coordinator, "buddy detail, applied")

    # The introduction meeting, today; then Kennismaking and Screening.
    introduction = coordinator.locator("form[action$='/kennismaking/']")
    introduction.get_by_label("Datum van het gesprek").fill(today.isoformat())
    submit(introduction, "Kennismaking opslaan")
    expect_message(coordinator, "Het kennismakingsgesprek is vastgelegd.")
    check_axe(coordinator, "buddy detail, introduction recorded")
    coordinator.get_by_role("button", name="Naar Kennismaking").click()
    coordinator.wait_for_load_state()
    expect_message(coordinator, "De status is gewijzigd.")
    expect(lead).to_contain_text("Status: Kennismaking")
    check_axe(coordinator, "buddy detail, introduction")
    coordinator.get_by_role("button", name="Naar Screening").click()
    coordinator.wait_for_load_state()
    expect(lead).to_contain_text("Status: Screening")
    check_axe(coordinator, "buddy detail, screening")

    # The interview, first without scores: an error state.
    interview = coordinator.locator("form[action$='/screening/']")
    expect(interview).to_be_visible()  # its <details> is open while there is none
    # Each score and the outcome offer only real choices: no empty "---------"
    # radio (Django adds one to a model field with choices and no default).
    blank_radios = interview.locator("input[type=radio][value='']")
    assert blank_radios.count() == 0, (
        "the interview form offers an empty radio choice in each group: "
        + str(blank_radios.evaluate_all("(els) => els.map((el) => el.name)"))
    )
    # Each note field says which criterion it belongs to (WCAG 2.4.6).
    note_labels = interview.locator("textarea").evaluate_all(
        "(els) => els.map((el) => [...el.labels].map((l) => l.innerText.trim()).join(' '))"
    )
    assert len(note_labels) == 5 and len(set(note_labels)) == 5, (
        f"the five note fields of the interview need distinct labels: {note_labels}"
    )
    submit(interview, "Screeningsgesprek opslaan")
    expect_error_summary(coordinator, "id_interview-held_on", "id_interview-outcome_0")
    check_axe(coordinator, "buddy detail, interview with errors")
    assert not Interview.objects.exists()

    # Then complete: all five scores, a note, the outcome "Geschikt".
    interview.get_by_label("Gehouden op").fill(today.isoformat())
    scores = {
        "Eigen ervaring verwerkt": "Voldoende",
        "Luisteren": "Goed",
        "Reflecteren": "Voldoende",
        "Grenzen bewaken": "Goed",
        "Communicatie": "Goed",
    }
    for criterion, score in scores.items():
        group = interview.get_by_role("group", name=criterion, exact=True)
        group.get_by_role("radio", name=score, exact=True).check()
    interview.locator("#id_interview-listening_note").fill("Laat de ander uitpraten.")
    interview.get_by_role("group", name="Uitkomst", exact=True).get_by_role(
        "radio", name="Geschikt", exact=True
    ).check()
    submit(interview, "Screeningsgesprek opslaan")
    expect_message(coordinator, "Het screeningsgesprek is vastgelegd.")
    expect(coordinator.locator("main")).to_contain_text("Uitkomst: Geschikt.")
    check_axe(coordinator, "buddy detail, interview recorded")
    saved = Interview.objects.get(buddy=buddy)
    assert (
        saved.experience_processed,
        saved.listening,
        saved.reflection,
        saved.boundaries,
        saved.communication,
        saved.outcome,
    ) == (3, 4, 3, 4, 4, "suitable")

    # To Training: this sends the invitation to make an account.
    mail.outbox.clear()
    coordinator.get_by_role("button", name="Naar Training").click()
    coordinator.wait_for_load_state()
    expect(lead).to_contain_text("Status: Training")
    check_axe(coordinator, "buddy detail, training")
    invitation = invitation_path(EMAIL)

    # The VOG (requested and issued in the past) and both agreements.
    vog = coordinator.locator("form[action$='/vog/']")
    vog.get_by_label("VOG aangevraagd op").fill(
        (today - dt.timedelta(days=20)).isoformat()
    )
    vog.get_by_label("Datum op de VOG").fill((today - dt.timedelta(days=5)).isoformat())
    vog.get_by_label("Screeningsprofiel").fill(
        "45 Gezondheidszorg en welzijn van mens en dier"
    )
    submit(vog, "VOG opslaan")
    expect_message(coordinator, "De VOG-gegevens zijn opgeslagen.")
    check_axe(coordinator, "buddy detail, VOG recorded")
    for kind in ("Vrijwilligersovereenkomst", "Geheimhoudingsverklaring"):
        agreement = coordinator.locator("form[action$='/overeenkomst/']")
        agreement.get_by_role("radio", name=kind, exact=True).check()
        expect(agreement.get_by_label("Getekend op")).to_have_value(today.isoformat())
        submit(agreement, "Handtekening vastleggen")
        expect_message(coordinator, "De handtekening is vastgelegd.")
        check_axe(coordinator, f"buddy detail, {kind} recorded")
    buddy.refresh_from_db()
    assert buddy.vog_valid_until is not None and buddy.vog_valid_until > today
    assert set(buddy.agreements.values_list("kind", flat=True)) == set(
        AgreementKind.values
    )

    coordinator.get_by_role("button", name="Uitloggen").click()
    coordinator.wait_for_load_state()
    expect_message(coordinator, "U bent uitgelogd.")

    # 3. The buddy, on her phone ------------------------------------------------------
    phone = new_page(viewport=PHONE)
    phone.goto(invitation)
    expect(phone.locator("h1")).to_have_text("Welkom bij Steunpunt Noord")
    assert_no_horizontal_scroll(phone, PHONE["width"], "invitation page")
    check_axe(phone, "invitation page on a phone")
    phone.get_by_label("Kies een wachtwoord").fill(BUDDY_PASSWORD)
    phone.get_by_label("Herhaal het wachtwoord").fill(BUDDY_PASSWORD)
    phone.get_by_role("button", name="Account aanmaken").click()
    phone.wait_for_load_state()

    expect(phone).to_have_url(re.compile(rf"{START}$"))
    expect(phone.locator("h1")).to_have_text("Welkom, Fatima")
    expect(phone.locator(".ob-next-step")).to_contain_text(
        "Schrijf u in voor de basistraining."
    )
    checklist = phone.locator(".ob-checklist__item")
    expect(checklist).to_have_count(7)
    expect(phone.locator(".ob-checklist__item--done")).to_have_count(6)
    expect(checklist.filter(has_text="Basistraining gevolgd")).to_contain_text(
        "(nog niet klaar)"
    )
    assert_no_horizontal_scroll(phone, PHONE["width"], "buddy start page")
    check_axe(phone, "buddy start page on a phone")
    buddy.refresh_from_db()
    assert buddy.user is not None and buddy.user.email == EMAIL

    # "Mijn profiel": a longer distance, two parents at a time.
    menu(phone, "Mijn profiel")
    expect(phone.locator("h1")).to_have_text("Mijn profiel")
    assert_no_horizontal_scroll(phone, PHONE["width"], "profile page")
    check_axe(phone, "profile page on a phone")
    distance = phone.get_by_label("Hoe ver wilt u reizen? (in km)")
    expect(distance).to_have_value("15")
    distance.fill("25")
    phone.get_by_role(
        "group", name="Hoeveel ouders wilt u tegelijk helpen?"
    ).get_by_role("radio", name="2", exact=True).check()
    phone.get_by_role("button", name="Profiel opslaan").click()
    phone.wait_for_load_state()
    expect_message(phone, "Uw profiel is opgeslagen.")
    expect(phone.get_by_label("Hoe ver wilt u reizen? (in km)")).to_have_value("25")
    assert_no_horizontal_scroll(phone, PHONE["width"], "profile page, saved")
    check_axe(phone, "profile page on a phone, saved")
    buddy.refresh_from_db()
    assert (buddy.travel_km, buddy.max_matches) == (25, 2)
    assert sorted(buddy.languages) == ["ar", "nl"]
    assert buddy.lived_experience.count() == 3

    # "Mijn trainingen": the upcoming session is offered, the ended one is not.
    menu(phone, "Mijn trainingen")
    expect(phone.locator("h1")).to_have_text("Mijn trainingen")
    offered = phone.locator("#sessions ~ .ob-panels .ob-panel")
    expect(offered).to_have_count(1)
    assert_no_horizontal_scroll(phone, PHONE["width"], "my trainings page")
    check_axe(phone, "my trainings page on a phone")
    offered.get_by_role("button", name=re.compile("^Aanmelden")).click()
    phone.wait_for_load_state()
    expect_message(phone, "U bent ingeschreven.")
    mine = phone.locator("#mine ~ .ob-panels .ob-panel")
    expect(mine).to_have_count(1)
    # The course's material, for the buddy who is enrolled in it.
    expect(
        mine.get_by_role("link", name="Zo bereidt u een gesprek op school voor")
    ).to_be_visible()
    assert_no_horizontal_scroll(phone, PHONE["width"], "my trainings page, enrolled")
    check_axe(phone, "my trainings page on a phone, enrolled")
    assert (
        Enrolment.objects.get(session=world.upcoming, buddy=buddy).status
        == EnrolmentStatus.ENROLLED
    )

    # 4. Coordinator: attendance at yesterday's basic training, then Actief -----------
    # Enrolment closes when a session starts (the page offers no form, the service
    # refuses), so the enrolment Fatima would have had before yesterday's session is
    # put in the database; the attendance is then marked through the page.
    with pytest.raises(DomainError):
        training_services.enrol_buddy(
            actor=world.cora, session=world.ended, buddy=buddy
        )
    Enrolment.objects.create(
        organisation=world.noord,
        session=world.ended,
        buddy=buddy,
        status=EnrolmentStatus.ENROLLED,
        joined_at=world.ended.starts_at - dt.timedelta(days=3),
        enrolled_by=world.cora.user,
    )

    sign_in_coordinator(coordinator, world)
    menu(coordinator, "Trainingen")
    expect(coordinator.locator("h1")).to_have_text("Trainingen")
    check_axe(coordinator, "courses page")
    coordinator.get_by_role("link", name="Basistraining buddy's").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("h1")).to_have_text("Basistraining buddy's")
    check_axe(coordinator, "course page")
    coordinator.locator(
        f"a[href='/trainingen/bijeenkomsten/{world.ended.pk}/']"
    ).click()
    coordinator.wait_for_load_state()
    expect(coordinator).to_have_url(
        re.compile(rf"/trainingen/bijeenkomsten/{world.ended.pk}/$")
    )
    expect(coordinator.locator("#enrol")).to_have_count(0)
    row = coordinator.get_by_role("row").filter(has_text=NAME)
    expect(row).to_contain_text("Nog niet ingevuld")
    check_axe(coordinator, "ended session page")
    # Attendance for the whole session in one form: present or absent per buddy.
    attendance = coordinator.locator("form[action$='/aanwezigheid/']")
    attendance.get_by_role("group", name=NAME, exact=True).get_by_role(
        "radio", name="Aanwezig", exact=True
    ).check()
    submit(attendance, "Aanwezigheid opslaan")
    expect_message(coordinator, "De aanwezigheid is opgeslagen: 1 buddy was aanwezig.")
    expect(coordinator.get_by_role("row").filter(has_text=NAME)).to_contain_text(
        "Aanwezig"
    )
    check_axe(coordinator, "ended session page, attendance marked")
    assert Qualification.objects.filter(
        buddy=buddy, session=world.ended, kind="basic"
    ).exists()

    menu(coordinator, "Buddy's")
    coordinator.get_by_role("link", name=NAME).click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("main")).to_contain_text(
        "Alles is klaar: zet de buddy op actief."
    )
    check_axe(coordinator, "buddy detail, checklist complete")
    coordinator.get_by_role("button", name="Naar Actief").click()
    coordinator.wait_for_load_state()
    expect_message(coordinator, "De status is gewijzigd.")
    lead = coordinator.locator(".utrecht-paragraph--lead")
    expect(lead).to_contain_text("Status: Actief")
    expect(lead.locator(".ob-badge--ok")).to_have_text("Kan gekoppeld worden")
    expect(coordinator.locator("main")).to_contain_text("Kan gekoppeld worden.")
    check_axe(coordinator, "buddy detail, active and matchable")
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.ACTIVE
