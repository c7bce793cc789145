"""Every page's SQL statements stay the same when its organisation grows.

The pages are the ones the load benchmark measures (`bench/load.py`: every coordinator
page, the buddy's phone pages and the parent's status page), each requested as the
role that uses it, with the same objects (`bench.load.objects_of`). Each page's
statements are counted with the shared cache empty, so the count includes what a
cached panel or pool costs when it is computed. Then the organisation grows (more
buddies, requests, matches, contacts, members, enrolments, audit events, and a second
organisation with all of that too) and every page is counted again: a page whose
count went up runs a query per row somewhere (the team page did, one query per
member), and fails here with its name and both counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import load
from conftest import (
    TASK_EMAIL_BACKEND,
    invite_and_accept,
    make_first_coordinator,
    make_organisation,
    signed_in_client,
)
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.lib import org_cache
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import services as support
from ouderbuddy.support import services_expenses as support_expenses
from ouderbuddy.support import services_questions as support_questions
from ouderbuddy.support.models import (
    GroupMember,
    IntervisieGroup,
    Participation,
    ParticipationStatus,
)
from ouderbuddy.support.tests.factories import km_claim, receipt_claim
from ouderbuddy.training.models import Enrolment, EnrolmentStatus, Session
from tests.test_isolation import build_noord_cast, build_noord_world

# What a GET may answer besides the page: the benchmark leaves these out too.
NOT_A_PAGE = {302: "redirects", 405: "POST only"}

# Pages the walk must reach, at least: a change that loses most of them (a broken
# objects_of, say) fails instead of passing on a handful.
MIN_PAGES = 40


def count(client: Any, url: str) -> tuple[int, int]:
    """(status, statements) of one GET with the shared cache empty."""
    cache.clear()
    # The test's one transaction never commits, so the cache would be bypassed for
    # the organisation anyway; clear that too, so the cached path is what is counted.
    org_cache._dirty().clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def measure(
    pages: list[load.Page], clients: dict[str, Any]
) -> dict[str, tuple[int, int]]:
    return {page.name: count(clients[page.role], page.url) for page in pages}


def grow(cora: Membership, ids: dict[str, Any], n: int) -> None:
    """`n` more of everything a page lists, in Cora's organisation."""
    organisation = cora.organisation
    match = Match.objects.select_related("buddy").get(pk=ids["match_id"])
    buddy = buddy_membership(match.buddy)
    session = Session.objects.get(pk=ids["session_id"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        for i in range(n):
            tag = f"groei{i}"
            new = matchable_buddy(
                organisation, f"Groei{i} Buddy", email=f"{tag}@b.test"
            )
            waiting_request(cora, email=f"{tag}-wacht@noord.test")
            other = active_match(
                cora,
                matchable_buddy(
                    organisation, f"Actief{i} Buddy", email=f"a{tag}@b.test"
                ),
                email=f"{tag}-actief@noord.test",
            )
            casework.log_contact(
                actor=buddy_membership(other.buddy),
                match=other,
                on=timezone.localdate(),
                mode="phone",
                minutes=10,
            )
            casework.log_contact(
                actor=buddy,
                match=match,
                on=timezone.localdate(),
                mode="video",
                minutes=20,
            )
            casework.plan_meeting(
                actor=buddy,
                match=match,
                starts_at=timezone.now() + dt.timedelta(days=3 + i),
                place="School",
                kind="tlv",
            )
            Enrolment.objects.create(
                organisation=organisation,
                session=session,
                buddy=new,
                status=EnrolmentStatus.ENROLLED,
                enrolled_by=cora.user,
            )
            GroupMember.objects.create(
                organisation=organisation, group_id=ids["group_id"], buddy=new
            )
            Participation.objects.create(
                organisation=organisation,
                session_id=ids["intervisie_id"],
                buddy=new,
                status=ParticipationStatus.SIGNED_UP,
                attended=True,
            )
            asked = support_questions.ask_question(
                actor=buddy, subject=f"Vraag {i}", body="Hoe doe ik dit?"
            )
            support_questions.reply_to_question(actor=cora, question=asked, body="Zo.")
            support.plan_session(
                actor=cora,
                group=IntervisieGroup.objects.get(pk=ids["group_id"]),
                starts_at=timezone.now() + dt.timedelta(days=20 + i),
                ends_at=timezone.now() + dt.timedelta(days=20 + i, hours=2),
                theme=f"Thema {i}",
                method="incident",
                location="Kantoor",
            )
            closed = active_match(
                cora,
                matchable_buddy(
                    organisation, f"Dicht{i} Buddy", email=f"d{tag}@b.test"
                ),
                email=f"{tag}-dicht@noord.test",
            )
            casework.close_match(
                actor=cora, match=closed, reason="goal_reached", initiator="together"
            )
            for role in (Role.COORDINATOR, Role.MANAGER, Role.BUDDY):
                invite_and_accept(cora, f"{tag}-{role}@noord.test", f"Lid {tag}", role)
            record_event(
                actor=cora, organisation=organisation, verb="test.read", target=new
            )
            # Claims of the measured buddy: the buddy's and the coordinators' lists.
            support_expenses.approve_claim(
                actor=cora, claim=km_claim(buddy, description=f"Rit {i}")
            )
            receipt_claim(buddy, description=f"Bon {i}")


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker) -> Any:
    """Every page counted before and after the organisation grew."""
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND=TASK_EMAIL_BACKEND),
        transaction.atomic(),
    ):
        mail.outbox = []
        cora, ben = build_noord_cast()
        noord = cora.organisation
        build_noord_world(cora, ben)
        ids = load.objects_of(noord, cora)
        pages, skipped = load.candidate_pages(ids)
        clients = {
            "coordinator": signed_in_client(cora.user),
            "buddy": signed_in_client(ids["buddy_user"]),
            "parent": Client(),
        }
        before = measure(pages, clients)
        grow(cora, ids, 3)
        # Another organisation with its own people and rows: no page of Noord may
        # count them either.
        zuid = make_organisation("Steunpunt Zuid")
        olga = make_first_coordinator(zuid, "olga@zuid.test", "Olga Anders")
        active_match(olga, matchable_buddy(zuid, "Zeno Zuid", email="zeno@zuid.test"))
        waiting_request(olga, email="wacht@zuid.test")
        after = measure(pages, clients)
        yield {"pages": pages, "skipped": skipped, "before": before, "after": after}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_walk_reaches_the_pages_of_the_load_benchmark(counted):
    shown = [name for name, (status, _) in counted["before"].items() if status == 200]
    assert len(shown) >= MIN_PAGES, counted["skipped"]
    # Only the benchmark's own exclusions are skipped: every object was found, except
    # an open invitation, which only a POST (revoke) takes.
    missing = {name for name, why in counted["skipped"] if why.startswith("no ")}
    assert missing <= {"organisations:revoke_invitation"}


@pytest.mark.django_db
def test_every_page_answers_the_same_before_and_after(counted):
    before, after = counted["before"], counted["after"]
    broken = {
        name: (status, after[name][0])
        for name, (status, _) in before.items()
        if (status != 200 and status not in NOT_A_PAGE) or after[name][0] != status
    }
    assert not broken


@pytest.mark.django_db
def test_no_page_runs_more_statements_when_the_organisation_grows(counted):
    grew = {
        name: (counted["before"][name][1], statements)
        for name, (status, statements) in counted["after"].items()
        if status == 200 and statements > counted["before"][name][1]
    }
    assert not grew, f"statements before and after growing: {grew}"
