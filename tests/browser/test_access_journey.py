"""A parent asks for all their data on a phone and downloads it (AVG art. 15/20).

At 390 px: the parent of a running match opens the status link, presses "Mijn
gegevens opvragen", gets the e-mail with the download link, opens it, reads the
export on the page (their request, the consent text they said yes to, who read
their case) and downloads the JSON. The coordinator then sees the answered request
is gone from the open list. Every page is checked by `check_axe` (axe-core and the
layout check at 390 and 1280 px, with screenshots).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from conftest import add_totp, make_first_coordinator, make_organisation
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake
from ouderbuddy.privacy.models import Consent, RightRequest, RightStatus
from ouderbuddy.privacy.services import record_read
from tests.browser.support import check_axe, ensure_reference_data, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_parent_requests_and_downloads_their_data_on_a_phone(
    new_page: Any, transactional_db: Any
) -> None:
    ensure_reference_data()
    cache.clear()
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    device = add_totp(cora.user)
    match = active_match(cora, email="pat@ouder.test", full_name="Pat de Ouder")
    request = match.request
    record_read(actor=cora, target=request)
    consent = Consent.objects.filter(subject_id=str(request.pk)).first()
    assert consent is not None

    page = new_page(viewport=PHONE)
    page.goto(urlsplit(intake.status_url(request)).path)
    expect(page.locator("h1")).to_contain_text(request.reference)
    check_axe(page, "status page with the data request")
    mail.outbox.clear()
    page.get_by_role("button", name="Mijn gegevens opvragen").click()
    expect(
        page.get_by_text("U krijgt binnen een paar minuten een e-mail")
    ).to_be_visible()
    check_axe(page, "data requested")

    (message,) = [m for m in mail.outbox if m.to == ["pat@ouder.test"]]
    (path,) = re.findall(r"/privacy/gegevens/[^/\s]+/", message.body)
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Uw gegevens")
    check_axe(page, "download page")
    page.get_by_role("link", name="Bekijken op deze pagina").click()
    expect(page.locator("h1")).to_have_text("Alle gegevens die het steunpunt bewaart")
    expect(page.get_by_text(consent.text[:60]).first).to_be_attached()
    expect(page.get_by_text("Cora Coördinator las").first).to_be_visible()
    expect(page.get_by_text("Pat de Ouder").first).to_be_visible()
    check_axe(page, "the export on a phone")
    assert RightRequest.objects.get().status == RightStatus.DONE

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Downloaden als JSON")).click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["subject"] == request.reference
    assert consent.text in [c["text"] for c in data["consents"]]

    desk = new_page()
    sign_in(desk, "cora@noord.test", device)
    desk.goto("/privacy/verzoeken/")
    expect(desk.locator("h1")).to_have_text("Verzoeken over persoonsgegevens")
    expect(desk.get_by_text("Er zijn geen open verzoeken.")).to_be_visible()
    check_axe(desk, "rights requests")
