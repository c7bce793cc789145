"""A new support point from the platform admin's pages to what a parent reads.

The platform admin (desktop) opens "Steunpunten" from the menu, creates Steunpunt
West with two SWVs, and invites its first coordinator (a second invitation to the same
address is refused). The coordinator of Noord, on a phone, opens "Instellingen", types a bad
phone number (refused, in Dutch, next to the field), then saves the contact details
and a signature; the parent's status page shows them. Every page is checked by
`check_axe` (axe-core and the layout check at 390 and 1280 px, with screenshots).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from conftest import PASSWORD, add_totp, make_first_coordinator, make_organisation
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.intake.services import status_token
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.organisations.forms import DistrictChoiceField
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.regions.models import CooperationDistrict
from tests.browser.support import check_axe, ensure_reference_data, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _label(code: str) -> str:
    """The checkbox's label as the form words it (code, province, municipalities)."""
    district = CooperationDistrict.objects.get(pk=code)
    field = DistrictChoiceField(queryset=CooperationDistrict.objects.all())
    return field.label_from_instance(district)


def test_platform_admin_creates_a_support_point_and_a_coordinator_sets_it_up(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    cache.clear()
    mail.outbox.clear()
    noord = make_organisation("Steunpunt Noord", ("PO2601",))
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    admin = User.objects.create_superuser(
        "beheer@platform.test", PASSWORD, full_name="Piet Platform"
    )
    admin_device = add_totp(admin)

    page = new_page(viewport=DESKTOP)
    sign_in(page, "beheer@platform.test", admin_device)
    check_axe(page, "platform admin start page")
    page.get_by_role("link", name="Steunpunten", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Steunpunten")
    check_axe(page, "platform organisations")
    page.get_by_role("link", name="Nieuw steunpunt").click()
    check_axe(page, "new organisation")
    page.get_by_role("button", name="Steunpunt aanmaken").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_axe(page, "new organisation with errors")
    page.get_by_label("Naam van het steunpunt").fill("Steunpunt West")
    page.get_by_label("E-mailadres voor ouders").fill("info@west.test")
    # About 150 SWVs: the search box narrows the list; Enter in it sends nothing.
    search = page.get_by_label("Zoek in deze lijst")
    search.fill("2701")
    search.press("Enter")
    expect(page.locator("h1")).to_have_text("Nieuw steunpunt")
    expect(page.get_by_label(_label("PO2601"), exact=True)).to_be_hidden()
    expect(page.locator(".ob-filter__count")).to_contain_text("Te zien: 2 van ")
    check_axe(page, "new organisation, list searched")
    page.get_by_label(_label("PO2701"), exact=True).check()
    page.get_by_label(_label("VO2701"), exact=True).check()
    # What was ticked stays when the search changes.
    search.fill("2601")
    expect(page.get_by_label(_label("PO2701"), exact=True)).to_be_checked()
    expect(page.get_by_label(_label("PO2701"), exact=True)).to_be_visible()
    page.get_by_role("button", name="Steunpunt aanmaken").click()
    expect(page.locator("h1")).to_have_text("Steunpunt West")
    check_axe(page, "organisation detail")
    west = Organisation.objects.get(name="Steunpunt West")
    assert set(west.districts.values_list("pk", flat=True)) == {"PO2701", "VO2701"}

    for _ in range(2):
        page.get_by_label("Naam van de coördinator").fill("Wim West")
        page.get_by_label("E-mailadres", exact=True).fill("wim@west.test")
        page.get_by_role("button", name="Uitnodiging versturen").click()
        page.wait_for_load_state()
    # The second time the open invitation is named, next to the field.
    expect(page.get_by_text("Er staat al een uitnodiging open").first).to_be_visible()
    check_axe(page, "organisation detail after invitation")
    assert (
        Invitation.objects.filter(organisation=west, email="wim@west.test").count() == 1
    )

    # The coordinator of Noord on a phone: her settings.
    cora_device = add_totp(cora.user)
    phone = new_page(viewport=PHONE)
    sign_in(phone, "cora@noord.test", cora_device)
    phone.goto("/organisatie/instellingen/")
    expect(phone.locator("h1")).to_have_text("Instellingen van uw steunpunt")
    check_axe(phone, "settings")
    phone.get_by_label("Telefoonnummer voor ouders").fill("bel mij maar")
    phone.get_by_role("button", name="Instellingen opslaan").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    expect(
        phone.get_by_text("Vul een telefoonnummer in met cijfers").first
    ).to_be_visible()
    check_axe(phone, "settings with an error")
    phone.get_by_label("Telefoonnummer voor ouders").fill("030 123 45 67")
    phone.get_by_label("Website").fill("https://www.noord.test")
    phone.get_by_label("Wanneer bent u bereikbaar?").fill(
        "Maandag tot en met donderdag"
    )
    phone.get_by_label("Ondertekening van e-mails").fill("Cora\nSteunpunt Noord")
    phone.get_by_role("button", name="Instellingen opslaan").click()
    expect(phone.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()
    check_axe(phone, "settings saved")

    help_request = submit(noord)
    phone.goto(f"/hulpvraag/status/{status_token(help_request)}/")
    expect(
        phone.get_by_role("heading", name="Contact met Steunpunt Noord")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="030 123 45 67")).to_be_visible()
    check_axe(phone, "status page with contact details")
