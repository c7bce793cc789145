"""A coordinator answers a privacy officer's questions, and a parent reads the privacy
statement.

At 390 px the coordinator opens a help request, follows "Wie heeft dit gelezen?" to
the audit log filtered to that case (her own read is there, in words), narrows it by
a period the wrong way round (an error next to the field), opens the Privacy overview
from the menu, the processing register, and records a data breach (first without a
report or a reason: refused; then with the reason). A parent opens the privacy
statement from the help-request form without signing in. `check_axe` checks every
page (axe-core and the layout at 390 and 1280 px, with screenshots).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from conftest import add_totp, make_first_coordinator, make_organisation
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy.models import AuditEvent, DataBreach
from tests.browser.support import check_axe, ensure_reference_data, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_coordinator_finds_who_read_a_case_and_records_a_breach(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    request = submit(noord, full_name="Petra de Vries", email="petra@example.nl")

    page = new_page(viewport=PHONE)
    sign_in(page, "cora@noord.test", device)
    root = page.url.split("/start")[0]
    page.goto(f"{root}/hulpvragen/{request.pk}/")
    page.get_by_role("link", name="Wie heeft dit gelezen?").click()
    expect(page.locator("h1")).to_have_text("Auditlog")
    expect(page.get_by_label("Over welke hulpvraag, koppeling of buddy")).to_have_value(
        request.reference
    )
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Bekeken")
    expect(row).to_contain_text(request.reference)
    expect(page.get_by_text("Petra de Vries")).to_have_count(0)
    check_axe(page, "audit log filtered to a case")

    page.get_by_label("Vanaf").fill("2031-03-10")
    page.get_by_label("Tot en met").fill("2031-03-01")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Deze datum ligt voor de begindatum.").first
    ).to_be_visible()
    check_axe(page, "audit log with a wrong period")

    page.get_by_role("link", name="Privacy", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Privacy")
    check_axe(page, "privacy overview")

    page.get_by_role("link", name="Verwerkingsregister").click()
    expect(page.locator("h1")).to_have_text("Verwerkingsregister")
    expect(page.get_by_text("De vraag").first).to_be_visible()
    check_axe(page, "processing register")

    page.goto(f"{root}/privacy/datalekken/")
    check_axe(page, "breach register, empty")
    page.get_by_role("link", name="Datalek vastleggen").click()
    page.get_by_label("Wat is er gebeurd?").fill(
        "Een e-mail met twee kenmerken ging naar een verkeerd adres."
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("of schrijf op waarom u het niet meldde").first
    ).to_be_visible()
    check_axe(page, "breach form with an error")
    assert not DataBreach.objects.exists()
    page.get_by_label("Niet gemeld? Schrijf op waarom").fill(
        "Geen risico: alleen kenmerken, geen namen."
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Het datalek is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("Geen risico: alleen kenmerken")).to_be_visible()
    check_axe(page, "breach register with a breach")
    assert AuditEvent.objects.filter(verb="privacy.breach.create").count() == 1


def test_a_parent_reads_the_privacy_statement_from_the_form(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    noord = make_organisation("Steunpunt Noord")
    noord.contact_email = "info@noord.example"
    noord.save()
    page = new_page(viewport=PHONE)
    base = new_page.base_url
    page.goto(f"{base}/hulpvraag/")
    page.get_by_role("link", name="Wat doen we met uw gegevens?").click()
    expect(page.locator("h1")).to_have_text("Privacyverklaring")
    check_axe(page, "privacy statement before the support point is known")
    page.goto(f"{base}/privacy/verklaring/{noord.pk}/")
    expect(page.locator("h1")).to_have_text("Privacyverklaring van Steunpunt Noord")
    expect(page.get_by_text("info@noord.example").first).to_be_visible()
    check_axe(page, "privacy statement of a support point")
