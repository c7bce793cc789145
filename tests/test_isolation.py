"""Tenancy: nobody reaches another organisation's data through any URL of the project.

Every URL pattern is requested by Olga, a verified coordinator of Steunpunt Zuid, with
the ids of every object of Steunpunt Noord filled into its parameters, with GET and with
POST. The only acceptable answers are 403, 404 and 405 (or a redirect to the login
page). Pages without parameters may answer, but must not mention any of Noord's ids,
names or e-mail addresses. New apps are covered the moment their URLs are added.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import (
    PASSWORD,
    invite_and_accept,
    make_first_coordinator,
    make_organisation,
    signed_in_client,
)
from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.tests.factories import apply as apply_as_buddy
from ouderbuddy.buddies.tests.factories import paperwork_done, screened
from ouderbuddy.intake.tests.factories import submit as submit_help_request
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.training.tests.factories import make_training_world
from tests.urlwalk import routes

ALLOWED = {403, 404, 405}

# Public pages whose parameter is a secret from an e-mail, not an object id. Anyone may
# open them; the walk checks that they show nothing of Noord instead of their status.
PUBLIC_TOKEN_ROUTES = {
    "accounts:accept_invitation",
    "accounts:password_reset_confirm",
    "intake:status",
    "intake:status_withdraw",
    "intake:status_consent",
    "intake:status_renew",
    "intake:referral_confirm",
    "matching:parent_answer",
    "casework:parent_agreement",
    "casework:parent_fit",
    "casework:calendar_feed",
    "evaluation:answer",
    "evaluation:page",
    "evaluation:done",
    "evaluation:decline",
    "evaluation:saved",
    "evaluation:declined",
    "privacy:status_request",
    "privacy:download",
}

# Public pages of an organisation (its application form): they may show the
# organisation's name, and nothing else of it.
PUBLIC_ORGANISATION_ROUTES = {
    "buddies:apply",
    "buddies:apply_done",
    "intake:referral",
    "intake:referral_done",
    "privacy:statement",
}

# Public pages of an organisation's knowledge base: they may show its name and its
# published articles for parents (their titles are in `world["public_titles"]`),
# never a draft, an archived article or one for buddies.
PUBLIC_KNOWLEDGE_ROUTES = {"knowledge:public_list", "knowledge:public_article"}

# Two ids per model are enough to find a selector that forgets the organisation, and
# keep the walk fast as the number of models grows.
IDS_PER_MODEL = 2

# A parameter that names its model is tried with that model's ids and with one id of
# every other model (so a parameter named after the wrong model is still caught); any
# other parameter (object_id, token, …) with two ids of every model.
PARAM_MODELS = {
    "article_id": "knowledge.article",
    "buddy_id": "buddies.buddy",
    "check_in_id": "casework.checkin",
    "claim_id": "support.expenseclaim",
    "cost_id": "reports.cost",
    "board_report_id": "reports.boardreport",
    "breach_id": "privacy.databreach",
    "time_entry_id": "reports.timeentry",
    "course_id": "training.course",
    "draft_id": "matching.batchdraft",
    "evaluation_invitation_id": "evaluation.invitation",
    "version_id": "evaluation.questionnaireversion",
    "enrolment_id": "training.enrolment",
    "fit_id": "casework.fitanswer",
    "group_id": "support.intervisiegroup",
    "intervisie_id": "support.intervisiesession",
    "question_id": "support.question",
    "reply_id": "support.reply",
    "announcement_id": "support.announcement",
    "invitation_id": "accounts.invitation",
    "line_id": "matching.batchline",
    "match_id": "matching.match",
    "meeting_id": "casework.schoolmeeting",
    "membership_id": "organisations.membership",
    "organisation_id": "organisations.organisation",
    "request_id": "intake.helprequest",
    "session_id": "training.session",
    "signal_id": "casework.safetysignal",
    "target_id": "intake.organisationreferraltarget",
}


def ids_for(world: dict[str, Any], params: tuple[str, ...]) -> list[str]:
    """The ids a route with these parameters is tried with."""
    objects = world["objects"]
    named = [PARAM_MODELS.get(param) for param in params]
    if not params or None in named:
        return world["ids"]
    ids = {pks[0] for pks in objects.values() if pks}
    for label in named:
        assert label in objects, f"{label} (for {params}) is no model of the world"
        ids |= set(objects[label][:IDS_PER_MODEL])
    return sorted(ids)


def _noord_objects(noord: Organisation) -> dict[str, list[str]]:
    """Every row that belongs to Noord, by model label: organisation-scoped models,
    the organisation itself and the people who are members of it."""
    found: dict[str, list[str]] = {"organisations.organisation": [str(noord.pk)]}
    for model in apps.get_models():
        field_names = {f.name for f in model._meta.get_fields()}
        if "organisation" in field_names and model is not Organisation:
            pks = model._base_manager.filter(organisation=noord).values_list(
                "pk", flat=True
            )
            found[model._meta.label_lower] = [str(pk) for pk in pks]
    found["accounts.user"] = [
        str(pk)
        for pk in User.objects.filter(memberships__organisation=noord).values_list(
            "pk", flat=True
        )
    ]
    return found


def _matching_world(cora) -> None:
    """A proposal, a batch draft with a line, a conflict and saved weights."""
    from django.test import TestCase

    from ouderbuddy.matching import services as matching
    from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request

    with TestCase.captureOnCommitCallbacks(execute=True):
        bea = matchable_buddy(cora.organisation, "Bea Matchbaar")
        request = waiting_request(cora, email="wacht@noord.test")
        other = waiting_request(cora, email="ander@noord.test")
        matching.save_weights(actor=cora, values={"issue": 2.0})
        matching.create_batch(actor=cora, objective="best_fit")
        matching.propose(actor=cora, request=request, buddy=bea)
        matching.record_conflict(
            actor=cora, request=other, buddy=bea, note="Kent het gezin"
        )
    _casework_world(cora)
    _support_world(cora)
    _knowledge_world(cora)


def _knowledge_world(cora) -> None:
    """Articles in every status and for every audience, with their history, and one
    as a course's material."""
    from ouderbuddy.knowledge import services as knowledge
    from ouderbuddy.knowledge.tests.factories import article
    from ouderbuddy.training.models import Course

    article(cora, "Noord: uitleg voor ouders", "Openbaar.", audience="parents")
    buddies = article(cora, "Noord: tips voor buddy's", "Intern.", audience="buddies")
    article(cora, "Noord: concept", "Nog niet klaar.", publish=False)
    knowledge.archive_article(
        actor=cora, article=article(cora, "Noord: oud stuk", "Vervallen.")
    )
    course = Course.objects.filter(organisation=cora.organisation).first()
    assert course is not None, "the training world makes a course"
    knowledge.set_course_materials(actor=cora, course=course, article_ids=[buddies.pk])


