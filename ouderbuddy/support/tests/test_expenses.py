"""Allowance and expenses: a buddy claims kilometres and a receipt on the phone, a
coordinator approves or rejects, exports the month (CSV, XLSX) and closes it; flat
allowances against the caps; access, isolation between buddies, bad input."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import signed_in_client
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.support import receipts, services_expenses
from ouderbuddy.support import selectors_expenses as selectors
from ouderbuddy.support.caps import Level
from ouderbuddy.support.models import (
    AllowanceSettings,
    ClaimStatus,
    ClosedMonth,
    ExpenseClaim,
    FlatAllowance,
)
from ouderbuddy.support.tests.factories import (
    km_claim,
    pays,
    pdf_bytes,
    png_bytes,
    receipt_claim,
    upload,
)

pytestmark = pytest.mark.django_db

# A Wednesday in March 2026: February is over and can be closed.
NOW = dt.datetime(2026, 3, 18, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _march_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def anna_member(anna):
    return buddy_membership(anna)


@pytest.fixture
def anna_client(anna_member):
    return signed_in_client(anna_member.user)


@pytest.fixture
def km_rate(cora):
    pays(cora, km_rate="0.23")


def _stored(organisation) -> set[str]:
    """The receipts stored for the organisation (the storage outlives a test)."""
    storage = receipts.storage()
    folder = str(organisation.pk)
    if folder not in storage.listdir("")[0]:
        return set()
    return set(storage.listdir(folder)[1])


# --- The journey (issue 13, item 6: done when) ----------------------------------


def test_a_buddy_claims_km_and_a_receipt_the_coordinator_approves_and_exports(
    cora_client, anna_client, anna
):
    saved = cora_client.post(
        reverse("support:allowance_settings"),
        {"pays_flat_allowance": "", "monthly_allowance": "", "km_rate": "0,23"},
    )
    assert saved.status_code == 302
    # On the phone: a kilometre claim, then a receipt.
    form = anna_client.get(reverse("support:new_km_claim")).content.decode()
    assert "€ 0,23 per kilometer" in form
    km = anna_client.post(
        reverse("support:new_km_claim"),
        {
            "spent_on": "2026-03-16",
            "from_place": "Zwolle",
            "to_place": "School in Kampen",
            "distance_km": "24,5",
            "description": "Gesprek op school",
        },
    )
    claim_km = ExpenseClaim.objects.get(kind="km")
    assert km["Location"] == reverse("support:my_claim", args=[claim_km.pk])
    assert claim_km.amount == Decimal("5.64")
    page = anna_client.get(reverse("support:new_receipt_claim")).content.decode()
    assert 'accept="image/*,application/pdf"' in page
    assert 'capture="environment"' in page
    assert 'enctype="multipart/form-data"' in page
    anna_client.post(
        reverse("support:new_receipt_claim"),
        {
            "spent_on": "17-03-2026",
            "amount": "€ 12,50",
            "description": "=Parkeren bij school",
            "receipt": upload(png_bytes(exif_gps=True), "IMG_0001.JPG", "image/jpeg"),
        },
    )
    claim_receipt = ExpenseClaim.objects.get(kind="receipt")
    assert claim_receipt.amount == Decimal("12.50")
    assert claim_receipt.receipt_type == "image/jpeg"
    # The coordinator reviews: both wait on top, the receipt opens.
    desk = cora_client.get(reverse("support:claims")).content.decode()
    assert desk.count("Ingediend") >= 2 and "Anna Een" in desk
    detail = cora_client.get(reverse("support:claim", args=[claim_receipt.pk]))
    assert (
        reverse("support:receipt", args=[claim_receipt.pk]) in detail.content.decode()
    )
    photo = cora_client.get(reverse("support:receipt", args=[claim_receipt.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Content-Disposition"].startswith("inline")
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert photo["Cache-Control"] == "private, no-store"
    assert photo["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert photo.content.startswith(b"\xff\xd8\xff") and b"Telefoonmerk" not in (
        photo.content
    )
    for claim in (claim_km, claim_receipt):
        approved = cora_client.post(reverse("support:approve_claim", args=[claim.pk]))
        assert approved.status_code == 302
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.APPROVED
    # The month's XLSX opens and holds the rows and the total.
    download = cora_client.get(reverse("support:month_xlsx"), {"maand": "2026-03"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="onkosten-2026-03.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    rows = list(book["2026-03"].iter_rows(values_only=True))
    assert rows[0] == (
        "Buddy",
        "Datum",
        "Soort",
        "Omschrijving",
        "Kilometers",
        "Bedrag",
    )
    assert [r[0] for r in rows[1:3]] == ["Anna Een", "Anna Een"]
    assert rows[1][2] == "Kilometers" and rows[1][4] == pytest.approx(24.5)
    assert rows[1][3] == "Gesprek op school (Zwolle – School in Kampen)"
    assert rows[1][5] == pytest.approx(5.64)
    # A text that starts like a formula stays text.
    assert rows[2][3] == "'=Parkeren bij school"
    assert rows[1][1].date() == dt.date(2026, 3, 16)
    assert rows[3][0] == "Totaal" and rows[3][5] == pytest.approx(18.14)
    assert len(rows) == 4
    csv = cora_client.get(reverse("support:month_csv"), {"maand": "2026-03"})
    text = csv.content.decode("utf-8-sig")
    assert "Anna Een;16-03-2026;Kilometers" in text
    assert "Totaal;;;;;18,14" in text
    page = cora_client.get(reverse("support:month"), {"maand": "2026-03"})
    assert "Anna Een" in page.content.decode()


def test_the_allowance_warning_shows_at_80_percent(cora_client, anna, anna_client):
    cora_client.post(
        reverse("support:allowance_settings"),
        {"pays_flat_allowance": "on", "monthly_allowance": "170", "km_rate": "0"},
    )
    form = cora_client.get(reverse("support:allowance_new")).content.decode()
    assert 'value="170,00"' in form
    done = cora_client.post(
        reverse("support:allowance_new"),
        {"buddy": str(anna.pk), "paid_on": "2026-03-18", "amount": "170,00"},
        follow=True,
    )
    text = done.content.decode()
    assert "Let op" in text and "81%" in text
    mine = anna_client.get(reverse("support:my_expenses")).content.decode()
    assert "81%" in mine
    assert "dicht bij het maximum" in mine
    assert "al uw vrijwilligerswerk samen" in mine
    # Under 80%: no warning.
    FlatAllowance.objects.all().delete()
    cora_client.post(
        reverse("support:allowance_new"),
        {"buddy": str(anna.pk), "paid_on": "2026-03-18", "amount": "100"},
    )
    mine = anna_client.get(reverse("support:my_expenses")).content.decode()
    assert "48%" in mine and "dicht bij het maximum" not in mine


def test_the_year_overview_counts_this_month_this_year_and_costs_by_status(
    cora, anna, anna_member, km_rate
):
    from ouderbuddy.support import selectors_expenses as read

    pays(cora, monthly="50")
    for day in (dt.date(2025, 12, 20), dt.date(2026, 2, 10), dt.date(2026, 3, 2)):
        services_expenses.record_flat_allowance(actor=cora, buddy=anna, paid_on=day)
    approved = km_claim(anna_member, distance_km=Decimal(100))  # € 23,00
    services_expenses.approve_claim(actor=cora, claim=approved)
    km_claim(anna_member, distance_km=Decimal(10))  # € 2,30, waiting
    rejected = km_claim(anna_member, distance_km=Decimal(900))
    services_expenses.reject_claim(actor=cora, claim=rejected, reason="Te veel.")
    for _ in range(2):  # compiled, then from the compiled statements
        overview = read.year_overview(anna)
        assert overview["standing"].month_total == Decimal(50)
        assert overview["standing"].year_total == Decimal(100)
        assert overview["approved_costs"] == Decimal("23.00")
        assert overview["waiting_costs"] == Decimal("2.30")
    for prepared in (read._CAPS, read._YEAR_ALLOWANCES, read._YEAR_CLAIM_TOTALS):
        assert prepared._compiled and None not in prepared._compiled.values()


# --- Flat allowances against the caps ----------------------------------------------


def test_a_flat_allowance_that_crosses_the_month_cap_mid_month_is_refused(cora, anna):
    pays(cora, monthly="150")
    services_expenses.record_flat_allowance(
        actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 2)
    )
    with pytest.raises(DomainError) as refused:
        services_expenses.record_flat_allowance(
            actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 16), amount=Decimal(80)
        )
    assert refused.value.field == "amount"
    assert "per maand" in refused.value.message and "230,00" in refused.value.message
    assert FlatAllowance.objects.count() == 1
    # Up to the cap exactly is allowed, with the warning.
    _made, standing = services_expenses.record_flat_allowance(
        actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 16), amount=Decimal(60)
    )
    assert standing.level == Level.WARN and standing.month_percent == 100
    # Another month starts again.
    _made, standing = services_expenses.record_flat_allowance(
        actor=cora, buddy=anna, paid_on=dt.date(2026, 2, 27), amount=Decimal(100)
    )
    assert standing.month_total == Decimal(100)
    assert standing.year_total == Decimal(310)


def test_the_year_cap_refuses_what_the_month_would_allow(cora, anna):
    pays(cora, monthly="210")
    with time_machine.travel(dt.datetime(2025, 12, 20, 12, tzinfo=dt.UTC)):
        for month in range(1, 11):
            services_expenses.record_flat_allowance(
                actor=cora, buddy=anna, paid_on=dt.date(2025, month, 25)
            )
        with pytest.raises(DomainError) as refused:
            services_expenses.record_flat_allowance(
                actor=cora, buddy=anna, paid_on=dt.date(2025, 11, 25), amount=Decimal(1)
            )
        assert "per jaar" in refused.value.message
    assert FlatAllowance.objects.count() == 10


def test_proven_costs_never_count_toward_the_caps(cora, anna, anna_member):
    pays(cora, monthly="210", km_rate="0.23")
    for claim in (
        km_claim(anna_member, distance_km=Decimal("900")),
        receipt_claim(anna_member, amount=Decimal("2000")),
    ):
        services_expenses.approve_claim(actor=cora, claim=claim)
    standing, _caps = selectors.standing_of(anna, dt.date(2026, 3, 18))
    assert standing is not None and standing.year_total == 0
    _made, after = services_expenses.record_flat_allowance(
        actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 18)
    )
    assert after.month_total == Decimal(210)
    overview = selectors.year_overview(anna)
    assert overview["approved_costs"] == Decimal("2207.00")


def test_allowances_only_where_the_organisation_pays_them(cora, olga, anna, zuid):
    with pytest.raises(DomainError):
        services_expenses.record_flat_allowance(
            actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 1)
        )
    pays(olga, monthly="50")
    with pytest.raises(DomainError):
        services_expenses.record_flat_allowance(
            actor=olga, buddy=anna, paid_on=dt.date(2026, 3, 1)
        )
    pays(cora, monthly="50")
    with pytest.raises(DomainError):
        services_expenses.record_flat_allowance(
            actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 19)
        )
    assert not FlatAllowance.objects.exists()


def test_settings_refuse_an_allowance_above_the_month_cap(cora_client, mia_client):
    url = reverse("support:allowance_settings")
    for data, message in (
        (
            {"pays_flat_allowance": "on", "monthly_allowance": "250", "km_rate": "0"},
            "meer dan het maximum",
        ),
        (
            {"pays_flat_allowance": "on", "monthly_allowance": "", "km_rate": "0"},
            "Vul het bedrag per maand in.",
        ),
        (
            {"pays_flat_allowance": "", "monthly_allowance": "", "km_rate": "1,50"},
            "Het bedrag is te hoog.",
        ),
        (
            {"pays_flat_allowance": "", "monthly_allowance": "", "km_rate": "0,2,3"},
            "bijvoorbeeld 12,50",
        ),
    ):
        response = cora_client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not AllowanceSettings.objects.exists()
    assert mia_client.get(url).status_code == 403


# --- Claims: bad input ---------------------------------------------------------------


def test_a_claim_in_the_future_too_old_or_in_a_closed_month_is_refused(
    cora, anna, anna_member, km_rate
):
    for day, message in (
        (dt.date(2026, 3, 19), "toekomst"),
        (dt.date(2025, 3, 1), "meer dan een jaar"),
    ):
        with pytest.raises(DomainError) as refused:
            km_claim(anna_member, spent_on=day)
        assert message in refused.value.message and refused.value.field == "spent_on"
    services_expenses.close_month(actor=cora, month=dt.date(2026, 2, 1))
    with pytest.raises(DomainError) as refused:
        km_claim(anna_member, spent_on=dt.date(2026, 2, 10))
    assert "afgesloten" in refused.value.message
    with pytest.raises(DomainError):
        receipt_claim(anna_member, spent_on=dt.date(2026, 2, 28))
    pays(cora, monthly="50", km_rate="0.23")
    with pytest.raises(DomainError) as refused:
        services_expenses.record_flat_allowance(
            actor=cora, buddy=anna, paid_on=dt.date(2026, 2, 10)
        )
    assert "afgesloten" in refused.value.message
    assert not FlatAllowance.objects.exists()
    assert not ExpenseClaim.objects.exists()
    assert _stored(cora.organisation) == set()
    # March can still be claimed.
    km_claim(anna_member, spent_on=dt.date(2026, 3, 1))


def test_a_month_closes_only_when_it_is_over_and_nothing_waits(
    cora, anna_member, km_rate
):
    with pytest.raises(DomainError) as refused:
        services_expenses.close_month(actor=cora, month=dt.date(2026, 3, 1))
    assert "voorbij" in refused.value.message
    waiting = km_claim(anna_member, spent_on=dt.date(2026, 2, 20))
    with pytest.raises(DomainError) as refused:
        services_expenses.close_month(actor=cora, month=dt.date(2026, 2, 1))
    assert "wachten nog" in refused.value.message
    services_expenses.reject_claim(actor=cora, claim=waiting, reason="Dubbel")
    closed = services_expenses.close_month(actor=cora, month=dt.date(2026, 2, 14))
    assert closed.month == dt.date(2026, 2, 1)
    with pytest.raises(DomainError):
        services_expenses.close_month(actor=cora, month=dt.date(2026, 2, 1))
    with pytest.raises(DomainError):
        services_expenses.close_month(actor=anna_member, month=dt.date(2026, 1, 1))
    assert ClosedMonth.objects.count() == 1


def test_close_month_from_the_page(cora_client):
    page = cora_client.get(reverse("support:month")).content.decode()
    assert "februari 2026" in page  # the month that ended
    closed = cora_client.post(reverse("support:close_month"), {"month": "2026-02"})
    assert closed["Location"] == reverse("support:month") + "?maand=2026-02"
    assert ClosedMonth.objects.get().month == dt.date(2026, 2, 1)
    again = cora_client.get(closed["Location"]).content.decode()
    assert "Deze maand is afgesloten." in again
    assert cora_client.post(
        reverse("support:close_month"), {"month": "x"}
    ).status_code == (302)
    assert ClosedMonth.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "saved"), [("12,50", "12.50"), ("12.50", "12.50"), ("€ 7", "7.00")]
)
def test_an_amount_with_a_comma_or_a_dot(noord, anna_client, typed, saved):
    response = anna_client.post(
        reverse("support:new_receipt_claim"),
        {
            "spent_on": "2026-03-18",
            "amount": typed,
            "description": "Parkeren",
            "receipt": upload(png_bytes()),
        },
    )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.amount == Decimal(saved)
    assert _stored(noord) == {claim.receipt_name.split("/")[1]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "12,5,0"}, "bijvoorbeeld 12,50"),
        ({"amount": "-5"}, "niet negatief"),
        ({"amount": "0"}, "meer dan € 0,00"),
        ({"amount": "99999"}, "te hoog"),
        ({"amount": ""}, "Vul het bedrag in."),
        ({"spent_on": "2026-03-25"}, "toekomst"),
        ({"spent_on": "31-02-2026"}, "Vul een datum in"),
        ({"description": ""}, "Schrijf waarvoor u de kosten maakte."),
        ({"receipt": None}, "Kies een foto of PDF van de bon."),
        (
            {"receipt": upload(b"MZ\x90\x00" + b"\x00" * 300, "bon.jpg", "image/jpeg")},
            "Dit is geen foto of PDF",
        ),
        (
            {
                "receipt": upload(
                    b"PK\x03\x04" + b"\x00" * 300, "bon.pdf", "application/pdf"
                )
            },
            "Dit is geen foto of PDF",
        ),
        (
            {
                "receipt": upload(
                    pdf_bytes(b"/OpenAction << /S /JavaScript /JS (x) >>"),
                    "bon.pdf",
                    "application/pdf",
                )
            },
            "JavaScript",
        ),
    ],
)
def test_bad_receipt_claims_get_a_dutch_message_and_save_nothing(
    noord, anna_client, fields, message
):
    data = {
        "spent_on": "2026-03-18",
        "amount": "12,50",
        "description": "Parkeren",
        "receipt": upload(png_bytes()),
    }
    data.update(fields)
    if data["receipt"] is None:
        del data["receipt"]
    response = anna_client.post(reverse("support:new_receipt_claim"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    # The page keeps what was typed.
    if fields.get("amount", "").startswith("12,5,"):
        assert 'value="12,5,0"' in text
    assert not ExpenseClaim.objects.exists()
    assert _stored(noord) == set()


def test_a_receipt_too_large_is_refused(anna_client, settings):
    settings.RECEIPT_MAX_BYTES = 2048
    response = anna_client.post(
        reverse("support:new_receipt_claim"),
        {
            "spent_on": "2026-03-18",
            "amount": "12,50",
            "description": "Parkeren",
            "receipt": upload(
                b"%PDF-1.4\n" + b"0" * 4096, "bon.pdf", "application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    assert "te groot" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_km_claims_need_a_rate_and_a_sane_distance(cora, anna_member, anna_client):
    with pytest.raises(DomainError) as refused:
        km_claim(anna_member)
    assert "geen kilometers" in refused.value.message
    pays(cora, km_rate="0.23")
    for typed in ("0", "1000,5", "12,55", "ver", "-4"):
        response = anna_client.post(
            reverse("support:new_km_claim"),
            {
                "spent_on": "2026-03-18",
                "from_place": "Zwolle",
                "to_place": "Kampen",
                "distance_km": typed,
                "description": "School",
            },
        )
        assert response.status_code == 400, typed
        assert "bijvoorbeeld 12,5" in response.content.decode(), typed
    assert not ExpenseClaim.objects.exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    spent_on=st.one_of(st.dates().map(str), st.text(max_size=12)),
    place=st.text(max_size=120),
    distance=st.one_of(st.text(max_size=10), st.decimals(allow_nan=False).map(str)),
    description=st.text(max_size=220),
)
def test_any_km_input_gets_an_answer_and_never_half_a_claim(
    cora, anna_client, spent_on, place, distance, description
):
    pays(cora, km_rate="0.23")
    before = ExpenseClaim.objects.count()
    response = anna_client.post(
        reverse("support:new_km_claim"),
        {
            "spent_on": spent_on,
            "from_place": place,
            "to_place": place,
            "distance_km": distance,
            "description": description,
        },
    )
    assert response.status_code in (302, 400)
    expected = before + (1 if response.status_code == 302 else 0)
    assert ExpenseClaim.objects.count() == expected


# --- Review ----------------------------------------------------------------------------


def test_a_rejection_needs_a_reason_the_buddy_reads(
    cora, cora_client, anna_member, anna_client, km_rate
):
    claim = km_claim(anna_member)
    url = reverse("support:reject_claim", args=[claim.pk])
    empty = cora_client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert "Schrijf waarom u de declaratie afwijst." in empty.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert cora_client.post(url, {"reason": "Deze rit was privé."}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.decided_by == cora.user
    assert [e.to_status for e in selectors.claim_history(claim)] == [
        ClaimStatus.SUBMITTED,
        ClaimStatus.REJECTED,
    ]
    mine = anna_client.get(reverse("support:my_claim", args=[claim.pk]))
    assert "Deze rit was privé." in mine.content.decode()
    # Decided once: a second decision is refused with a message.
    again = cora_client.post(
        reverse("support:approve_claim", args=[claim.pk]), follow=True
    )
    assert "al beoordeeld" in again.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"support.claim.submit", "support.claim.reject"} <= verbs


def test_submitted_claims_are_on_top_of_the_list(cora, anna_member, km_rate):
    older = km_claim(anna_member, spent_on=dt.date(2026, 3, 1))
    decided = km_claim(anna_member, spent_on=dt.date(2026, 3, 17))
    services_expenses.approve_claim(actor=cora, claim=decided)
    newest = km_claim(anna_member, spent_on=dt.date(2026, 3, 10))
    assert list(selectors.claims_to_review(cora)) == [newest, older, decided]
    assert list(selectors.claims_to_review(cora, "approved")) == [decided]


def test_a_pdf_receipt_downloads_and_an_image_opens_inline(
    cora_client, anna_member, anna_client
):
    pdf = receipt_claim(
        anna_member, receipt=upload(pdf_bytes(), "bon.pdf", "application/pdf")
    )
    for client in (cora_client, anna_client):
        response = client.get(reverse("support:receipt", args=[pdf.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == pdf_bytes()
    assert AuditEvent.objects.filter(verb="read", target_id=str(pdf.pk)).count() == 2


def test_the_2026_amounts_carry_a_notice_and_2025_does_not(cora_client, anna_client):
    notice = "nog niet bevestigd"
    assert notice in cora_client.get(reverse("support:claims")).content.decode()
    assert notice in anna_client.get(reverse("support:my_expenses")).content.decode()
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)):
        assert notice not in cora_client.get(reverse("support:claims")).content.decode()


def test_financial_records_are_kept_seven_years(cora, anna, anna_member, km_rate):
    claim = km_claim(anna_member)
    pays(cora, monthly="50", km_rate="0.23")
    allowance, _standing = services_expenses.record_flat_allowance(
        actor=cora, buddy=anna, paid_on=dt.date(2026, 3, 2)
    )
    assert claim.retain_until == allowance.retain_until == dt.date(2033, 12, 31)
    kept = selectors.expired_financial_records(
        cora.organisation_id, dt.date(2033, 12, 31)
    )
    assert not kept["claims"].exists() and not kept["allowances"].exists()
    gone = selectors.expired_financial_records(
        cora.organisation_id, dt.date(2034, 1, 1)
    )
    assert list(gone["claims"]) == [claim]
    assert list(gone["allowances"]) == [allowance]
    # Nothing is deleted by asking.
    assert ExpenseClaim.objects.count() == 1


# --- Access -------------------------------------------------------------------------------


def test_access_rules_of_every_expense_page(
    client, cora_client, mia_client, olga_client, anna_client, anna_member, km_rate
):
    claim = receipt_claim(anna_member)
    buddy_pages = [
        (reverse("support:my_expenses"), "get"),
        (reverse("support:new_km_claim"), "get"),
        (reverse("support:new_receipt_claim"), "get"),
        (reverse("support:my_claim", args=[claim.pk]), "get"),
    ]
    desk_pages = [
        (reverse("support:claims"), "get"),
        (reverse("support:claim", args=[claim.pk]), "get"),
        (reverse("support:approve_claim", args=[claim.pk]), "post"),
        (reverse("support:reject_claim", args=[claim.pk]), "post"),
        (reverse("support:allowance_new"), "get"),
        (reverse("support:allowance_month"), "post"),
        (reverse("support:allowance_settings"), "get"),
        (reverse("support:month"), "get"),
        (reverse("support:month_csv"), "get"),
        (reverse("support:month_xlsx"), "get"),
        (reverse("support:close_month"), "post"),
    ]
    receipt_url = reverse("support:receipt", args=[claim.pk])
    for url, method in [*buddy_pages, *desk_pages, (receipt_url, "get")]:
        assert getattr(client, method)(url)["Location"].startswith(
            reverse("accounts:login")
        ), url
    for url, method in buddy_pages:
        assert getattr(cora_client, method)(url).status_code == 403, url
        assert getattr(mia_client, method)(url).status_code == 403, url
    for url, method in desk_pages:
        assert getattr(anna_client, method)(url).status_code == 403, url
        assert getattr(mia_client, method)(url).status_code == 403, url
    assert mia_client.get(receipt_url).status_code == 403
    # Another organisation's coordinator: 404 for the claim, its receipt, its steps.
    for url in (
        reverse("support:claim", args=[claim.pk]),
        receipt_url,
    ):
        assert olga_client.get(url).status_code == 404, url
    assert (
        olga_client.post(reverse("support:approve_claim", args=[claim.pk])).status_code
        == 404
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    # Wrong methods.
    assert cora_client.get(
        reverse("support:approve_claim", args=[claim.pk])
    ).status_code == (405)
    assert cora_client.get(reverse("support:close_month")).status_code == 405
    assert cora_client.get(reverse("support:allowance_month")).status_code == 405
    assert anna_client.delete(reverse("support:new_km_claim")).status_code == 405
    assert anna_client.post(receipt_url).status_code == 405


def test_another_buddy_of_the_organisation_gets_404(noord, anna_member, km_rate):
    claim = receipt_claim(anna_member)
    bram = buddy_membership(matchable_buddy(noord, "Bram Twee"))
    client = signed_in_client(bram.user)
    for url in (
        reverse("support:my_claim", args=[claim.pk]),
        reverse("support:receipt", args=[claim.pk]),
    ):
        assert client.get(url).status_code == 404, url
    mine = client.get(reverse("support:my_expenses")).content.decode()
    assert "Parkeren bij school" not in mine
    assert list(selectors.visible_claims(bram)) == []


def test_a_buddy_of_another_organisation_gets_404(zuid, olga, anna_member, km_rate):
    claim = km_claim(anna_member)
    zeno = buddy_membership(matchable_buddy(zuid, "Zeno Zuid"))
    client = signed_in_client(zeno.user)
    assert client.get(reverse("support:my_claim", args=[claim.pk])).status_code == 404
    with pytest.raises(DomainError):
        services_expenses.approve_claim(actor=olga, claim=claim)


def test_only_a_buddy_claims_and_a_stopped_buddy_cannot(
    cora, anna, anna_member, km_rate
):
    with pytest.raises(DomainError):
        km_claim(cora)
    anna.status = "stopped"
    anna.save(update_fields=["status"])
    with pytest.raises(DomainError):
        km_claim(anna_member)
    assert not ExpenseClaim.objects.exists()


def test_coordinators_hear_of_a_claim_and_the_buddy_of_the_decision(
    cora, anna_member, km_rate
):
    from django.core import mail
    from django.test import TestCase

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim = km_claim(anna_member, description="Gesprek met de mentor")
    assert [m.to for m in mail.outbox] == [[cora.user.email]]
    assert reverse("support:claim", args=[claim.pk]) in mail.outbox[0].body
    # What the claim is for stays in the app.
    assert "mentor" not in mail.outbox[0].body
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_expenses.reject_claim(actor=cora, claim=claim, reason="Privérit")
    assert [m.to for m in mail.outbox] == [[anna_member.user.email]]
    assert mail.outbox[0].subject == "Uw declaratie is afgewezen"
    assert "Privérit" not in mail.outbox[0].body
    assert "18 maart 2026" in mail.outbox[0].body


def test_the_monthly_amount_for_every_active_buddy_at_once(
    cora, cora_client, noord, anna
):
    bram = matchable_buddy(noord, "Bram Twee")
    cees = matchable_buddy(noord, "Cees Drie")
    paused = matchable_buddy(noord, "Pim Pauze", status="paused")
    pays(cora, monthly="170")
    with time_machine.travel(dt.datetime(2025, 12, 10, 12, tzinfo=dt.UTC)):
        # Bram already had his this month; Cees had the whole year's cap.
        services_expenses.record_flat_allowance(
            actor=cora, buddy=bram, paid_on=dt.date(2025, 12, 1)
        )
        for month in range(1, 11):
            services_expenses.record_flat_allowance(
                actor=cora,
                buddy=cees,
                paid_on=dt.date(2025, month, 1),
                amount=Decimal(210),
            )
        page = cora_client.post(
            reverse("support:allowance_month"), {"paid_on": "2025-12-10"}, follow=True
        )
        text = page.content.decode()
        assert "vastgelegd voor 1 buddy." in text
        assert "Cees Drie: Dan krijgt deze buddy dit jaar € 2270,00" in text
        assert "Let op, deze buddy&#x27;s zitten nu op 80% of meer" in text
        assert "Anna Een" in text
        december = FlatAllowance.objects.filter(paid_on__month=12)
        assert sorted(a.buddy.full_name for a in december) == ["Anna Een", "Bram Twee"]
        assert not FlatAllowance.objects.filter(buddy=paused).exists()
        # Twice is the same as once.
        done = services_expenses.record_month_allowances(
            actor=cora, paid_on=dt.date(2025, 12, 10)
        )
        assert done.recorded == [] and len(done.already) == 2
        assert [b for b, _reason in done.refused] == [cees]
    assert cora_client.post(reverse("support:allowance_month"), {"paid_on": "x"})[
        "Location"
    ] == reverse("support:allowance_new")
    assert FlatAllowance.objects.count() == 12


def test_waiting_claims_are_on_the_coordinators_start_page(
    cora, cora_client, anna_member, km_rate
):
    from ouderbuddy.support.panels import claims_to_review

    claim = km_claim(anna_member)
    rows = claims_to_review(cora)
    assert rows == [
        {
            "url": reverse("support:claim", args=[claim.pk]),
            "label": "Anna Een: € 5,64, 18 maart 2026",
        }
    ]
    start = cora_client.get(reverse("dashboard:start")).content.decode()
    assert "Declaraties die wachten op beoordeling" in start
    assert reverse("support:claim", args=[claim.pk]) in start
    services_expenses.approve_claim(actor=cora, claim=claim)
    assert claims_to_review(cora) == []


def test_a_km_claim_has_no_receipt_and_a_lost_file_is_a_404(
    cora_client, anna_member, km_rate
):
    assert (
        cora_client.get(
            reverse("support:receipt", args=[km_claim(anna_member).pk])
        ).status_code
        == 404
    )
    claim = receipt_claim(anna_member)
    receipts.delete(claim.receipt_name)
    assert (
        cora_client.get(reverse("support:receipt", args=[claim.pk])).status_code == 404
    )


def test_the_demo_gives_a_buddy_two_claims_and_a_question_once(cora, anna):
    from ouderbuddy.support.demo_expenses import seed_demo_expenses
    from ouderbuddy.support.models import Question

    pays(cora, km_rate="0.19")
    assert seed_demo_expenses(cora.organisation, first=anna) == 2
    assert seed_demo_expenses(cora.organisation, first=anna) == 0
    claims = ExpenseClaim.objects.filter(buddy=anna)
    assert sorted(c.status for c in claims) == ["approved", "submitted"]
    assert Question.objects.filter(buddy=anna).count() == 1
    # The organisation's own rate stays.
    assert selectors.allowance_settings_of(cora.organisation_id).km_rate == Decimal(
        "0.19"
    )
