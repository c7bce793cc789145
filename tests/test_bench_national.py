"""`bench/national.py`: the national benchmark data set, seeded outside the app packages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bench.national import main, seed_national
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework.models import CheckIn, Contact
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.organisations.models import Organisation


@pytest.mark.django_db
def test_national_scale_has_an_organisation_per_swv():
    # Two buddies per organisation keep the test fast; `make bench` uses the default 100.
    assert seed_national(per_organisation=2).startswith("National scale: 150 organ")
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
    assert "0 new buddies" in seed_national(per_organisation=2)
    assert Organisation.objects.filter(name__startswith="Steunpunt ").count() == 150
    assert Buddy.objects.filter(organisation__in=national).count() == 300
    assert HelpRequest.objects.filter(organisation__in=national).count() == 1500
    assert counts == (matches.count(), contacts.count(), CheckIn.objects.count())


@pytest.mark.django_db
def test_the_script_refuses_without_debug(settings, capsys):
    settings.DEBUG = False
    assert main([]) == 2
    assert "DEBUG=1" in capsys.readouterr().err
    assert not Organisation.objects.exists()