def _support_world(cora) -> None:
    """An intervisie group with a planned session one buddy signed up for, a
    session that took place with its attendance and record, and a buddy's question
    with an answer."""
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support import services as support
    from ouderbuddy.support import services_announcements as announcements
    from ouderbuddy.support import services_questions as questions
    from ouderbuddy.support import services_recognition as thanks
    from ouderbuddy.support.tests.factories import group, held, session

    ina = matchable_buddy(cora.organisation, "Ina Tervisie")
    made = group(cora, [ina], name="Groep Noord")
    support.sign_up(actor=buddy_membership(ina), session=session(cora, made))
    past = held(session(cora, made, days=2))
    support.record_attendance(actor=cora, session=past, attendance={ina.pk: True})
    support.record_session(
        actor=cora, session=past, themes="Grenzen stellen", agreements=""
    )
    asked = questions.ask_question(
        actor=buddy_membership(ina), subject="Gesprek op school", body="Hoe begin ik?"
    )
    questions.reply_to_question(actor=cora, question=asked, body="Samen voorbereiden.")
    announcements.send_announcement(
        actor=cora, title="Nieuwe folder", body="Ligt op kantoor.", audience="active"
    )
    thanks.send_thank_you(
        actor=cora, buddy=ina, year=timezone.localdate().year, note="Dank u wel!"
    )
    _expenses_world(cora, buddy_membership(ina))


