"""The match flow end to end through the services, and its edges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services
from ouderbuddy.matching.models import MatchEvent, MatchStatus
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


@pytest.mark.django_db
def test_whole_flow_from_proposal_to_active(cora):
    bea = matchable_buddy(cora.organisation)
    request = waiting_request(cora)
    page = services.shortlist(actor=cora, request=request)
    assert [o.buddy for o in page.candidates] == [bea]
    mail.outbox.clear()
    match = run(services.propose, actor=cora, request=request, buddy=bea, reason="Zelfde ervaring")
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHING
    assert [m.to for m in mail.outbox] == [[bea.email]]
    match = run(services.accept, actor=buddy_membership(bea), match=match)
    assert match.status == MatchStatus.ACCEPTED
    match = run(services.parent_agrees, request=request, match=match)
    at = timezone.now() + dt.timedelta(days=2)
    match = run(
        services.plan_introduction, actor=cora, match=match, at=at, mode="video"
    )
    match = run(
        services.activate, actor=cora, match=match, started_on=timezone.localdate()
    )
    request.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert request.status == RequestStatus.MATCHED
    assert list(MatchEvent.objects.filter(match=match).values_list("to_status", flat=True)) == [
        "proposed", "accepted", "agreed", "introduction_planned", "active"
    ]


@pytest.mark.django_db
def test_no_free_place_after_proposal(cora):
    bea = matchable_buddy(cora.organisation)
    first = waiting_request(cora)
    second = waiting_request(cora, email="ander@example.nl")
    run(services.propose, actor=cora, request=first, buddy=bea)
    with pytest.raises(DomainError, match="Geen plek vrij"):
        services.propose(actor=cora, request=second, buddy=bea)
