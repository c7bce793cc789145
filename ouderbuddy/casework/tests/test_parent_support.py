"""What the parent's status page shows of the support (selectors.parent_support): for
the running match, or else for the match that closed last; never the buddy's note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.casework import selectors, services
from ouderbuddy.casework.models import Fit
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)

pytestmark = pytest.mark.django_db


def test_nothing_before_the_introduction_is_planned(cora):
    request = waiting_request(cora)
    assert selectors.parent_support(request, None) is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        proposal = matching.propose(
            actor=cora, request=request, buddy=matchable_buddy(cora.organisation)
        )
    assert selectors.parent_support(request, proposal) is None


def test_a_running_match_shows_agreements_contacts_meetings_and_the_fit_question(cora):
    match = active_match(cora)
    bea = buddy_membership(match.buddy)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.set_agreement(
            actor=cora,
            match=match,
            goals="Weer naar school",
            frequency="weekly",
            contact_modes=["phone", "video"],
        )
        services.log_contact(
            actor=bea,
            match=match,
            on=timezone.localdate(),
            mode="phone",
            minutes=20,
            topics=["issue.out_of_school"],
            note="Alleen voor de coördinator",
        )
        services.plan_meeting(
            actor=bea,
            match=match,
            starts_at=timezone.now() + dt.timedelta(days=2),
            place="School",
            kind="tlv",
        )
    support = selectors.parent_support(match.request, match)
    assert support is not None
    assert support["active"] and not support["closed"]
    assert support["agreement_modes"] == "Telefoon, Videobellen"
    assert support["can_acknowledge"]
    [contact] = support["contacts"]
    assert contact["minutes"] == 20
    assert contact["topics"] == ["Thuiszitten of dreigend thuiszitten"]
    assert "note" not in contact
    assert [m["place"] for m in support["meetings"]] == ["School"]
    assert support["fit_pending"] and support["fit_answer"] is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_fit(match=match, side="parent", answer=Fit.GOOD)
    support = selectors.parent_support(match.request, match)
    assert not support["fit_pending"]
    assert support["fit_answer"] == Fit.GOOD
    assert support["fit_answer_label"] == Fit.GOOD.label


def test_after_the_close_the_last_closed_match_without_open_questions(cora):
    match = active_match(cora)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.set_agreement(
            actor=cora,
            match=match,
            goals="Weer naar school",
            frequency="weekly",
            contact_modes=["phone"],
        )
        services.close_match(
            actor=cora, match=match, reason="goal_reached", initiator="together"
        )
    support = selectors.parent_support(match.request, None)
    assert support is not None
    assert support["match"] == match
    assert support["closed"] and not support["active"]
    assert support["closed_on"] == timezone.localdate()
    assert not support["can_acknowledge"]
    assert support["meetings"] == []
    assert not support["fit_pending"]


def test_the_latest_contacts_come_with_how_many_there_are_in_all(cora):
    """The count is a window over the match's contacts, before the limit: no second
    query, and the same number as counting them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouderbuddy.casework.models import Contact

    match = active_match(cora)
    bea = buddy_membership(match.buddy)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for days in range(selectors.LATEST_CONTACTS + 3):
            services.log_contact(
                actor=bea,
                match=match,
                on=timezone.localdate(),
                mode="phone",
                minutes=10 + days,
                topics=[],
                note="",
            )
    with CaptureQueriesContext(connection) as queries:
        support = selectors.parent_support(match.request, match)
    assert support is not None
    assert support["contact_count"] == Contact.objects.filter(match=match).count()
    assert support["contact_count"] == selectors.LATEST_CONTACTS + 3
    assert len(support["contacts"]) == selectors.LATEST_CONTACTS
    assert not any("COUNT(*)" in q["sql"] for q in queries.captured_queries)


def test_the_fit_answer_without_agreements_is_read_on_its_own(cora):
    match = active_match(cora)
    support = selectors.parent_support(match.request, match)
    assert support is not None and support["agreement"] is None
    assert support["fit_pending"] and support["fit_answer"] is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_fit(match=match, side="parent", answer=Fit.NOT_SURE)
    support = selectors.parent_support(match.request, match)
    assert not support["fit_pending"]
    assert support["fit_answer"] == Fit.NOT_SURE
    assert support["fit_answer_label"] == Fit.NOT_SURE.label
