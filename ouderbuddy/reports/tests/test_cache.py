"""One organisation's report, planner and trends are counted once and kept in the
shared cache until that organisation's data changes (lib/org_cache.py); a network's
figures are counted every time. The figures after a change are the new ones."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib import org_cache
from ouderbuddy.reports import planner, selectors, signals
from ouderbuddy.reports.tests.test_views import _requests

pytestmark = pytest.mark.django_db


def _received(report: selectors.Report) -> str:
    """The report's "requests received" figure, as shown."""
    table = report.table("requests_by_route")
    assert table is not None
    return selectors._shown(table.grid.total)


@pytest.fixture
def counted(monkeypatch):
    """How often each of the three was really counted."""
    calls = {"report": 0, "planner": 0, "trends": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        selectors, "_count_report", counting("report", selectors._count_report)
    )
    monkeypatch.setattr(planner, "_plan", counting("planner", planner._plan))
    monkeypatch.setattr(signals, "_trends", counting("trends", signals._trends))
    return calls


def _year() -> selectors.Period:
    return selectors.Period.school_year(selectors.school_year_of(timezone.localdate()))


def test_a_report_is_counted_once_until_the_organisation_changes(noord, zuid, counted):
    _requests(noord, 5)
    org_cache._dirty().clear()  # as if the fixtures' transaction had committed
    scope = selectors.Scope.of(noord)
    first = selectors.scoped_report(scope, _year(), selectors.Filters())
    again = selectors.scoped_report(scope, _year(), selectors.Filters())
    assert counted["report"] == 1
    assert _received(first) == _received(again) == "5"
    # Other filters are another report.
    selectors.scoped_report(scope, _year(), selectors.Filters(sector="po"))
    assert counted["report"] == 2
    # Another organisation's request changes nothing here.
    submit(zuid)  # (not _requests: that empties the whole cache)
    selectors.scoped_report(scope, _year(), selectors.Filters())
    assert counted["report"] == 2
    # A sixth request of this organisation is counted at once.
    _requests(noord, 1)
    after = selectors.scoped_report(scope, _year(), selectors.Filters())
    assert counted["report"] == 3
    assert _received(after) == "6"


def test_a_networks_figures_are_counted_every_time(noord, zuid, counted):
    org_cache._dirty().clear()
    scope = selectors.Scope("netwerk", (noord.pk, zuid.pk))
    selectors.scoped_report(scope, _year(), selectors.Filters())
    selectors.scoped_report(scope, _year(), selectors.Filters())
    assert counted["report"] == 2


def test_the_planner_and_the_trends_are_kept_until_a_change(noord, counted):
    org_cache._dirty().clear()
    planner.plan(noord.pk)
    planner.plan(noord.pk)
    signals.trends(noord, _year())
    signals.trends(noord, _year())
    assert counted == {"report": 0, "planner": 1, "trends": 1}
    _requests(noord, 1)
    planner.plan(noord.pk)
    signals.trends(noord, _year())
    assert counted == {"report": 0, "planner": 2, "trends": 2}
