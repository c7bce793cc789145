"""Reports (issue 15), as the manager and the coordinator use them.

The manager opens the report from her start page, chooses the school year and an
SWV with the filter form (the address then holds them, so it can be bookmarked),
reads a chart and the table beside it, and downloads the report as XLSX (opened
with openpyxl: no count between 1 and 4 in it) and the annual PDF (its text read
back with pypdf). The coordinator writes two hours
on her start page and sees the cost per match in the report go up; the manager
opens the recruitment planner; the coordinator drafts the signals report for the
SWV board on her phone, edits it and shares it. The network admin reads the
national figures of her two support points on a phone and downloads them.

axe-core and the layout check (`check_axe`: 390 px and 1280 px) run on every page.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from conftest import (
    PASSWORD,
    add_totp,
    invite_and_accept,
    make_first_coordinator,
    make_organisation,
)
from ouderbuddy.accounts.models import User
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.reports import services
from ouderbuddy.reports.figures import Period, school_year_of
from tests.browser.support import check_axe, ensure_reference_data, sign_in

if TYPE_CHECKING:
    from tests.browser.conftest import PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.wait_for_load_state()


def key_figure(page: Page, label: str) -> str:
    item = page.locator(".ob-key-figures .utrecht-data-list__item").filter(
        has=page.get_by_text(label, exact=True)
    )
    return item.locator("dd").inner_text().strip()


def workbook_values(page: Page) -> list[Any]:
    """Download the whole report as XLSX and read back every cell."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle tabellen downloaden (Excel)").click()
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(handle)
    return [c.value for row in book.active.iter_rows() for c in row]


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    ensure_reference_data()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    mia = invite_and_accept(cora, "mia@noord.test", "Mia Manager", Role.MANAGER)
    # This school year: six requests in each quarter so far, and six running matches.
    period = Period.school_year(school_year_of(timezone.localdate()))
    for quarter in period.quarters:
        if quarter.start > timezone.localdate():
            break
        received = timezone.make_aware(
            dt.datetime.combine(quarter.start + dt.timedelta(days=3), dt.time(10))
        )
        for _n in range(6):
            cache.clear()  # the public form's rate limit
            request = submit(noord)
            HelpRequest.objects.filter(pk=request.pk).update(received_at=received)
    for n in range(6):
        active_match(
            cora,
            matchable_buddy(noord, f"Buddy {n}", email=f"buddy{n}@b.test"),
            email=f"ouder{n}@example.test",
        )
    services.set_hour_cost(actor=mia, hour_cost=Decimal("60.00"))
    return {
        "cora": cora,
        "cora_device": add_totp(cora.user),
        "mia_device": add_totp(mia.user),
        "year": period.first.school_year,
    }


