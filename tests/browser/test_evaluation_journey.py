"""Evaluation in Chromium, through the real pages (issue 14).

A match starts; the parent opens the questionnaire link from the e-mail on a 390 px
phone and answers T0 by keyboard only, saving halfway and coming back. The match
closes; parent and buddy answer T1 from the links in the closure e-mails. The clock
moves three months: T2 arrives and is answered. The coordinator sees the response
rates and the paired change with its interval, and a cell suppressed for having
fewer than five people. axe-core and the layout check run on every page.
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
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.accounts.models import User
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.evaluation import services
from ouderbuddy.evaluation.models import Invitation, InvitationStatus, Subject
from ouderbuddy.evaluation.tests.factories import answer_all, close, invitation, started
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.organisations.models import Membership, Role
from tests.browser.support import check_axe, ensure_reference_data, sign_in
from tests.browser.test_intake_journey import choose, press_button

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://[^/\s]+(?P<path>/vragenlijst/[^/\s]+/)")


@dataclass
class World:
    cora: Membership
    device: TOTPDevice
    match: Match


def _path_for(inv: Invitation) -> str:
    """The path of the link in the newest e-mail that opens `inv`."""
    for message in reversed(mail.outbox):
        for found in LINK.finditer(message.body):
            token = found.group("path").split("/")[2]
            try:
                if services.invitation_for_token(token).pk == inv.pk:
                    return found.group("path")
            except services.LinkProblem:
                continue
    pytest.fail(f"no e-mail holds a link for {inv}", pytrace=False)


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    # Five earlier matches went the whole way, so the results have figures.
    for n in range(5):
        earlier = started(cora, consent_research=True, email=f"eerder{n}@example.nl")
        answer_all(invitation(earlier, "parent", "t0"), 2)
        close(cora, earlier)
        answer_all(invitation(earlier, "parent", "t1"), 3 + n % 2)
    user = User.objects.create_user("fatima@example.nl", PASSWORD, full_name="Fatima")
    Membership.objects.create(organisation=noord, user=user, role=Role.BUDDY)
    fatima = matchable_buddy(noord, "Fatima El Amrani", user=user)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = active_match(
            cora, buddy=fatima, full_name="Sanne Jansen", consent_research=True
        )
    return World(cora, device, match)


def _group(page: Page, legend: str) -> Any:
    return page.get_by_role("group", name=re.compile(re.escape(legend)))


def _answer_pages(page: Page, where: str, send: str = "Versturen") -> None:
    """Answer each page of the questionnaire with the mouse: the first choice of
    every Likert group, then on to the next page, until `send`."""
    for _ in range(6):
        groups = page.locator("fieldset")
        for n in range(groups.count()):
            radios = groups.nth(n).get_by_role("radio")
            if radios.count() == 5:
                radios.nth(3).check()
        check_axe(page, f"{where}, {page.title()}")
        button = page.get_by_role("button", name=send, exact=True)
        if button.count():
            button.click()
            page.wait_for_load_state()
            return
        page.get_by_role("button", name="Volgende", exact=True).click()
        page.wait_for_load_state()
    pytest.fail(f"{where}: no last page", pytrace=False)


def test_a_match_produces_evidence_from_start_to_three_months_after(
    world: World, new_page: PageFactory
) -> None:
    t0 = invitation(world.match, "parent", "t0")
    phone = new_page(viewport=PHONE)

    # T0 on a phone, by keyboard only.
    phone.goto(_path_for(t0))
    check_axe(phone, "questionnaire start page")
    press_button(phone, "Begin", "questionnaire start page")
    expect(phone.locator("h1")).to_have_text("Uw kind en school")
    check_axe(phone, "questionnaire page 1")
    choose(
        phone,
        _group(phone, "Mijn kind voelt zich goed op school."),
        "Niet mee eens",
        "page 1",
    )
    choose(
        phone,
        _group(phone, "School luistert naar wat ik"),
        "Helemaal niet mee eens",
        "page 1",
    )
    press_button(phone, "Opslaan en later verder", "page 1")
    expect(phone.locator("h1")).to_have_text("Uw antwoorden zijn bewaard")
    check_axe(phone, "answers saved")

    # Coming back later with the same link: on to page 2, the answers kept.
    phone.goto(_path_for(t0))
    press_button(phone, "Verder waar ik was", "coming back")
    expect(phone.locator("h1")).to_have_text("Contact met school")
    press_button(phone, "Vorige", "page 2")
    expect(
        _group(phone, "Mijn kind voelt zich goed op school.").get_by_role(
            "radio", name="Niet mee eens", exact=True
        )
    ).to_be_checked()
    press_button(phone, "Volgende", "page 1 again")
    choose(
        phone,
        _group(phone, "In gesprekken met school voel ik me gelijkwaardig."),
        "Niet eens, niet oneens",
        "page 2",
    )
    check_axe(phone, "questionnaire page 2")
    press_button(phone, "Volgende", "page 2")
    choose(
        phone,
        _group(phone, "Ik maak me zorgen over school en mijn kind."),
        "Vaak",
        "page 3",
    )
    check_axe(phone, "questionnaire page 3")
    press_button(phone, "Versturen", "page 3")
    expect(phone.locator("h1")).to_have_text("Dank u wel")
    check_axe(phone, "thank-you page after T0")
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.ANSWERED

    # The match closes: parent and buddy answer T1 from their closure e-mails.
    mail.outbox.clear()
    close(world.cora, world.match)
    parent_t1 = invitation(world.match, "parent", "t1")
    phone.goto(_path_for(parent_t1))
    phone.get_by_role("link", name="Begin").click()
    phone.wait_for_load_state()
    _answer_pages(phone, "parent T1")
    expect(phone.locator("h1")).to_have_text("Dank u wel")
    expect(phone.get_by_label("Link voor school")).to_be_visible()
    check_axe(phone, "thank-you page with the link for school")
    # The parent passes the school's link on; the school's form opens on its own.
    school_link = phone.get_by_label("Link voor school").input_value()
    school = new_page()
    school.goto(LINK.search(school_link).group("path"))
    check_axe(school, "school's questionnaire start")
    school.get_by_role("link", name="Begin").click()
    school.wait_for_load_state()
    expect(school.locator("main")).not_to_contain_text("Sanne")
    _answer_pages(school, "school form")
    expect(school.locator("h1")).to_have_text("Dank u wel")
    buddy_t1 = invitation(world.match, "buddy", "t1")
    buddy_phone = new_page(viewport=PHONE)
    buddy_phone.goto(_path_for(buddy_t1))
    check_axe(buddy_phone, "buddy's questionnaire start")
    buddy_phone.get_by_role("link", name="Begin").click()
    buddy_phone.wait_for_load_state()
    _answer_pages(buddy_phone, "buddy T1")
    assert Invitation.objects.get(pk=buddy_t1.pk).status == InvitationStatus.ANSWERED

    # Three months later the daily job sends T2; the parent answers it.
    closed_on = Subject.objects.get(key__match=world.match).closed_on
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = services.send_follow_up_questionnaires(
            today=closed_on + dt.timedelta(days=90)
        )
    assert sent == 6  # the five earlier matches closed the same day
    t2 = invitation(world.match, "parent", "t2")
    phone.goto(_path_for(t2))
    phone.get_by_role("link", name="Begin").click()
    phone.wait_for_load_state()
    _answer_pages(phone, "parent T2")
    assert Invitation.objects.get(pk=t2.pk).status == InvitationStatus.ANSWERED

    # The coordinator's results: response rates, the paired change with its
    # interval, and the school's cell suppressed (nobody from school answered).
    desk = new_page()
    sign_in(desk, "cora@noord.test", world.device)
    desk.goto("/evaluatie/")
    main = desk.locator("main")
    expect(main).to_contain_text("Hoeveel mensen antwoordden")
    expect(main).to_contain_text("95%-interval")
    expect(main).to_contain_text("minder dan 5 mensen")
    expect(main).to_contain_text("100% (6 van 6)")
    check_axe(desk, "evaluation results")
    desk.goto(f"/evaluatie/koppeling/{world.match.pk}/")
    expect(desk.locator("main")).to_contain_text("Beantwoord")
    check_axe(desk, "one match's questionnaires")
    desk.goto("/evaluatie/vragenlijsten/")
    check_axe(desk, "the questionnaires")
    desk.get_by_role("link", name="Vragenlijst aan het einde").first.click()
    desk.wait_for_load_state()
    check_axe(desk, "one questionnaire")
