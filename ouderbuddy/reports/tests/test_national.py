"""The network admin's national figures (and the support figures that count per
month a match ran): her network's organisations counted as one
whole and protected once (two organisations' 3 requests are 6, not two x's), never
an organisation she has no network membership of, never one organisation's
coordinator pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_first_coordinator, make_organisation, signed_in_client
from ouderbuddy.casework.models import Contact
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.reports import selectors
from ouderbuddy.reports.models import CostSettings, TimeEntry
from ouderbuddy.reports.tests.test_views import _requests

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


@pytest.fixture
def nina_of_both(nina, zuid):
    Membership.objects.create(
        organisation=zuid, user=nina.user, role=Role.NETWORK_ADMIN
    )
    return nina


def _route_total(client):
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    return page, page.context["report"].table("requests_by_route")


def test_the_network_counts_as_one_whole(nina_of_both, noord, zuid, mia_client):
    _requests(noord, 3)
    _requests(zuid, 3)
    page, table = _route_total(signed_in_client(nina_of_both.user))
    assert table.grid.total == 6
    text = page.content.decode()
    assert "Landelijke cijfers" in text
    assert "2 steunpunten samen" in text
    assert "Pieter Geheim" not in text and "ouder@example.test" not in text
    # Each organisation on its own has too few: an x.
    _page, own = _route_total(mia_client)
    assert own.grid.total is None


def test_only_the_organisations_of_her_network(nina, noord, zuid):
    _requests(noord, 5)
    _requests(zuid, 7)
    make_organisation("Steunpunt Elders")
    _page, table = _route_total(signed_in_client(nina.user))
    assert table.grid.total == 5
    # An ended network membership no longer counts.
    other = Membership.objects.create(
        organisation=zuid, user=nina.user, role=Role.NETWORK_ADMIN, is_active=False
    )
    assert selectors.network_scope(nina.user).organisation_ids == (noord.pk,)
    other.is_active = True
    other.save()
    _page, table = _route_total(signed_in_client(nina.user))
    assert table.grid.total == 12


def test_hours_count_at_each_organisations_hour_cost(nina_of_both, noord, zuid):
    today = timezone.localdate() - dt.timedelta(days=1)
    for organisation, cost in ((noord, 50), (zuid, 100)):
        CostSettings.objects.create(organisation=organisation, hour_cost=cost)
        coordinator = make_first_coordinator(
            organisation, f"c{cost}@example.test", "Coördinator"
        )
        TimeEntry.objects.create(
            organisation=organisation,
            membership=coordinator,
            worked_on=today,
            activity="matching",
            minutes=60,
        )
    scope = selectors.network_scope(nina_of_both.user)
    period = selectors.Period.school_year(selectors.school_year_of(today))
    section = selectors.costs(scope, period, selectors.Filters())
    hours_label, hours_cost = section.money_lines[0]
    assert hours_cost == 150  # 1 hour at 50 and 1 hour at 100
    assert "2 uur" in hours_label


def test_the_downloads_are_the_national_figures(nina_of_both, noord, zuid):
    _requests(noord, 3)
    _requests(zuid, 3)
    client = signed_in_client(nina_of_both.user)
    response = client.get(reverse("reports:report_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "Alle steunpunten van het netwerk" in cells
    assert noord.name not in cells and zuid.name not in cells
    csv = client.get(reverse("reports:table_csv", args=["requests_by_route"]))
    assert csv.status_code == 200
    assert ";6" in csv.content.decode("utf-8-sig").replace("\r", "")
    pdf = client.get(reverse("reports:report_pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "name",
    ["reports:hours", "reports:costs", "reports:planner", "reports:signals"],
)
def test_no_organisation_pages_for_the_network_admin(nina, name):
    assert signed_in_client(nina.user).get(reverse(name)).status_code == 403


def test_the_start_page_links_the_national_figures(nina):
    page = signed_in_client(nina.user).get(reverse("dashboard:start"))
    assert DASHBOARD in page.content.decode()


def test_contacts_per_match_count_the_months_the_matches_ran(cora):
    """Five matches that ran the last 61 days, six contacts each: about three a
    month, not six divided by the twelve months of the school year."""
    today = timezone.localdate()
    started = today - dt.timedelta(days=61)
    matches = []
    for n in range(5):
        match = active_match(
            cora,
            matchable_buddy(cora.organisation, f"Buddy {n}", email=f"b{n}@b.test"),
            email=f"ouder{n}@example.test",
        )
        Match.objects.filter(pk=match.pk).update(started_on=started)
        matches.append(match)
    contacts = [
        Contact(
            organisation=cora.organisation,
            match=match,
            on=started + dt.timedelta(days=10 * k),
            mode="phone",
            minutes=20,
        )
        for match in matches
        for k in range(6)
    ]
    Contact.objects.bulk_create(contacts)
    scope = selectors.Scope.of(cora.organisation)
    # A period that holds the 61 days: the quarters of this school year up to now.
    period = selectors.Period.school_year(selectors.school_year_of(started))
    if started < period.start:
        period = selectors.Period(period.previous().first, period.last)
    section = selectors.support(scope, period, selectors.Filters())
    shown = {f.label: f.value for f in section.figures}
    assert shown["Koppelingen die liepen"] == "5"
    value = float(
        shown["Contacten per koppeling per maand dat die liep"].replace(",", ".")
    )
    assert 2.8 <= value <= 3.1, value