def test_the_manager_reads_the_report_and_the_coordinator_logs_hours(
    new_page: PageFactory, world: dict[str, Any]
) -> None:
    # 1. The manager: start page, the report, filters, a chart and its table -------
    desk = new_page()
    sign_in(desk, "mia@noord.test", world["mia_device"])
    check_axe(desk, "manager: start page with key figures")
    expect(desk.locator(".ob-key-figures")).to_contain_text("Hulpvragen binnen")
    desk.get_by_role("link", name="Alle cijfers bekijken").click()
    desk.wait_for_load_state()
    expect(desk.locator("h1")).to_contain_text("Rapportage")
    check_axe(desk, "manager: report")
    desk.get_by_text("Periode en filters kiezen").click()
    form = desk.locator("main form")
    form.get_by_role("radio", name="Schooljaar").check()
    year = world["year"]
    form.locator("#id_year").select_option(str(year))
    form.get_by_label("Samenwerkingsverband").select_option(index=1)
    form.get_by_role("button", name="Toon de cijfers").click()
    desk.wait_for_load_state()
    expect(desk).to_have_url(re.compile(rf"year={year}.*swv=PO2707"))
    check_axe(desk, "manager: report for one SWV")
    # Without the SWV filter again, through the address (a bookmark).
    desk.goto(f"/rapportage/?period=year&year={year}")
    chart = desk.locator("#table-requests_by_route ~ .ob-report-pair svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title")).to_have_text("Hulpvragen binnen, per route")
    chart.focus()
    expect(chart).to_be_focused()
    table = desk.locator("#table-requests_by_route ~ .ob-report-pair table")
    total = table.get_by_role("row").filter(has_text="Totaal")
    expect(total).to_contain_text(re.compile(r"\d+"))
    values = workbook_values(desk)
    assert "Hulpvragen binnen, per route" in values
    assert not any(isinstance(v, int) and 1 <= v <= 4 for v in values), values
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Jaarverslag als PDF").click()
    pdf = PdfReader(download.value.path())
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Jaarverslag buddyprogramma Steunpunt Noord" in text
    assert "Hulpvragen binnen, per route" in text
    before = key_figure(desk, "Per koppeling")
    # Printed from the browser: the figures without the menu and the forms.
    desk.emulate_media(media="print")
    expect(desk.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
    expect(desk.locator(".ob-downloads").first).to_be_hidden()
    expect(chart).to_be_visible()
    desk.emulate_media(media="screen")

    # 2. The coordinator writes two hours on her start page ------------------------
    phone = new_page(viewport={"width": 390, "height": 844})
    sign_in(phone, "cora@noord.test", world["cora_device"])
    quick = phone.locator(".ob-quick-hours form")
    quick.get_by_label("Waaraan, vandaag").select_option("matching")
    quick.get_by_label("Uren").fill("2")
    quick.get_by_role("button", name="Opslaan").click()
    phone.wait_for_load_state()
    expect(phone).to_have_url(re.compile(r"/start/$"))
    expect(phone.locator(".ob-messages")).to_contain_text("2 uur geschreven.")
    check_axe(phone, "coordinator: start page after writing hours")
    menu(phone, "Rapportage")
    check_axe(phone, "coordinator: report on a phone")
    phone.get_by_role("link", name="Uren schrijven").first.click()
    phone.wait_for_load_state()
    check_axe(phone, "coordinator: hours page")
    hours = phone.locator("main form").first
    hours.get_by_label("Uren").fill("30")
    hours.get_by_role("button", name="Uren opslaan").click()
    phone.wait_for_load_state()
    expect(phone.locator("#error-summary")).to_be_focused()
    check_axe(phone, "coordinator: hours page with an error")

    # 3. The manager sees the cost per match go up: 2 hours at 60 euro over 6 ------
    desk.reload()
    after = key_figure(desk, "Per koppeling")
    assert before != after, (before, after)
    assert after == "€ 20,00", after
    desk.get_by_role("link", name="Kosten invoeren").first.click()
    desk.wait_for_load_state()
    check_axe(desk, "manager: costs page")

    # 4. Whom to recruit, and the signals for the SWV board ------------------------
    desk.goto("/rapportage/")
    desk.get_by_role("link", name="Wie werven we?").click()
    desk.wait_for_load_state()
    expect(desk.locator("h1")).to_have_text("Wie werven we?")
    check_axe(desk, "manager: recruitment planner")
    menu(phone, "Rapportage")
    phone.get_by_role("link", name="Signalen aan het SWV").click()
    phone.wait_for_load_state()
    check_axe(phone, "coordinator: signals")
    phone.get_by_role("button", name="Concept maken").click()
    phone.wait_for_load_state()
    expect(phone.locator("h1")).to_have_text("Rapportage voor het bestuur")
    check_axe(phone, "coordinator: board report draft")
    board = phone.locator("main form")
    board.get_by_label("Tekst voor het bestuur").fill(
        "Signalen aan het bestuur.\nVeel ouders wachten lang op een plek."
    )
    board.get_by_label(re.compile("markeer de rapportage als gedeeld")).check()
    board.get_by_role("button", name="Bewaren").click()
    phone.wait_for_load_state()
    expect(phone.locator(".ob-messages")).to_contain_text("De rapportage is gedeeld.")
    check_axe(phone, "coordinator: board report shared")


def test_the_network_admin_reads_the_national_figures(
    new_page: PageFactory, transactional_db: Any
) -> None:
    """Two support points of three requests each: on their own an x, together the
    network's 6. The network admin reaches them from her start page on a phone,
    and downloads them; the organisation pages are not hers."""
    ensure_reference_data()
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    zuid = make_organisation("Steunpunt Zuid", districts=("PO2707",))
    received = timezone.now() - dt.timedelta(days=2)
    for organisation in (noord, zuid):
        for _n in range(3):
            cache.clear()  # the public form's rate limit
            request = submit(organisation)
            HelpRequest.objects.filter(pk=request.pk).update(received_at=received)
    nina = User.objects.create_user(
        "nina@netwerk.test", PASSWORD, full_name="Nina Netwerk"
    )
    for organisation in (noord, zuid):
        Membership.objects.create(
            organisation=organisation, user=nina, role=Role.NETWORK_ADMIN
        )
    phone = new_page(viewport={"width": 390, "height": 844})
    sign_in(phone, "nina@netwerk.test", add_totp(nina))
    check_axe(phone, "network admin: start page")
    phone.get_by_role("link", name="Landelijke cijfers bekijken").click()
    phone.wait_for_load_state()
    expect(phone.locator("h1")).to_contain_text("Landelijke cijfers")
    expect(phone.locator("main")).to_contain_text("2 steunpunten samen")
    expect(phone.get_by_role("link", name="Uren schrijven")).to_have_count(0)
    table = phone.locator("#table-requests_by_route ~ .ob-report-pair table")
    expect(table.get_by_role("row").filter(has_text="Totaal")).to_contain_text("6")
    check_axe(phone, "network admin: national figures")
    values = workbook_values(phone)
    assert "Alle steunpunten van het netwerk" in values
    assert "Steunpunt Noord" not in values and "Steunpunt Zuid" not in values
    assert phone.goto("/rapportage/uren/").status == 403
