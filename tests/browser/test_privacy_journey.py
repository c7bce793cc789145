"""A coordinator on a phone wipes a parent's data on request, and reads the
bewaartermijnen.

At 390 px: a parent who withdrew asks by phone to be removed. The coordinator opens
the request, follows "Gegevens van deze ouder wissen", reads what goes and what stays,
first forgets to type the word (an error next to the field), then confirms with the
tick and WISSEN. The request page then shows only the anonymised trace (reference,
codes, status) and no name. She opens the retention page. And a parent whose consent
text changed materially agrees to the new text on the status page. Every page is checked by
`check_axe` (axe-core and the layout check at 390 and 1280 px, with screenshots).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from conftest import add_totp, make_first_coordinator, make_organisation
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from tests.browser.support import check_axe, ensure_reference_data, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_coordinator_wipes_a_withdrawn_parent_after_two_steps(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    request = submit(noord, full_name="Petra de Vries", email="petra@example.nl")
    intake.withdraw_by_coordinator(
        actor=cora, request=request, reason="De ouder belde: het is opgelost."
    )

    other = submit(noord, full_name="Jan Bakker", email="jan@example.nl")
    page = new_page(viewport=PHONE)
    sign_in(page, "cora@noord.test", device)
    # Correcting and restricting another parent's case: the pages first.
    page.goto(f"/hulpvragen/{other.pk}/")
    page.get_by_role("link", name="Gegevens van deze ouder corrigeren").click()
    expect(page.locator("h1")).to_have_text("Gegevens van de ouder corrigeren")
    check_axe(page, "correct parent")
    page.goto(f"/hulpvragen/{other.pk}/")
    page.get_by_role("link", name="Verwerking beperken (op verzoek)").click()
    expect(page.locator("h1")).to_have_text("Verwerking beperken")
    check_axe(page, "restrict parent")
    page.goto(f"{page.url.split('/privacy')[0]}/hulpvragen/{request.pk}/")
    expect(page.locator("h1")).to_contain_text(request.reference)
    expect(page.get_by_text("Petra de Vries").first).to_be_visible()
    page.get_by_role("link", name="Gegevens van deze ouder wissen (op verzoek)").click()
    expect(page.locator("h1")).to_have_text("Gegevens van de ouder wissen")
    expect(page.get_by_role("heading", name="Wat blijft")).to_be_visible()
    check_axe(page, "erase parent")

    # Step two without the word: refused, nothing wiped.
    page.get_by_label("Ik heb gelezen wat er gewist wordt en wat blijft.").check()
    page.get_by_role("button", name="Gegevens definitief wissen").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Typ het woord WISSEN om te bevestigen.").first
    ).to_be_visible()
    check_axe(page, "erase parent with an error")
    assert HelpRequest.objects.get(pk=request.pk).anonymised_at is None

    page.get_by_label("Ik heb gelezen wat er gewist wordt en wat blijft.").check()
    page.get_by_label("Typ WISSEN om te bevestigen").fill("WISSEN")
    page.get_by_role("button", name="Gegevens definitief wissen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("De gegevens zijn gewist.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(request.reference)
    expect(page.get_by_text("Petra de Vries")).to_have_count(0)
    expect(page.get_by_text("petra@example.nl")).to_have_count(0)
    check_axe(page, "request page after erasure")
    wiped = HelpRequest.objects.get(pk=request.pk)
    assert wiped.anonymised_at is not None and wiped.full_name == ""

    page.goto(page.url.split("/hulpvragen/")[0] + "/privacy/bewaartermijnen/")
    expect(page.locator("h1")).to_have_text("Bewaartermijnen")
    expect(
        page.get_by_role("heading", name="Onkostendeclaraties en bonnen")
    ).to_be_visible()
    check_axe(page, "retention page")


def test_a_parent_agrees_to_a_changed_consent_text_on_a_phone(
    new_page: Any, transactional_db: Any, monkeypatch: Any
) -> None:
    from ouderbuddy.privacy import consent_texts
    from ouderbuddy.privacy.models import Consent

    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord")
    request = submit(noord, full_name="Petra de Vries", email="petra@example.nl")
    # The sharing text changes materially after Petra agreed to it.
    changed = consent_texts.ConsentText(
        "share_with_buddy",
        "delen-met-buddy-test-v3",
        "Het steunpunt mag de samenvatting ook aan een buddy van een ander "
        "steunpunt geven.",
        asks_again=True,
    )
    monkeypatch.setitem(consent_texts.CURRENT, "share_with_buddy", changed)
    monkeypatch.setitem(
        consent_texts.HISTORY,
        "share_with_buddy",
        [*consent_texts.HISTORY["share_with_buddy"], changed],
    )
    page = new_page(viewport=PHONE)
    page.goto(f"/hulpvraag/status/{intake.status_token(request)}/")
    expect(
        page.get_by_text("De tekst van deze toestemming is veranderd.")
    ).to_be_visible()
    check_axe(page, "status page with a changed consent text")
    page.get_by_role("button", name="Ik ga akkoord met de nieuwe tekst").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Uw toestemming met de nieuwe tekst geldt vanaf nu")
    ).to_be_visible()
    check_axe(page, "status page after agreeing to the new text")
    assert Consent.objects.filter(
        subject_id=str(request.pk), text_version=changed.version, withdrawn_at=None
    ).exists()
