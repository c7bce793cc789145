"""The report pages: who may see them, bad periods and filters, what they show
(figures, never a person), the downloads, the hours and the costs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import signed_in_client
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.reports import services
from ouderbuddy.reports.figures import school_year_of
from ouderbuddy.reports.models import Cost, CostSettings, TimeEntry

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


def _requests(organisation, count, *, name="Pieter Geheim", days_ago=10):
    received = timezone.now() - dt.timedelta(days=days_ago)
    for _number in range(count):
        cache.clear()  # the public form's rate limit
        request = submit(organisation, full_name=name, email="ouder@example.test")
        HelpRequest.objects.filter(pk=request.pk).update(received_at=received)


def test_the_manager_sees_figures_and_no_person(mia_client, noord):
    _requests(noord, 6)
    page = mia_client.get(DASHBOARD)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rapportage" in text
    assert "Pieter Geheim" not in text and "ouder@example.test" not in text
    assert "Hulpvragen binnen" in text
    assert "<svg" in text and "<title" in text


def test_small_counts_are_an_x(mia_client, noord):
    _requests(noord, 3)
    page = mia_client.get(DASHBOARD)
    table = page.context["report"].table("requests_by_route")
    assert table.grid.total is None
    for _label, value in table.bars:
        assert value is None or value == 0 or value >= 5


def test_a_coordinator_sees_the_report_and_a_buddy_does_not(cora_client, ben_client):
    assert cora_client.get(DASHBOARD).status_code == 200
    assert ben_client.get(DASHBOARD).status_code == 403


def test_each_organisation_sees_its_own_figures(mia_client, olga_client, noord, zuid):
    _requests(zuid, 7)
    own = olga_client.get(DASHBOARD).context["report"].table("requests_by_route")
    other = mia_client.get(DASHBOARD).context["report"].table("requests_by_route")
    assert own.grid.total == 7
    assert other.grid.total == 0


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": "2026-03-01", "end": "2025-09-01"},
        {"period": "custom", "start": "2000-01-01", "end": "2020-01-01"},
        {"period": "custom", "start": "morgen", "end": "2025-09-01"},
        {"period": "quarter", "quarter": "2025-9"},
        {"year": "abc"},
        {"period": "week"},
        {"swv": "PO9999"},
        {"code": "issue.nonsense"},
    ],
)
def test_a_bad_period_or_filter_is_refused_in_dutch(mia_client, query):
    page = mia_client.get(DASHBOARD, query)
    assert page.status_code == 400
    assert "error-summary" in page.content.decode()
    assert page.context["report"] is None


def test_a_control_character_in_the_link_is_refused(mia_client):
    assert mia_client.get(DASHBOARD, {"year": "\x00"}).status_code == 400


def test_a_period_with_no_data(mia_client):
    page = mia_client.get(
        DASHBOARD, {"period": "custom", "start": "2021-09-01", "end": "2021-12-31"}
    )
    assert page.status_code == 200
    report = page.context["report"]
    assert report.table("requests_by_route").grid.total == 0
    assert report.period.start == dt.date(2021, 8, 1)


def test_the_period_links_can_be_bookmarked(mia_client):
    year = school_year_of(timezone.localdate())
    page = mia_client.get(DASHBOARD, {"period": "year", "year": str(year)})
    assert page.status_code == 200
    assert f"year={year}" in page.content.decode()


def test_a_table_downloads_as_csv_and_xlsx(mia_client, noord):
    _requests(noord, 3)
    _requests(noord, 6, days_ago=12)
    url = reverse("reports:table_csv", args=["requests_by_route"])
    csv = mia_client.get(url)
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Route;Aantal"
    assert lines[-1] == "Totaal;9"
    xlsx = mia_client.get(reverse("reports:table_xlsx", args=["requests_by_route"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Totaal" in values and 9 in values
    assert not any(isinstance(v, int) and 1 <= v <= 4 for v in values)


def test_the_costs_download_with_a_decimal_comma(mia, mia_client):
    services.add_cost(
        actor=mia,
        spent_on=timezone.localdate(),
        category="other",
        amount=Decimal("1234.50"),
        description="Drukwerk",
    )
    csv = mia_client.get(reverse("reports:table_csv", args=["costs"]))
    assert "Overig;€ 1.234,50" in csv.content.decode("utf-8-sig")
    xlsx = mia_client.get(reverse("reports:report_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert Decimal("1234.5") in [
        Decimal(str(c.value))
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, float | int)
    ]


def test_an_unknown_table_is_404(mia_client):
    assert (
        mia_client.get(reverse("reports:table_csv", args=["nope"])).status_code == 404
    )


def test_a_coordinator_logs_hours_and_sees_the_cost_per_match_change(cora, cora_client):
    page = cora_client.post(
        reverse("reports:hours"),
        {
            "worked_on": timezone.localdate().isoformat(),
            "activity": "matching",
            "hours": "1,5",
        },
    )
    assert page.status_code == 302
    assert TimeEntry.objects.get().minutes == 90


@pytest.mark.parametrize("hours", ["30", "-2", "abc", "0", "1:75", "9" * 50, "\x07"])
def test_bad_hours_are_refused_and_nothing_is_saved(cora_client, hours):
    page = cora_client.post(
        reverse("reports:hours"),
        {
            "worked_on": timezone.localdate().isoformat(),
            "activity": "matching",
            "hours": hours,
        },
    )
    assert page.status_code == 400
    assert not TimeEntry.objects.exists()


def test_hours_for_tomorrow_are_refused(cora_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = cora_client.post(
        reverse("reports:hours"),
        {"worked_on": tomorrow.isoformat(), "activity": "matching", "hours": "2"},
    )
    assert page.status_code == 400
    assert "toekomst" in page.content.decode()


def test_a_manager_writes_no_hours(mia_client):
    assert mia_client.get(reverse("reports:hours")).status_code == 403


def test_hours_of_another_coordinator_cannot_be_taken_back(cora, olga_client):
    entry = services.log_time(
        actor=cora, worked_on=timezone.localdate(), activity="matching", minutes=30
    )
    page = olga_client.post(reverse("reports:hours_delete", args=[entry.pk]))
    assert page.status_code == 404
    assert TimeEntry.objects.count() == 1


def test_a_manager_adds_a_cost_with_a_comma(mia_client):
    page = mia_client.post(
        reverse("reports:costs"),
        {
            "form": "cost",
            "spent_on": timezone.localdate().isoformat(),
            "category": "recruitment",
            "amount": "12,50",
            "description": "Flyers",
        },
    )
    assert page.status_code == 302
    assert Cost.objects.get().amount == Decimal("12.50")


@pytest.mark.parametrize("amount", ["-5", "0", "12,5,0", "1.000,00", "abc", ""])
def test_a_bad_cost_is_refused(mia_client, amount):
    page = mia_client.post(
        reverse("reports:costs"),
        {
            "form": "cost",
            "spent_on": timezone.localdate().isoformat(),
            "category": "other",
            "amount": amount,
            "description": "Drukwerk",
        },
    )
    assert page.status_code == 400
    assert not Cost.objects.exists()


def test_another_organisations_cost_is_404(mia, olga_client):
    cost = services.add_cost(
        actor=mia,
        spent_on=timezone.localdate(),
        category="other",
        amount=Decimal("5"),
        description="Koffie",
    )
    assert (
        olga_client.post(reverse("reports:cost_delete", args=[cost.pk])).status_code
        == 404
    )
    assert Cost.objects.count() == 1


def test_the_price_of_an_hour_from_the_page(mia_client):
    page = mia_client.post(
        reverse("reports:costs"), {"form": "hour_cost", "hour_cost": "55,00"}
    )
    assert page.status_code == 302
    assert CostSettings.objects.get().hour_cost == Decimal("55.00")


def test_the_pages_sign_in_first(client):
    for name in ("reports:dashboard", "reports:hours", "reports:costs"):
        assert client.get(reverse(name)).status_code == 302


def test_the_cost_per_match_uses_the_hours(cora, mia):
    services.set_hour_cost(actor=mia, hour_cost=Decimal("50"))
    services.log_time(
        actor=cora, worked_on=timezone.localdate(), activity="matching", minutes=120
    )
    client = signed_in_client(mia.user)
    report = client.get(DASHBOARD).context["report"]
    costs = report.section("costs")
    assert costs.money_lines[0][1] == Decimal("100.00")
    assert costs.figures[0].value == "€ 100,00"


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_annual_report_as_pdf(mia_client, noord):
    _requests(noord, 3)
    _requests(noord, 6, days_ago=12)
    response = mia_client.get(reverse("reports:report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Steunpunt Noord" in text and "Hulpvragen binnen, per route" in text
    assert "Pieter Geheim" not in text


def test_the_pdf_of_a_long_name_and_no_data(mia, mia_client):
    organisation = mia.organisation
    organisation.name = "Ouder- en Jeugdsteunpunt " + "Heel Lange Naam " * 7
    organisation.save()
    response = mia_client.get(
        reverse("reports:report_pdf"),
        {"period": "custom", "start": "2021-09-01", "end": "2021-12-31"},
    )
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "Heel Lange Naam" in text
    assert "Totaal 0." in text


def test_a_name_cannot_break_out_of_the_pdfs_page_header():
    from ouderbuddy.reports.templatetags.report_charts import css_string

    assert (
        css_string('A"; } body { x: "<\\/style>')
        == '"A\\"; } body { x: \\"\\3c \\\\/style\\3e"'
    )


def test_the_buddies_section(cora, mia_client):
    from ouderbuddy.matching.tests.factories import matchable_buddy

    for n in range(6):
        matchable_buddy(cora.organisation, f"Buddy {n}", email=f"b{n}@b.test")
    report = mia_client.get(DASHBOARD).context["report"]
    section = report.section("buddies")
    load = dict(report.table("buddy_load").bars)
    assert load["Geen koppeling"] == 6
    pipeline = report.table("buddy_pipeline")
    assert dict(pipeline.bars)["Aangemeld"] == 6
    assert not pipeline.show_total
    labels = [f.label for f in section.figures]
    assert "Nog actief 12 maanden na de start" in labels
    csv = mia_client.get(reverse("reports:table_csv", args=["buddy_pipeline"]))
    assert "Totaal" not in csv.content.decode("utf-8-sig")


def test_the_support_section_counts_the_backing_of_buddies(mia_client):
    section = mia_client.get(DASHBOARD).context["report"].section("support")
    figures = {f.label: f.value for f in section.figures}
    assert figures["Vragen aan de vraagbaak"] == "0"
    assert figures["Intervisie: keer dat een buddy erbij was"] == "0"
    assert figures["Tijd tot het eerste antwoord, mediaan"] == "x"


@pytest.mark.parametrize("sector", ["po", "vo"])
def test_the_figures_of_one_sector(cora_client, noord, sector):
    """PO or VO: only the requests with a route code of that sector count (this
    filter gave a 500 until 8 December)."""
    _requests(noord, 5)
    page = cora_client.get(DASHBOARD, {"sector": sector})
    assert page.status_code == 200
    assert "Hulpvragen binnen" in page.content.decode()
