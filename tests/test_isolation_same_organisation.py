"""Isolation inside one organisation: a buddy reaches only their own matches, a
parent's status link only their own request.

The generic walk of `test_isolation` (another organisation's coordinator) repeated
inside Steunpunt Noord: buddy Bram requests every URL pattern with the ids of buddy
Anna's match and of everything kept about it, with GET and with POST, and may only get
403, 404 or 405 (or the login page). Parent B's status link is opened at every status
route, with GET and POST, and must never show parent A's request, match or buddy, nor
change A's request. New routes are covered the moment they are added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import make_first_coordinator, make_organisation, signed_in_client
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.services import status_token
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support import services as support
from ouderbuddy.support import services_announcements as support_announcements
from ouderbuddy.support import services_expenses as support_expenses
from ouderbuddy.support import services_questions as support_questions
from ouderbuddy.support.tests import factories as support_factories
from tests.test_isolation import ALLOWED, PUBLIC_TOKEN_ROUTES
from tests.urlwalk import routes

# Routes whose parameter is the parent's status-link token.
STATUS_ROUTES = [
    route
    for route in routes()
    if route.params == ("token",) and route.route.startswith("hulpvraag/status/")
]


def _anna_objects(match: Match) -> list[str]:
    """Every id of Anna's match: the match, its request, her buddy record and user,
    and each row casework keeps about the match."""
    ids = {match.pk, match.request_id, match.buddy_id, match.buddy.user_id}
    for related in (
        match.agreements,
        match.contacts,
        match.meetings,
        match.fit_answers,
        match.check_ins,
        match.signals,
        match.events,
    ):
        ids |= set(related.values_list("pk", flat=True))
    ids |= set(
        match.buddy.calendar_feeds.values_list("pk", flat=True)  # type: ignore[attr-defined]
    )
    return sorted(str(pk) for pk in ids)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker) -> Any:
    """Noord with two buddies in an active match each (Anna's with one of everything
    casework keeps), built once in a transaction rolled back afterwards."""
    backend = "ouderbuddy.notifications.backends.TaskEmailBackend"  # as in conftest
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND=backend),
        transaction.atomic(),
    ):
        mail.outbox = []
        noord = make_organisation("Steunpunt Noord")
        cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
        anna_match = active_match(
            cora,
            matchable_buddy(noord, "Anna Eerstebuddy"),
            full_name="Petra Ouderaa",
            email="petra@ouder-a.test",
            child_name="Kindaa",
        )
        bram_match = active_match(
            cora,
            matchable_buddy(noord, "Bram Tweedebuddy"),
            full_name="Quinten Ouderbee",
            email="quinten@ouder-b.test",
            child_name="Kindbee",
        )
        anna = buddy_membership(anna_match.buddy)
        with TestCase.captureOnCommitCallbacks(execute=True):
            casework.set_agreement(
                actor=cora,
                match=anna_match,
                goals="Weer naar school",
                frequency="weekly",
                contact_modes=["phone"],
            )
            casework.log_contact(
                actor=anna,
                match=anna_match,
                on=timezone.localdate(),
                mode="phone",
                minutes=15,
            )
            casework.plan_meeting(
                actor=anna,
                match=anna_match,
                starts_at=timezone.now() + dt.timedelta(days=2),
                place="School",
                kind="tlv",
            )
            casework.answer_fit(
                match=anna_match, side="buddy", answer="good", actor=anna
            )
            casework.raise_signal(
                actor=anna, match=anna_match, kind="beyond_role", description="Zorgen"
            )
            casework.new_calendar_feed(actor=anna, buddy=anna_match.buddy)
        # Anna's intervisie group (Bram is not in it) and a session she signed up for.
        anna_group = support_factories.group(cora, [anna_match.buddy], name="Groep A")
        anna_session = support_factories.session(cora, anna_group)
        support.sign_up(actor=anna, session=anna_session)
        anna_news = support_announcements.send_announcement(
            actor=cora,
            title="Voor groep A",
            body="Alleen voor Anna.",
            audience="group",
            group=anna_group,
        )
        anna_question = support_questions.ask_question(
            actor=anna, subject="Mijn vraag", body="Alleen voor de coördinator."
        )
        # Anna's expense claims: a receipt approved, kilometres waiting.
        support_factories.pays(cora, km_rate="0.23")
        anna_receipt = support_factories.receipt_claim(anna)
        support_expenses.approve_claim(actor=cora, claim=anna_receipt)
        anna_km = support_factories.km_claim(anna)
        yield {
            "anna_match": anna_match,
            "anna_ids": sorted(
                [
                    *_anna_objects(anna_match),
                    str(anna_group.pk),
                    str(anna_session.pk),
                    str(anna_question.pk),
                    str(anna_news.pk),
                    str(anna_receipt.pk),
                    str(anna_km.pk),
                ]
            ),
            "bram": buddy_membership(bram_match.buddy).user,
            "bram_match": bram_match,
            "request_a": anna_match.request,
            "request_b": bram_match.request,
            "secrets_a": {
                "Petra Ouderaa",
                "petra@ouder-a.test",
                "Kindaa",
                "Anna Eerstebuddy",
                *(str(pk) for pk in (anna_match.pk, anna_match.request_id)),
            },
        }
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db) -> dict[str, Any]:
    return _module_world


def test_the_walk_has_anna_objects_and_status_routes(world):
    assert len(world["anna_ids"]) >= 8
    assert {r.name for r in STATUS_ROUTES} >= {"intake:status", "casework:parent_fit"}


@pytest.mark.parametrize(
    "route",
    [r for r in routes() if r.params and r.name not in PUBLIC_TOKEN_ROUTES],
    ids=lambda route: route.name,
)
def test_no_url_gives_buddy_bram_access_to_anna_objects(world, route):
    failures = []
    client = signed_in_client(world["bram"])
    for pk in world["anna_ids"]:
        url = route.build(pk)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if "_auth_user_id" not in client.session:
                client = signed_in_client(world["bram"])  # he was signed out
            if response.status_code in ALLOWED or (
                response.status_code == 302
                and response["Location"].startswith("/account/")
            ):
                continue
            failures.append(
                f"{method.upper()} {url} ({route.name}) -> {response.status_code}"
            )
    assert not failures, "Buddy Bram reached Anna's match:\n" + "\n".join(failures)


def test_bram_sees_his_own_match_and_not_annas(world):
    """The walk can fail: Bram's own match page answers, Anna's is a 404."""
    client = signed_in_client(world["bram"])
    own = client.get(reverse("casework:buddy_match", args=[world["bram_match"].pk]))
    annas = client.get(reverse("casework:buddy_match", args=[world["anna_match"].pk]))
    assert own.status_code == 200
    assert annas.status_code == 404
    own_page = client.get(reverse("support:my_expenses"))
    assert own_page.status_code == 200
    assert "Parkeren bij school" not in own_page.content.decode()
    for name in ("dashboard:start", "matching:proposals"):
        body = client.get(reverse(name)).content.decode()
        assert "Quinten" in body  # his own parent's first name
        leaks = [s for s in world["secrets_a"] if s in body]
        assert not leaks, f"{name} shows {leaks}"


@pytest.mark.parametrize("route", STATUS_ROUTES, ids=lambda route: route.name)
def test_parent_link_b_never_reaches_request_a(world, route):
    request_a: HelpRequest = world["request_a"]
    before = HelpRequest.objects.filter(pk=request_a.pk).values().get()
    url = route.build(status_token(world["request_b"]))
    leaks = []
    for method in ("get", "post"):
        response = getattr(Client(), method)(url, follow=True)
        body = response.content.decode("utf-8", errors="replace")
        leaks += [
            f"{method.upper()} {url} shows {s!r}"
            for s in world["secrets_a"]
            if s in body
        ]
    assert HelpRequest.objects.filter(pk=request_a.pk).values().get() == before
    assert not leaks, "Parent link B reached parent A:\n" + "\n".join(leaks)
