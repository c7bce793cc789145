"""The demo data command: idempotent, refuses production, scales to the nation."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework.models import CheckIn, Contact
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching.models import Match, MatchStatus
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
def test_national_scale_has_an_organisation_per_swv():
    # Two buddies per organisation keep the test fast; `make bench` uses the default 100.
    options = {"force": True, "scale": "national", "buddies_per_organisation": 2}
    call_command("seed_demo", stdout=io.StringIO(), **options)
    national = Organisation.objects.filter(name__startswith="Steunpunt ")
    assert national.count() == 150
    assert all(o.districts.count() == 1 for o in national[:5])
    assert Buddy.objects.filter(organisation__in=national).count() == 300
    assert HelpRequest.objects.filter(organisation__in=national).count() == 1500
    # Active and paused buddies have an account, so the national data can be matched.
    with_account = Buddy.objects.filter(
        organisation__in=national, status__in=["active", "paused"]
    )
    assert with_account.exists()
    assert not with_account.filter(user__isnull=True).exists()
    # Casework: active and closed matches, and 5,000 contacts per buddy per
    # organisation (500,000 with the default 100; 10,000 here).
    matches = Match.objects.filter(organisation__in=national)
    active = matches.filter(status=MatchStatus.ACTIVE)
    assert active.exists()
    # About one closed match for every five requests (fewer where no buddy was active).
    assert 200 < matches.filter(status=MatchStatus.CLOSED).count() <= 300
    assert not active.exclude(request__status=RequestStatus.MATCHED).exists()
    contacts = Contact.objects.filter(organisation__in=national)
    assert contacts.count() == 10_000
    assert not contacts.filter(on__gt=timezone.localdate()).exists()
    assert CheckIn.objects.filter(
        match__in=active, done_on__isnull=True, due_on__lt=timezone.localdate()
    ).exists()
    counts = (matches.count(), contacts.count(), CheckIn.objects.count())
    call_command("seed_demo", stdout=io.StringIO(), **options)
    assert Organisation.objects.filter(name__startswith="Steunpunt ").count() == 150
    assert Buddy.objects.filter(organisation__in=national).count() == 300
    assert HelpRequest.objects.filter(organisation__in=national).count() == 1500
    assert counts == (matches.count(), contacts.count(), CheckIn.objects.count())


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
