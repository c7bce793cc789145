"""Supporting and closing a match in Chromium, through the real pages.

On a 390 px phone the buddy logs a contact in two taps from the start page, logs a
longer one with a note, plans a school meeting and raises a safety signal. The
coordinator sees the signal at once on the start page, acknowledges and follows it
up, records a check-in, closes the match with a reason and rematches the request;
the former buddy is no longer proposed. axe-core checks every page; the `new_page`
fixture fails the test on any Content-Security-Policy violation or JavaScript error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.accounts.models import User
from ouderbuddy.casework.models import CheckIn, Contact, SafetySignal, SchoolMeeting
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import matchable_buddy
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
    match: Match


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    user = User.objects.create_user("fatima@example.nl", PASSWORD, full_name="Fatima")
    Membership.objects.create(organisation=noord, user=user, role=Role.BUDDY)
    fatima = matchable_buddy(noord, "Fatima El Amrani", user=user)
    matchable_buddy(noord, "Cor Volgende")
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = active_match(cora, buddy=fatima, full_name="Sanne Jansen")
    return World(cora, device, match)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_buddy_logs_and_signals_coordinator_follows_up_closes_and_rematches(
    world: World, new_page: PageFactory
) -> None:
    phone = new_page(viewport=PHONE)
    sign_in(phone, "fatima@example.nl")
    assert_no_horizontal_scroll(phone, PHONE["width"], "buddy start page")
    check_axe(phone, "buddy start page with a running match")

    # Two taps: "Contact vastleggen" on the start page, then save (today, defaults).
    phone.get_by_role("link", name=re.compile("Contact vastleggen")).first.click()
    phone.wait_for_load_state()
    assert_no_horizontal_scroll(phone, PHONE["width"], "contact form")
    check_axe(phone, "contact form on a phone")
    phone.get_by_label("Telefoon", exact=True).check()
    phone.get_by_label("20 min", exact=True).check()
    press(phone, "Contact vastleggen")
    expect(phone.locator(".ob-messages")).to_be_visible()
    assert Contact.objects.count() == 1

    # Saved, the buddy is on the match page, with the quick form on top. A date in
    # the future is refused and nothing is saved.
    expect(phone).to_have_url(re.compile(rf"/buddy/koppelingen/{world.match.pk}/$"))
    phone.get_by_label("Datum").fill("2099-01-01")
    press(phone, "Contact vastleggen")
    expect(phone.locator("main")).to_contain_text("niet in de toekomst")
    check_axe(phone, "contact form with an error")
    assert Contact.objects.count() == 1

    # Back to the match page: plan a school meeting.
    phone.goto(f"/buddy/koppelingen/{world.match.pk}/")
    assert_no_horizontal_scroll(phone, PHONE["width"], "buddy match page")
    check_axe(phone, "buddy match page")
    phone.get_by_role("link", name="Een gesprek op school plannen").click()
    phone.wait_for_load_state()
    check_axe(phone, "plan a school meeting")
    next_week = timezone.localdate() + dt.timedelta(days=7)
    phone.get_by_label("Datum").fill(next_week.isoformat())
    phone.get_by_label("Tijd").fill("09:30")
    phone.get_by_label("Waar").fill("Basisschool De Regenboog")
    phone.get_by_label("Bespreking van het OPP").check()
    press(phone, "Gesprek opslaan")
    expect(phone.locator("main")).to_contain_text("Basisschool De Regenboog")
    assert SchoolMeeting.objects.count() == 1

    # The safety signal.
    check_axe(phone, "school meeting page")
    phone.goto(f"/buddy/koppelingen/{world.match.pk}/")
    phone.get_by_role("link", name="Zorg melden bij de coördinator").click()
    phone.wait_for_load_state()
    expect(phone.locator("main")).to_contain_text("Veilig Thuis")
    check_axe(phone, "safety signal page")
    phone.get_by_label("Dit gaat verder dan wat een buddy kan doen").check()
    phone.get_by_label("Wat is er aan de hand?").fill(
        "De ouder vraagt mij om namens haar met de directeur te praten."
    )
    mail.outbox.clear()
    press(phone, "Melding versturen naar de coördinator")
    check_axe(phone, "safety signal sent")
    assert SafetySignal.objects.count() == 1
    assert any("Zorgsignaal" in m.subject for m in mail.outbox)

    # The coordinator sees it first thing.
    desk = new_page()
    sign_in(desk, "cora@noord.test", world.device)
    panels = desk.locator(".ob-panel")
    expect(panels.first).to_contain_text("Zorgsignalen")
    expect(panels.first).to_contain_text(world.match.request.reference)
    check_axe(desk, "coordinator start page with a signal")
    panels.first.get_by_role("link").first.click()
    desk.wait_for_load_state()
    expect(desk.locator("main")).to_contain_text("met de directeur te praten")
    check_axe(desk, "signal page")
    press(desk, "Ik heb dit signaal gezien")
    desk.get_by_label("Wat heeft u gedaan?").fill(
        "Met de ouder gebeld; zij gaat zelf met de directeur praten."
    )
    desk.get_by_label("Dit signaal is afgehandeld").check()
    press(desk, "Opslaan")
    signal = SafetySignal.objects.get()
    assert signal.acknowledged_at and signal.closed_at

    # A check-in on the match page.
    desk.goto(f"/koppelingen/{world.match.pk}/")
    check_axe(desk, "coordinator match page")
    first = desk.locator("#check-ins ~ ul details").first
    first.locator("summary").click()
    first.get_by_label("Gesproken met de buddy").check()
    first.get_by_label("Notitie").fill("Gaat goed; school meeting gepland.")
    first.get_by_role("button", name="Check-in vastleggen").click()
    desk.wait_for_load_state()
    expect(desk.locator(".ob-messages")).to_contain_text("De check-in is vastgelegd")
    assert CheckIn.objects.filter(done_on__isnull=False).count() == 1

    # Close with a reason, and look for another buddy.
    desk.get_by_role("link", name="Koppeling afsluiten").click()
    desk.wait_for_load_state()
    check_axe(desk, "close page")
    press(desk, "Koppeling afsluiten")
    expect(desk.locator("#error-summary")).to_be_visible()
    check_axe(desk, "close page with errors")
    desk.get_by_label("Het klikte niet").check()
    desk.get_by_label("Ouder", exact=True).check()
    desk.get_by_label(
        "Opnieuw een buddy zoeken voor deze ouder (niet dezelfde buddy)"
    ).check()
    press(desk, "Koppeling afsluiten")
    world.match.refresh_from_db()
    world.match.request.refresh_from_db()
    assert world.match.status == MatchStatus.CLOSED
    assert world.match.request.status == RequestStatus.WAITING
    check_axe(desk, "match page, closed")

    # The rematch: the shortlist offers Cor, not Fatima.
    desk.goto(f"/koppelen/hulpvraag/{world.match.request.pk}/")
    rows = desk.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Cor Volgende")
    check_axe(desk, "shortlist for the rematch")

    # The buddy's page now shows only the closure.
    phone.goto(f"/buddy/koppelingen/{world.match.pk}/")
    expect(phone.locator("main")).not_to_contain_text("Contact vastleggen")
    check_axe(phone, "buddy match page, closed")