def _expenses_world(cora, member) -> None:
    """Allowance settings, a receipt claim approved, a kilometre claim waiting, a
    flat allowance and a closed month."""
    import datetime as dt

    from django.utils import timezone

    from ouderbuddy.support import services_expenses as expenses
    from ouderbuddy.support.tests.factories import km_claim, pays, receipt_claim

    pays(cora, monthly="50", km_rate="0.23")
    expenses.approve_claim(actor=cora, claim=receipt_claim(member))
    km_claim(member)
    expenses.record_flat_allowance(
        actor=cora, buddy=_member_buddy(member), paid_on=timezone.localdate()
    )
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    expenses.close_month(actor=cora, month=last_month)


def _privacy_world(cora) -> None:
    """A data breach in Noord's register."""
    import datetime as dt

    from django.utils import timezone

    from ouderbuddy.privacy.services_breaches import record_breach

    record_breach(
        actor=cora,
        discovered_at=timezone.now() - dt.timedelta(days=2),
        what="Een e-mail met kenmerken ging naar een verkeerd adres.",
        not_reported_reason="Geen risico: alleen kenmerken.",
    )


def _member_buddy(member):
    from ouderbuddy.buddies.models import Buddy

    return Buddy.objects.get(organisation_id=member.organisation_id, user=member.user)


def _casework_world(cora) -> None:
    """An active match with one of everything casework keeps, and a closed one."""
    import datetime as dt

    from django.test import TestCase
    from django.utils import timezone

    from ouderbuddy.casework import services as casework
    from ouderbuddy.casework.tests.factories import active_match
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy

    with TestCase.captureOnCommitCallbacks(execute=True):
        match = active_match(
            cora, matchable_buddy(cora.organisation, "Cas Werk"), email="cas@noord.test"
        )
        buddy = buddy_membership(match.buddy)
        casework.set_agreement(
            actor=cora,
            match=match,
            goals="Weer naar school",
            frequency="weekly",
            contact_modes=["phone"],
        )
        casework.log_contact(
            actor=buddy, match=match, on=timezone.localdate(), mode="phone", minutes=15
        )
        casework.plan_meeting(
            actor=buddy,
            match=match,
            starts_at=timezone.now() + dt.timedelta(days=2),
            place="School",
            kind="tlv",
        )
        casework.answer_fit(match=match, side="parent", answer="not_good")
        casework.raise_signal(
            actor=buddy, match=match, kind="beyond_role", description="Zorgen"
        )
        casework.new_calendar_feed(actor=buddy, buddy=match.buddy)
        closed = active_match(
            cora,
            matchable_buddy(cora.organisation, "Dirk Dicht"),
            email="dicht@noord.test",
        )
        casework.close_match(
            actor=cora, match=closed, reason="goal_reached", initiator="together"
        )
        # Evaluation: the parent answers the questionnaire at the end, with an open
        # answer; Noord has a draft of its own version of a questionnaire.
        from ouderbuddy.evaluation import services as evaluation
        from ouderbuddy.evaluation.models import Invitation

        end = Invitation.objects.get(
            subject__key__match=closed, audience="parent", moment="t1"
        )
        pages = len(evaluation.version_for(end).definition["pages"])
        evaluation.save_page(
            invitation=end,
            page=pages,
            answers={"helped": "Dirk hielp goed"},
            finish=True,
        )
        evaluation.make_own_copy(actor=cora, version=evaluation.version_for(end))
        # Reports: an hour of Cora's and a cost of Noord's.
        from ouderbuddy.reports import services as reports

        reports.log_time(
            actor=cora, worked_on=timezone.localdate(), activity="matching", minutes=60
        )
        reports.add_cost(
            actor=cora,
            spent_on=timezone.localdate(),
            category="other",
            amount=Decimal("12.50"),
            description="Drukwerk",
        )
        from ouderbuddy.intake.models import HelpRequest
        from ouderbuddy.reports.figures import Quarter

        reports.set_signals(
            actor=cora,
            request=HelpRequest.objects.filter(organisation=cora.organisation).first(),
            themes=["no_place"],
        )
        reports.draft_board_report(
            actor=cora, first=Quarter(2025, 1), last=Quarter(2025, 4), text="Concept"
        )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker) -> Any:
    """Noord with one of everything the foundation has (members, invitations, audit)
    and Olga of Zuid, built once for the module in a transaction that is rolled back
    afterwards; pytest-django's per-test transaction nests inside it as a savepoint,
    so whatever one request changes is gone before the next test."""
    backend = "ouderbuddy.notifications.backends.TaskEmailBackend"  # as in conftest
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND=backend),
        transaction.atomic(),
    ):
        mail.outbox = []
        cora, ben = build_noord_cast()
        world = build_noord_world(cora, ben)
        olga = make_first_coordinator(
            make_organisation("Steunpunt Zuid"), "olga@zuid.test", "Olga Anders"
        )
        world["ids"] = sorted(
            {pk for pks in world["objects"].values() for pk in pks[:IDS_PER_MODEL]}
        )
        world["secrets"] = _noord_secrets(world)
        world["olga"] = olga.user
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def noord_world(_module_world, db) -> dict[str, Any]:
    return _module_world


