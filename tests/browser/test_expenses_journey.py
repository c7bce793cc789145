"""Allowance and expenses (issue 13, item 6), as the two people do it.

The coordinator sets the kilometre rate and a flat allowance. A buddy on her phone
claims the kilometres of a ride to a school meeting (with a comma in the distance)
and a parking receipt (a photo); the coordinator approves both, downloads the
month's XLSX for the bookkeeping and checks it holds the two rows and the total.
Then she records a flat allowance of 170 euro: the warning at 80 % of the monthly
cap shows for her and on the buddy's page.

axe-core and the layout check (`check_axe`: 390 px and 1280 px) run on every page.
"""

from __future__ import annotations

import importlib
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.support.models_expenses import ExpenseClaim, VolunteerAllowanceRule
from ouderbuddy.support.tests.factories import png_bytes
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
    # A browser test's database is emptied after each test (TransactionTestCase),
    # which takes the caps the migration loaded with it: load them again.
    if not VolunteerAllowanceRule.objects.exists():
        importlib.import_module(
            "ouderbuddy.support.migrations.0003_expenses"
        ).load_rules(django_apps, None)
    noord = make_organisation("Steunpunt Noord", districts=("PO2707", "VO2708"))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    anna = matchable_buddy(noord, "Anna Jansen", email="anna@b.test")
    anna.user.set_password(PASSWORD)
    anna.user.save(update_fields=["password"])
    return {"cora": cora, "device": add_totp(cora.user), "anna": anna}


def test_a_buddy_claims_the_coordinator_approves_and_exports_and_the_cap_warns(
    new_page: PageFactory, world: dict[str, Any], tmp_path: Any
) -> None:
    today = timezone.localdate()

    # 1. The coordinator sets the rates -----------------------------------------------
    desk = new_page()
    sign_in(desk, "cora@noord.test", world["device"])
    menu(desk, "Onkosten")
    check_axe(desk, "coordinator: expenses")
    desk.get_by_role("link", name="Instellingen van de vergoedingen").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: allowance settings")
    settings = desk.locator("main form")
    settings.get_by_label(
        "Wij betalen buddy's een vaste vrijwilligersvergoeding"
    ).check()
    settings.get_by_label("Vaste vergoeding per maand").fill("170")
    settings.get_by_label("Vergoeding per kilometer").fill("0,23")
    submit(settings, "Opslaan")
    check_axe(desk, "coordinator: allowance settings saved")

    # 2. Anna claims a ride and a receipt on her phone ------------------------------------
    buddy = new_page(viewport=PHONE)
    sign_in(buddy, "anna@b.test")
    menu(buddy, "Mijn onkosten")
    check_axe(buddy, "buddy: my expenses")
    buddy.get_by_role("link", name="Kilometers declareren").click()
    buddy.wait_for_load_state()
    check_axe(buddy, "buddy: kilometre claim")
    ride = buddy.locator("main form")
    ride.get_by_label("Datum van de rit").fill(today.isoformat())
    ride.get_by_label("Van", exact=True).fill("Zwolle")
    ride.get_by_label("Naar", exact=True).fill("School in Kampen")
    ride.get_by_label("Afstand in kilometers").fill("24,5")
    ride.get_by_label("Waarvoor").fill("Gesprek op school")
    submit(ride, "Declaratie indienen")
    check_axe(buddy, "buddy: kilometre claim filed")
    menu(buddy, "Mijn onkosten")
    buddy.get_by_role("link", name="Bon declareren").click()
    buddy.wait_for_load_state()
    check_axe(buddy, "buddy: receipt claim")
    receipt = buddy.locator("main form")
    receipt.get_by_label("Datum op de bon").fill(today.isoformat())
    receipt.get_by_label("Bedrag").fill("€ 3,50")
    receipt.get_by_label("Waarvoor").fill("Parkeren bij school")
    photo = tmp_path / "bon.jpg"
    photo.write_bytes(png_bytes(exif_gps=True))
    receipt.get_by_label("Foto of PDF van de bon").set_input_files(str(photo))
    submit(receipt, "Declaratie indienen")
    check_axe(buddy, "buddy: receipt claim filed")
    claims = {c.kind: c for c in ExpenseClaim.objects.all()}
    assert claims["km"].amount == Decimal("5.64")
    assert claims["receipt"].amount == Decimal("3.50")

    # 3. The coordinator approves both and downloads the month ---------------------------
    for description in ("Gesprek op school", "Parkeren bij school"):
        menu(desk, "Onkosten")
        desk.get_by_role("link", name=f"Anna Jansen: {description}").click()
        desk.wait_for_load_state()
        check_axe(desk, f"coordinator: claim {description}")
        desk.get_by_role("button", name="Goedkeuren").click()
        desk.wait_for_load_state()
        check_axe(desk, f"coordinator: claim {description} approved")
    assert {c.status for c in ExpenseClaim.objects.all()} == {"approved"}
    menu(desk, "Onkosten")
    desk.get_by_role("link", name="Maandoverzicht voor de boekhouding").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: the month")
    # The page opens on last month (the one to hand in); this test's claims are of
    # this month.
    desk.get_by_label("Maand", exact=True).fill(today.strftime("%Y-%m"))
    desk.get_by_role("button", name="Toon").click()
    desk.wait_for_load_state()
    expect(desk.locator("main table")).to_contain_text("Parkeren bij school")
    check_axe(desk, "coordinator: this month")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download als Excel (XLSX)").click()
    path = download.value.path()
    book = openpyxl.load_workbook(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Anna Jansen", "Anna Jansen", "Totaal"]
    assert rows[-1][5] == pytest.approx(9.14)

    # 4. A flat allowance of 170 euro: the warning at 80 % -------------------------------
    menu(desk, "Onkosten")
    desk.get_by_role("link", name="Vrijwilligersvergoeding vastleggen").click()
    desk.wait_for_load_state()
    check_axe(desk, "coordinator: record an allowance")
    allowance = desk.locator("form[action$='/onkosten/vergoeding/']")
    allowance.get_by_label("Buddy").select_option(label="Anna Jansen")
    allowance.get_by_label("Datum van betalen").fill(today.isoformat())
    allowance.get_by_label("Bedrag").fill("170,00")
    submit(allowance, "Vastleggen")
    expect(desk.locator(".ob-messages")).to_contain_text("Let op")
    check_axe(desk, "coordinator: allowance recorded, warning")
    menu(buddy, "Mijn onkosten")
    expect(buddy.locator("main")).to_contain_text("dicht bij het maximum")
    expect(buddy.locator("main")).to_contain_text("al uw vrijwilligerswerk samen")
    check_axe(buddy, "buddy: my expenses with the warning")
