"""An applicant who followed the basic training elsewhere becomes active on the same day.

A parent applied yesterday evening; she did the basic training last year at Balans.
The coordinator takes her through the introduction, the interview, the VOG and the
agreements, records the training followed elsewhere (a wrong date first: a Dutch
message and nothing saved), the applicant accepts the account invitation on her
phone and sees the training under "Mijn trainingen", and the coordinator makes her
active: all on one day, without any training session in this system.

axe-core and the layout check (`check_axe`) run on every page the journey visits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import add_totp, make_first_coordinator, make_organisation
from ouderbuddy.buddies import checklist
from ouderbuddy.buddies.models import Buddy, BuddyStatus, StatusChange
from ouderbuddy.buddies.services import facts_for, submit_application
from ouderbuddy.training import services as training_services
from ouderbuddy.training.models import CourseKind, Qualification, Session
from tests.browser.support import check_axe, ensure_reference_data, sign_in

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NAME = "Samira Bouzid"
EMAIL = "samira@example.nl"
PASSWORD = "mijn-eigen-buddywachtwoord"
COURSE = "Basistraining ouderbuddy"


def submit(form: Locator, button: str) -> None:
    form.get_by_role("button", name=button, exact=True).click()
    form.page.wait_for_load_state()


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".ob-messages")).to_contain_text(text)


def invitation_path(address: str) -> str:
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, [(m.to, m.subject) for m in mail.outbox]
    found = re.search(r"https?://[^/\s]+(/account/uitnodiging/[^/\s]+/)", sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    course = training_services.create_course(
        actor=cora, title=COURSE, kind=CourseKind.BASIC, hours=Decimal("6")
    )
    applicant = submit_application(
        organisation=noord,
        full_name=NAME,
        email=EMAIL,
        phone="",
        gender="female",
        motivation="Mijn dochter zat lang thuis. Ik wil andere ouders steunen.",
        experience_codes=["route.so_c4", "issue.out_of_school"],
        experience_unsaid=False,
        hours_per_month=6,
        commitment_months=12,
        postcode="1012",
        travel_km=15,
        languages=["nl", "ar"],
        contact_modes=["phone", "school_meeting"],
        availability="",
        how_heard="",
        consent=True,
    ).buddy
    return {
        "noord": noord,
        "cora": cora,
        "device": device,
        "course": course,
        "buddy": applicant,
    }


def test_an_applicant_trained_elsewhere_is_active_the_same_day(
    new_page: PageFactory, world: dict[str, Any]
) -> None:
    today = timezone.localdate()
    buddy: Buddy = world["buddy"]
    assert not Session.objects.exists()  # no training session in this system at all

    # 1. The coordinator opens the applicant's page -------------------------------
    coordinator = new_page()
    sign_in(coordinator, "cora@noord.test", world["device"])
    check_axe(coordinator, "coordinator start page")
    coordinator.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Buddy's", exact=True
    ).click()
    coordinator.wait_for_load_state()
    check_axe(coordinator, "buddy pipeline")
    coordinator.get_by_role("link", name=NAME).click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("h1")).to_have_text(NAME)
    lead = coordinator.locator(".utrecht-paragraph--lead")
    expect(lead).to_contain_text("Status: Aangemeld")
    # What the matching uses: languages, gender and contact modes, in words.
    details = coordinator.locator(".ob-data")
    expect(details).to_contain_text("Nederlands, Arabisch")
    expect(details).to_contain_text("Vrouw")
    expect(details).to_contain_text("Telefoon, Mee naar gesprekken op school")
    check_axe(coordinator, "buddy page, applied")

    # 2. Introduction, interview, training step (the invitation), VOG, agreements --
    introduction = coordinator.locator("form[action$='/kennismaking/']")
    introduction.get_by_label("Datum van het gesprek").fill(today.isoformat())
    submit(introduction, "Kennismaking opslaan")
    expect_message(coordinator, "Het kennismakingsgesprek is vastgelegd.")
    check_axe(coordinator, "buddy page, introduction recorded")
    for step in ("Kennismaking", "Screening"):
        coordinator.get_by_role("button", name=f"Naar {step}").click()
        coordinator.wait_for_load_state()
        expect(lead).to_contain_text(f"Status: {step}")
        check_axe(coordinator, f"buddy page, {step}")
    interview = coordinator.locator("form[action$='/screening/']")
    interview.get_by_label("Gehouden op").fill(today.isoformat())
    for criterion in (
        "Eigen ervaring verwerkt",
        "Luisteren",
        "Reflecteren",
        "Grenzen bewaken",
        "Communicatie",
    ):
        interview.get_by_role("group", name=criterion, exact=True).get_by_role(
            "radio", name="Goed", exact=True
        ).check()
    interview.get_by_role("group", name="Uitkomst", exact=True).get_by_role(
        "radio", name="Geschikt", exact=True
    ).check()
    submit(interview, "Screeningsgesprek opslaan")
    expect_message(coordinator, "Het screeningsgesprek is vastgelegd.")
    check_axe(coordinator, "buddy page, interview recorded")
    mail.outbox.clear()
    coordinator.get_by_role("button", name="Naar Training").click()
    coordinator.wait_for_load_state()
    expect(lead).to_contain_text("Status: Training")
    check_axe(coordinator, "buddy page, training")
    invitation = invitation_path(EMAIL)

    vog = coordinator.locator("form[action$='/vog/']")
    vog.get_by_label("VOG aangevraagd op").fill(
        (today - dt.timedelta(days=30)).isoformat()
    )
    vog.get_by_label("Datum op de VOG").fill(
        (today - dt.timedelta(days=10)).isoformat()
    )
    vog.get_by_label("Screeningsprofiel").fill("45 Gezondheidszorg en welzijn")
    submit(vog, "VOG opslaan")
    expect_message(coordinator, "De VOG-gegevens zijn opgeslagen.")
    check_axe(coordinator, "buddy page, VOG recorded")
    for kind in ("Vrijwilligersovereenkomst", "Geheimhoudingsverklaring"):
        agreement = coordinator.locator("form[action$='/overeenkomst/']")
        agreement.get_by_role("radio", name=kind, exact=True).check()
        submit(agreement, "Handtekening vastleggen")
        expect_message(coordinator, "De handtekening is vastgelegd.")
        check_axe(coordinator, f"buddy page, {kind} recorded")
    basic_item = coordinator.locator(".ob-checklist__item").filter(
        has_text="Basistraining gevolgd"
    )
    expect(basic_item).to_contain_text("(nog niet klaar)")

    # 3. The basic training she followed at Balans last year -------------------------
    coordinator.get_by_role("link", name="Training van elders vastleggen").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("h1")).to_have_text("Training van elders vastleggen")
    check_axe(coordinator, "training elsewhere form")
    form = coordinator.locator("main form")
    form.get_by_label("Telt als").select_option(label=COURSE)
    # First a date in the future: a Dutch message next to the field, nothing saved.
    form.get_by_label("Datum van de training").fill(
        (today + dt.timedelta(days=1)).isoformat()
    )
    form.get_by_label("Gevolgd bij").fill("Balans")
    submit(form, "Training vastleggen")
    expect(coordinator.locator("#error-summary")).to_be_focused()
    expect(coordinator.locator("main")).to_contain_text(
        "Deze datum ligt in de toekomst."
    )
    expect(coordinator.get_by_label("Datum van de training")).to_have_attribute(
        "aria-invalid", "true"
    )
    check_axe(coordinator, "training elsewhere form with an error")
    assert not Qualification.objects.exists()
    followed_on = today.replace(year=today.year - 1, day=min(today.day, 28))
    form = coordinator.locator("main form")
    form.get_by_label("Datum van de training").fill(followed_on.isoformat())
    form.get_by_label("Opmerking").fill("Certificaat gezien.")
    submit(form, "Training vastleggen")
    expect(coordinator).to_have_url(re.compile(rf"/buddies/{buddy.pk}/$"))
    expect_message(coordinator, f"De training van {NAME} is vastgelegd.")
    trainings = coordinator.locator("#trainings + ul")
    expect(trainings).to_contain_text("Gevolgd bij Balans.")
    expect(trainings).to_contain_text("Vastgelegd door Cora Coördinator")
    expect(basic_item).to_contain_text("(klaar)")
    expect(basic_item).not_to_contain_text("(nog niet klaar)")
    check_axe(coordinator, "buddy page, training elsewhere recorded")
    qualification = Qualification.objects.get(buddy=buddy)
    assert (qualification.obtained_on, qualification.provider) == (
        followed_on,
        "Balans",
    )
    assert qualification.recorded_by == world["cora"].user

    # 4. She accepts the invitation on her phone -------------------------------------
    phone = new_page(viewport=PHONE)
    phone.goto(invitation)
    check_axe(phone, "invitation page on a phone")
    phone.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    phone.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    phone.get_by_role("button", name="Account aanmaken").click()
    phone.wait_for_load_state()
    expect(phone).to_have_url(re.compile(r"/start/$"))
    expect(phone.locator(".ob-next-step")).to_contain_text(
        "Alles is klaar. De coördinator zet u op actief."
    )
    check_axe(phone, "buddy start page on a phone")
    phone.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn trainingen", exact=True
    ).click()
    phone.wait_for_load_state()
    main = phone.locator("main")
    expect(main).to_contain_text("U heeft de basistraining gevolgd.")
    expect(main).to_contain_text("Gevolgd bij Balans.")
    check_axe(phone, "my trainings on a phone, training elsewhere")

    # 5. The coordinator makes her active, the same day ------------------------------
    coordinator.reload()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("main")).to_contain_text(
        "Alles is klaar: zet de buddy op actief."
    )
    check_axe(coordinator, "buddy page, checklist complete")
    coordinator.get_by_role("button", name="Naar Actief").click()
    coordinator.wait_for_load_state()
    expect_message(coordinator, "De status is gewijzigd.")
    expect(lead).to_contain_text("Status: Actief")
    expect(lead.locator(".ob-badge--ok")).to_have_text("Kan gekoppeld worden")
    check_axe(coordinator, "buddy page, active")
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.ACTIVE
    assert checklist.is_matchable(facts_for(buddy))
    # Every step of her path, from the application on, happened today.
    days = {
        timezone.localtime(at).date()
        for at in StatusChange.objects.filter(buddy=buddy).values_list("at", flat=True)
    }
    assert days == {today}
    assert not Session.objects.exists()