def build_noord_cast() -> tuple[Membership, Membership]:
    """Noord with Cora (coordinator), Ben (buddy), Mia (manager) and Nina (network
    admin), as the isolation walk and the query-count walk need them."""
    noord = make_organisation("Steunpunt Noord")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    ben = invite_and_accept(cora, "ben@noord.test", "Ben Buddy", Role.BUDDY)
    invite_and_accept(cora, "mia@noord.test", "Mia Manager", Role.MANAGER)
    nina = User.objects.create_user(
        "nina@netwerk.test", PASSWORD, full_name="Nina Netwerk"
    )
    Membership.objects.create(organisation=noord, user=nina, role=Role.NETWORK_ADMIN)
    return cora, ben


def build_noord_world(cora, ben) -> dict[str, Any]:
    """The world of `noord_world`, for callers that build the cast themselves (the
    fuzz module builds it once for all its tests); Mia and Nina must exist too."""
    invitation = account_services.invite_person(
        actor=cora, email="nieuw@noord.test", full_name="Nieuwe Buddy", role=Role.BUDDY
    )
    account_services.revoke_invitation(actor=cora, invitation=invitation)
    account_services.invite_person(
        actor=cora,
        email="open@noord.test",
        full_name="Open Uitnodiging",
        role=Role.BUDDY,
    )
    record_event(
        actor=cora, organisation=cora.organisation, verb="test.read", target=ben
    )
    fatima = screened(cora, apply_as_buddy(cora.organisation))
    paperwork_done(cora, fatima)
    make_training_world(cora)
    submit_help_request(cora.organisation)
    _matching_world(cora)
    _privacy_world(cora)
    objects = _noord_objects(cora.organisation)
    assert objects["intake.helprequest"], "the walk needs help requests to try"
    assert objects["training.enrolment"], "the walk needs enrolments to try"
    assert objects["buddies.buddy"], "the walk needs buddies to try"
    assert objects["accounts.invitation"], "the walk needs invitations to try"
    assert objects["privacy.auditevent"], "the walk needs audit events to try"
    for label in (
        "casework.agreement",
        "casework.contact",
        "casework.schoolmeeting",
        "casework.checkin",
        "casework.fitanswer",
        "casework.safetysignal",
        "casework.calendarfeed",
        "casework.closure",
        "evaluation.subject",
        "evaluation.matchkey",
        "evaluation.invitation",
        "evaluation.response",
        "evaluation.textanswer",
        "evaluation.questionnaireversion",
        "reports.timeentry",
        "reports.cost",
        "reports.requestsignal",
        "reports.boardreport",
        "matching.match",
        "matching.matchevent",
        "matching.batchdraft",
        "matching.batchline",
        "matching.conflict",
        "matching.matchingweights",
        "support.intervisiegroup",
        "support.groupmember",
        "support.intervisiesession",
        "support.participation",
        "support.question",
        "support.reply",
        "support.announcement",
        "support.announcementrecipient",
        "support.thankyou",
        "knowledge.article",
        "knowledge.articleevent",
        "knowledge.coursematerial",
    ):
        assert objects[label], f"the walk needs {label} to try"
    from ouderbuddy.knowledge.selectors import public_articles

    public_titles = set(
        public_articles(cora.organisation).values_list("title", flat=True)
    )
    assert public_titles, "the walk needs public articles to tell apart"
    return {
        "objects": objects,
        "noord": cora.organisation,
        "public_titles": public_titles,
    }


