"""The demo data command: idempotent, refuses production (the national benchmark set is
`bench/national.py`, tested in tests/test_bench_national.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.organisations.models import Membership, Organisation


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
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

    call_command("seed_demo", force=True, stdout=io.StringIO())
    statuses = set(Buddy.objects.values_list("status", flat=True))
    assert statuses == set(BuddyStatus.values)
    demo = Buddy.objects.get(email="buddy@amsterdam.ouderbuddy.example")
    assert demo.user is not None
    assert checklist.is_matchable(services.facts_for(demo))


@pytest.mark.django_db
def test_demo_requests_cover_every_state():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(
        RequestStatus.values
    )
    assert (
        HelpRequest.objects.filter(codes__isnull=False).distinct().count()
        == HelpRequest.objects.count()
    )
