import pytest, time
from playwright.sync_api import Page, expect
from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation, totp_code
from tests.browser.support import focus_state, check_axe
from tests.browser.test_journeys import fill_login, next_usable_code, wrong_code
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_probe(new_page, transactional_db):
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto("/account/inloggen/")
    page.keyboard.press("Shift+Tab"); page.keyboard.press("Shift+Tab"); page.keyboard.press("Shift+Tab")
    print(focus_state(page))
    page.screenshot(path="/tmp/skip.png")
    fill_login(page, "cora@noord.test")
    page.get_by_label("Code", exact=True).fill(next_usable_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state()
    page.screenshot(path="/tmp/start360.png", full_page=True)
    page.goto("/organisatie/team/")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    page.wait_for_load_state()
    page.screenshot(path="/tmp/team360.png", full_page=True)
