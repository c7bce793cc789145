"""A coordinator on a phone finds a referred request by its reference.

At 390 px the coordinator refers a new request to the education consultant; the
request leaves the inbox. A parent phones and reads out the reference in lower case,
without "HV-" and with a space; the coordinator finds it in "Zoeken" (the list of
all requests) and opens it. She also adds an address of her own region to her
organisation's referral targets (with a mistake first). Every page is checked by
`check_axe` (axe-core and the layout check at 390 and 1280 px, with screenshots).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from conftest import add_totp, make_first_coordinator, make_organisation
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestStatus,
)
from ouderbuddy.intake.tests.factories import submit
from tests.browser.support import (
    check_axe,
    ensure_reference_data,
    ensure_referral_targets,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
REASON = "Een onderwijsconsulent kan bemiddelen met school."


def test_a_referred_request_is_found_by_its_reference_on_a_phone(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    cache.clear()
    mail.outbox.clear()
    noord = make_organisation("Steunpunt Noord")
    ensure_referral_targets()  # the defaults, and Noord's own copy of them
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    request = submit(noord, full_name="Petra de Vries", email="petra@example.nl")
    other = submit(noord, full_name="Jan Bakker", email="jan@example.nl")

    page = new_page(viewport=PHONE)
    sign_in(page, "cora@noord.test", device)
    check_axe(page, "start page")

    # Refer the request from the inbox.
    page.get_by_role("link", name="Hulpvragen", exact=True).click()
    check_axe(page, "inbox")
    page.get_by_role("link", name=request.reference).click()
    expect(page.locator("h1")).to_contain_text(request.reference)
    check_axe(page, "request page")
    refer = page.locator("details").filter(
        has=page.locator("summary", has_text="Doorverwijzen")
    )
    refer.locator("summary").click()
    refer.get_by_role(
        "radio", name="Onderwijsconsulent (onderwijsconsulenten.nl)"
    ).check()
    refer.get_by_label("Waarom verwijst u door?").fill(REASON)
    refer.get_by_role("button", name="Doorverwijzen", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("De ouder is doorverwezen")).to_be_visible()
    check_axe(page, "request page after referral")
    assert HelpRequest.objects.get(pk=request.pk).status == RequestStatus.REFERRED

    # Gone from the inbox ...
    page.get_by_role("link", name="Hulpvragen", exact=True).click()
    expect(page.get_by_role("link", name=request.reference)).to_have_count(0)
    expect(page.get_by_role("link", name=other.reference)).to_be_visible()

    # ... but a parent phones with the reference: found in "Zoeken".
    page.get_by_role("link", name="Zoeken", exact=True).click()
    expect(page.locator("h1")).to_have_text("Alle hulpvragen")
    check_axe(page, "all requests")
    tail = request.reference.removeprefix("HV-").lower()
    spoken = f"hv {tail[:3]} {tail[3:]}"
    search = page.get_by_label("Zoeken", exact=True)
    search.fill(spoken)
    search.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("1 hulpvraag gevonden.")).to_be_visible()
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    found = page.get_by_role("link", name=request.reference)
    expect(found).to_be_visible()
    expect(page.locator(".ob-card", has_text=request.reference)).to_contain_text(
        "Doorverwezen"
    )
    check_axe(page, "all requests, searched")

    # A filter with a value that does not exist: a Dutch message, no error page.
    page.goto(page.url + "&status=bestaat-niet&child_age_min=tien")
    expect(page.get_by_text("Kies een waarde uit de lijst.")).to_be_visible()
    expect(page.get_by_role("link", name=request.reference)).to_be_visible()
    check_axe(page, "all requests, refused filter")

    page.get_by_role("link", name=request.reference).click()
    expect(page.locator("h1")).to_contain_text(request.reference)
    expect(page.locator("main")).to_contain_text("Naar Onderwijsconsulent.")
    check_axe(page, "referred request page")

    # Her own region's addresses.
    page.goto("/hulpvragen/doorverwijsadressen/")
    check_axe(page, "referral targets")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Vul de naam in.").first).to_be_visible()
    check_axe(page, "referral targets, error")
    page.get_by_label("Naam", exact=True).fill("Wijkteam Oost")
    page.get_by_label("Contact").fill("020-123 45 67")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Wijkteam Oost")).to_be_visible()
    assert OrganisationReferralTarget.objects.filter(
        organisation=noord, label_nl="Wijkteam Oost"
    ).exists()
    page.get_by_role("link", name="Wijkteam Oost").click()
    check_axe(page, "referral target")