def _noord_secrets(world: dict[str, Any]) -> set[str]:
    """Strings that only Noord's people may see: ids, names, e-mail addresses."""
    noord = world["noord"]
    members = User.objects.filter(memberships__organisation=noord)
    secrets = {pk for pks in world["objects"].values() for pk in pks}
    secrets |= {noord.name, "nieuw@noord.test", "open@noord.test"}
    secrets |= set(members.values_list("email", flat=True))
    secrets |= set(members.values_list("full_name", flat=True))
    # Names, e-mail addresses and titles of every organisation-scoped row.
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        if "organisation" not in fields:
            continue
        for name in ("full_name", "email", "title"):
            if name in fields:
                values = model._base_manager.filter(organisation=noord).values_list(
                    name, flat=True
                )
                secrets |= {str(v) for v in values if v and len(str(v)) > 3}
    return {s for s in secrets if s}


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


# One test per route with parameters, so that the walk spreads over the workers.
ROUTES_WITH_PARAMS = [route for route in routes() if route.params]


def test_the_walk_has_ids_and_routes_to_try(noord_world):
    assert len(noord_world["ids"]) >= 8
    assert ROUTES_WITH_PARAMS


def test_a_named_parameter_is_tried_with_its_models_ids_and_one_of_every_other(
    noord_world,
):
    objects = noord_world["objects"]
    ids = set(ids_for(noord_world, ("match_id",)))
    assert set(objects["matching.match"][:IDS_PER_MODEL]) <= ids
    assert all(pks[0] in ids for pks in objects.values() if pks)
    assert ids_for(noord_world, ("object_id",)) == noord_world["ids"]
    # Every named parameter of the URL map names a model the world has rows of.
    for route in ROUTES_WITH_PARAMS:
        for param in route.params:
            if param in PARAM_MODELS:
                assert objects[PARAM_MODELS[param]], param


@pytest.mark.parametrize("route", ROUTES_WITH_PARAMS, ids=lambda route: route.name)
def test_no_url_gives_olga_access_to_noord_objects(noord_world, route):
    secrets = noord_world["secrets"]
    failures = []
    client = signed_in_client(noord_world["olga"])
    for pk in ids_for(noord_world, route.params):
        url = route.build(pk)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if "_auth_user_id" not in client.session:
                client = signed_in_client(noord_world["olga"])  # she was signed out
            public = (
                PUBLIC_TOKEN_ROUTES
                | PUBLIC_ORGANISATION_ROUTES
                | PUBLIC_KNOWLEDGE_ROUTES
            )
            if route.name in public:
                body = response.content.decode("utf-8", errors="replace")
                # The page may echo its own address (the language switch does).
                allowed = {pk}
                if route.name in PUBLIC_ORGANISATION_ROUTES | PUBLIC_KNOWLEDGE_ROUTES:
                    allowed |= {noord_world["noord"].name}
                if route.name in PUBLIC_KNOWLEDGE_ROUTES:
                    allowed |= noord_world["public_titles"]
                shown = [s for s in secrets - allowed if s in body]
                failures += [f"{method.upper()} {url} shows {s!r}" for s in shown]
            elif response.status_code not in ALLOWED and not _is_login_redirect(
                response
            ):
                failures.append(
                    f"{method.upper()} {url} ({route.name}) -> {response.status_code}"
                )
    assert not failures, "Olga reached Noord's data:\n" + "\n".join(failures)


