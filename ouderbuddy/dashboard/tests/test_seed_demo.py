"""The demo data command: idempotent, refuses production (the national benchmark set is
`bench/national.py`, tested in tests/test_bench_national.py)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework.models import Contact
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.reports import selectors
from ouderbuddy.reports.figures import Period, school_year_of


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        HelpRequest.objects.count(),
        Match.objects.count(),
        Contact.objects.count(),
    )
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        HelpRequest.objects.count(),
        Match.objects.count(),
        Contact.objects.count(),
    )
    _the_history_gives_the_reports_figures()
    assert counts[0] == 2
    text = out.getvalue()
    assert "coordinator@amsterdam.ouderbuddy.example" in text
    assert "demo-wachtwoord-2026" in text
    amsterdam = Organisation.objects.get(name__contains="Amsterdam")
    assert set(amsterdam.districts.values_list("code", flat=True)) == {
        "PO2707",
        "VO2708",
    }


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_buddies_cover_every_status_and_the_demo_buddy_is_matchable():
    from ouderbuddy.buddies import checklist, services

    call_command("seed_demo", force=True, without_history=True, stdout=io.StringIO())
    statuses = set(Buddy.objects.values_list("status", flat=True))
    assert statuses == set(BuddyStatus.values)
    demo = Buddy.objects.get(email="buddy@amsterdam.ouderbuddy.example")
    assert demo.user is not None
    assert checklist.is_matchable(services.facts_for(demo))


@pytest.mark.django_db
def test_demo_requests_cover_every_state():
    call_command("seed_demo", force=True, without_history=True, stdout=io.StringIO())
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(
        RequestStatus.values
    )
    assert (
        HelpRequest.objects.filter(codes__isnull=False).distinct().count()
        == HelpRequest.objects.count()
    )


def _the_history_gives_the_reports_figures():
    """The demo's past (reports.demo_history): last school year's report shows the
    main figures of each demo organisation, and nothing lies in the future."""
    today = timezone.localdate()
    last_year = Period.school_year(school_year_of(today)).previous()
    for organisation in Organisation.objects.all():
        report = selectors.report(organisation, last_year, selectors.Filters())
        routes = report.table("requests_by_route")
        assert routes.grid.total is not None and routes.grid.total >= 100
        assert all(value is not None for _label, value in routes.bars)
        check_ins = report.table("check_ins")
        assert check_ins.grid.total is not None and check_ins.grid.total > 100
        shown = {f.label: f.value for s in report.sections for f in s.figures}
        assert shown["Koppelingen die liepen"] != "x"
        assert shown["Per koppeling"] != "x"
        assert shown["Contacten per koppeling per maand dat die liep"] != "x"
        assert (
            float(
                shown["Contacten per koppeling per maand dat die liep"].replace(
                    ",", "."
                )
            )
            > 1
        )
    assert not Contact.objects.filter(on__gt=today).exists()
    assert not Match.objects.filter(started_on__gt=today).exists()
    assert not HelpRequest.objects.filter(received_at__gt=timezone.now()).exists()
    # Old history matches are closed; only recent ones may still run.
    old = today - dt.timedelta(days=300)
    assert not Match.objects.filter(
        started_on__lt=old, status=MatchStatus.ACTIVE
    ).exists()