def test_pages_without_ids_never_show_noord_data(noord_world):
    secrets = noord_world["secrets"]
    leaks = []
    checked = 0
    for route in routes():
        if route.params:
            continue
        client = signed_in_client(noord_world["olga"])
        response = client.get(route.build(""), follow=True)
        checked += 1
        body = response.content.decode("utf-8", errors="replace")
        leaks += [f"GET {route.route} shows {s!r}" for s in secrets if s and s in body]
    assert checked > 5
    assert not leaks, "\n".join(leaks)


def test_no_url_carries_a_counting_integer():
    offenders = [r.route for r in routes() if "<int:" in r.route]
    assert not offenders, (
        f"URLs must carry UUIDs or random codes, not integers: {offenders}"
    )


def test_public_knowledge_pages_show_articles_for_parents_only(noord_world):
    """The walk above lets these pages show the public titles; here they must, and
    nothing else of Noord's knowledge base."""
    from django.test import Client

    noord = noord_world["noord"]
    body = (
        Client()
        .get(reverse("knowledge:public_list", args=[noord.pk]))
        .content.decode("utf-8")
    )
    assert "Noord: uitleg voor ouders" in body
    for hidden in ("tips voor buddy", "Noord: concept", "Noord: oud stuk"):
        assert hidden not in body


def _people_of_noord(world: dict[str, Any], manager: User) -> set[str]:
    """Names, e-mail addresses and keys of Noord's people and cases: parents,
    children, buddies, coordinators, matches (everything but the manager herself)."""
    noord = world["noord"]
    found: set[str] = set()
    members = User.objects.filter(memberships__organisation=noord).exclude(
        pk=manager.pk
    )
    found |= set(members.values_list("email", flat=True))
    found |= set(members.values_list("full_name", flat=True))
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        if "organisation" not in fields:
            continue
        for name in ("full_name", "email", "child_name", "parent_name"):
            if name in fields:
                values = model._base_manager.filter(organisation=noord).values_list(
                    name, flat=True
                )
                found |= {str(v) for v in values if v and len(str(v)) > 3}
    for label in ("intake.helprequest", "matching.match", "buddies.buddy"):
        found |= set(world["objects"][label])
    return found


@pytest.mark.parametrize("role", [Role.MANAGER, Role.NETWORK_ADMIN])
def test_a_manager_sees_figures_never_a_person(noord_world, role):
    """PRODUCT.md: the manager (and the network admin, with her national figures)
    sees figures only. Every page she may open shows no name, e-mail address or key
    of a parent, child, buddy, colleague or match."""
    noord = noord_world["noord"]
    mia = User.objects.get(memberships__organisation=noord, memberships__role=role)
    people = _people_of_noord(noord_world, mia)
    client = signed_in_client(mia)
    opened = []
    leaks = []
    for route in routes():
        urls = (
            [route.build(pk) for pk in ids_for(noord_world, route.params)[:12]]
            if route.params
            else [route.build("")]
        )
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened.append(route.name)
            body = response.content.decode("utf-8", errors="replace")
            # Whole words ("Noor" is a child, "Steunpunt Noord" the organisation);
            # a page may echo its own address (the language switch does).
            leaks += [
                f"{url} shows {s!r}"
                for s in people
                if s not in url and re.search(rf"\b{re.escape(s)}\b", body)
            ]
    assert "reports:dashboard" in opened and "reports:report_xlsx" in opened
    if role == Role.MANAGER:
        assert "reports:costs" in opened
    assert not leaks, "\n".join(sorted(set(leaks)))
