"""Fuzzing every form: no 500, and a refused post saves nothing.

Each page below is opened as the person who uses it; every form on it (found in the
page's HTML, so a new field is fuzzed the day it is added) is posted with values from
hypothesis strategies: control characters and NUL, very long text, lists where one
value is expected, numbers that are no numbers or far too big, malformed dates, UUIDs,
postcodes and e-mail addresses, and the ids of other organisations' rows. The query
strings of the list pages get the same treatment.

The world (two organisations, their people and one of everything) is built once per
module, in a transaction that is rolled back at the end; every test runs in a savepoint
inside it and every post in a savepoint that is rolled back, so each example starts
from the same world. A post that is not answered with a redirect counts as refused: then no row
of any table may have been added, removed or changed (sessions, lockout counters and
"read" audit events aside). This module runs in both passes of `make test`; on
PostgreSQL it is what found the NUL byte 500s (SQLite accepts a NUL). The examples are
derandomised, so CI sees the same ones every run.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core import mail, signing
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    PASSWORD,
    invitation_token_from_mail,
    invite_and_accept,
    make_first_coordinator,
    make_organisation,
    signed_in_client,
)
from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.tests.factories import apply as apply_as_buddy
from ouderbuddy.casework.models import SafetySignal, SchoolMeeting
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.tests.factories import submit as submit_help_request
from ouderbuddy.intake.tests.test_public import STEP_DATA, fill
from ouderbuddy.matching.models import BatchDraft, Match, MatchStatus
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.models import DataBreach
from ouderbuddy.training.models import Course, Session
from tests.formdata import HtmlForm, forms_of
from tests.test_isolation import _noord_objects, build_noord_world

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 4
EXAMPLES_PER_QUERY = 6

# --- Strategies ---------------------------------------------------------------------

CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]
LONG = ["x" * 5_000, "é" * 2_001, "Lange tekst. " * 1_500, "1" * 400]
NUMBERS = ["-1", "0", "3.5", "1e309", "NaN", "inf", "9" * 40, "-" + "9" * 30, "٣", "+"]
DATES = [
    "2026-02-30",
    "31-12-2026",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "1-1-1",
    "2026-12-02T25:61",
    "25:61",
    "23:59:60",
]
IDS = ["niet-een-uuid", "00000000-0000-0000-0000-000000000000", "1", "-1", "{}"]
POSTCODES = ["1012 ABC", "0000 AA", "9999ZZ", "1012", "AB 1012", "10 12 AB", "1012 A"]
EMAILS = ["a@", "@voorbeeld.nl", "x" * 300 + "@example.nl", "a@b@c.nl", "a b@c.nl"]
OTHER = ["", " ", "on", "true", "null", "<script>alert(1)</script>", "' OR 1=1 --"]


def _with_control(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda before, char, after: before + char + after,
        text,
        st.sampled_from(CONTROL),
        text,
    )


def scalar(foreign_ids: list[str], options: list[str]) -> st.SearchStrategy[str]:
    """One bad (or merely odd) value for a field."""
    short = st.text(st.characters(codec="utf-8"), max_size=12)
    choices = [
        _with_control(short),
        _with_control(st.sampled_from(options or ["x"])),
        st.sampled_from(LONG),
        st.sampled_from(NUMBERS + DATES + IDS + POSTCODES + EMAILS + OTHER),
        short,
    ]
    if foreign_ids:
        choices.append(st.sampled_from(foreign_ids))
    if options:
        choices.append(st.sampled_from(options))
    return st.one_of(*choices)


_VALUES: dict[
    tuple[tuple[str, ...], tuple[str, ...]], st.SearchStrategy[list[str]]
] = {}


def value(foreign_ids: list[str], options: list[str]) -> st.SearchStrategy[list[str]]:
    """What is sent for one field: one value, several (a list where one is expected),
    or none at all. Built once per (ids, options): Hypothesis validates every new
    strategy object, a sixth of the fuzz run when each draw built its own; the same
    strategy draws the same examples."""
    key = (tuple(foreign_ids), tuple(options))
    if key not in _VALUES:
        one = scalar(foreign_ids, options)
        _VALUES[key] = st.one_of(
            one.map(lambda v: [v]),
            st.lists(one, min_size=2, max_size=3),
            st.just([]),
        )
    return _VALUES[key]


# --- What may change ----------------------------------------------------------------

# Rows a refused post may write: the session, django-axes' lockout counters (a failed
# sign-in counts), "read" audit events (a page shown again with its errors) and the
# shared cache (rate limits count attempts).
NOT_CHECKED = {"sessions.session", "axes.accessattempt", "axes.accesslog"}
NOT_CHECKED_PREFIXES = ("axes.",)


def _fingerprint_sql() -> str:
    parts = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            label in NOT_CHECKED
            or label.startswith(NOT_CHECKED_PREFIXES)
            or not model._meta.managed
            or model._meta.proxy
        ):
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        where = ""
        if label == "privacy.auditevent":
            where = " WHERE verb <> 'read'"
        parts.append(f"(SELECT COUNT(*) FROM {table}{where})")  # noqa: S608 (names)
        fields = {f.name for f in model._meta.concrete_fields}
        if "updated_at" in fields:
            column = connection.ops.quote_name(
                model._meta.get_field("updated_at").column
            )
            parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def fingerprint() -> tuple[Any, ...]:
    """Row counts and last changes of every table a refused post must leave alone."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())


# --- Posting ------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    client: Client
    path: str


def _post_forms(page: Page) -> list[tuple[str, HtmlForm]]:
    response = page.client.get(page.path)
    assert response.status_code == 200, (page.label, response.status_code)
    found = []
    for form in forms_of(response.content.decode()):
        if form.method != "post":
            continue
        action = form.action or page.path
        if action.startswith(reverse("accounts:logout")):
            continue  # signing out is not a form to fuzz (and ends the session)
        found.append((action, form))
    return found


def _isolated(client: Client, call: Callable[[], Any]) -> Any:
    """Run `call` in a savepoint that is rolled back, with the client's cookies as
    they were before, so every example meets the same world."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    try:
        with transaction.atomic():
            result = call()
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return result


def fuzz_form(
    label: str, client: Client, action: str, form: HtmlForm, foreign_ids: list[str]
) -> None:
    names = sorted(form.kinds)
    extra = ["csrfmiddlewaretoken", "id", "organisation", "organisation_id", "pk"]
    options = sorted({o for values in form.options.values() for o in values})

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        fields = data.draw(
            st.lists(
                st.sampled_from(names + extra), min_size=1, max_size=4, unique=True
            )
        )
        posted = form.data()
        for name in fields:
            posted[name] = data.draw(
                value(foreign_ids, form.options.get(name) or options), label=name
            )

        def post() -> tuple[int, bool]:
            before = fingerprint()
            response = client.post(action, posted)
            changed = fingerprint() != before
            return response.status_code, changed

        status, changed = _isolated(client, post)
        assert status < 500, (label, action, posted)
        if status not in (301, 302, 303):
            assert not changed, f"{label}: a refused post ({status}) saved something"

    run()


def fuzz_query(
    label: str,
    client: Client,
    path: str,
    foreign_ids: list[str],
    extra: tuple[str, ...] = (),
) -> None:
    names = ["q", "status", "pagina", "page", "vlag", "buddy", "sort", "urgentie"]
    names += ["gemeente", "leeftijd", "route", "uitgesloten", "o", "order", "next"]
    names += ["period", "year", "quarter", "start", "end", "swv", "sector", "code"]
    names += list(extra)

    @settings(
        max_examples=EXAMPLES_PER_QUERY,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.dictionaries(st.sampled_from(names), value(foreign_ids, []), max_size=3))
    def run(params: dict[str, list[str]]) -> None:
        def get() -> int:
            return client.get(path, params).status_code

        status = _isolated(client, get)
        assert status < 500, (label, path, params)

    run()


def fuzz_pages(pages: list[Page], foreign_ids: list[str]) -> int:
    forms = 0
    for page in pages:
        for action, form in _post_forms(page):
            fuzz_form(page.label, page.client, action, form, foreign_ids)
            forms += 1
    return forms


# --- The world ----------------------------------------------------------------------


def _build_world() -> dict[str, Any]:
    """Noord with one of everything (the isolation walk's world, with the cast of
    conftest), Zuid with a request and a buddy: Zuid's ids are the other
    organisation's ids the forms get."""
    noord = make_organisation("Steunpunt Noord")
    zuid = make_organisation("Steunpunt Zuid")
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora Coördinator")
    ben = invite_and_accept(cora, "ben@noord.test", "Ben Buddy", Role.BUDDY)
    invite_and_accept(cora, "mia@noord.test", "Mia Manager", Role.MANAGER)
    nina = User.objects.create_user(
        "nina@netwerk.test", PASSWORD, full_name="Nina Netwerk"
    )
    Membership.objects.create(organisation=noord, user=nina, role=Role.NETWORK_ADMIN)
    make_first_coordinator(zuid, "olga@zuid.test", "Olga Anders")
    noord_world = build_noord_world(cora, ben)
    noord.districts.set(["PO2707", "VO2708"])  # the parent's postcode 1012 is Noord's
    submit_help_request(zuid, email="zuid@example.nl")
    apply_as_buddy(zuid, email="zuidbuddy@example.nl")
    foreign = [pk for pks in _noord_objects(zuid).values() for pk in pks]
    # Noord's own ids of other kinds: a buddy's id where a request's is expected.
    own = [pk for pks in noord_world["objects"].values() for pk in pks[:1]]
    return {"noord": noord, "zuid": zuid, "cora": cora, "ids": foreign + own}


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker) -> Any:
    """The world, built once for the module (building it per test took most of the
    module's time on PostgreSQL) in a transaction that is rolled back afterwards.
    pytest-django's per-test transaction nests inside it as a savepoint."""
    backend = "ouderbuddy.notifications.backends.TaskEmailBackend"  # as in conftest
    with (
        django_db_blocker.unblock(),
        override_settings(EMAIL_BACKEND=backend),
        transaction.atomic(),
    ):
        mail.outbox = []
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db) -> dict[str, Any]:
    # Rows are shared by the tests; instances are fetched again for every test.
    return {
        **_module_world,
        "noord": Organisation.objects.get(pk=_module_world["noord"].pk),
        "cora": Membership.objects.get(pk=_module_world["cora"].pk),
    }


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url


# --- The tests ----------------------------------------------------------------------


def test_public_forms(world):
    noord = world["noord"]
    anonymous = Client()
    parent = Client()
    fill(parent)  # a whole draft, so every step and the check page can be opened
    pages = [
        Page("start", anonymous, reverse("intake:start")),
        Page("new link", anonymous, reverse("intake:new_link")),
        Page("buddy finder", anonymous, reverse("buddies:apply_start")),
        Page("buddy application", anonymous, reverse("buddies:apply", args=[noord.pk])),
        Page("referral finder", anonymous, reverse("intake:referral_start")),
        Page("referral", anonymous, reverse("intake:referral", args=[noord.pk])),
        Page("login", anonymous, reverse("accounts:login")),
        Page("password reset", anonymous, reverse("accounts:password_reset")),
    ]
    pages += [
        Page(f"step {step}", parent, reverse("intake:step", args=[step]))
        for step in [*STEP_DATA, "controleren"]
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_secret_link_forms(world, django_capture_on_commit_callbacks):
    """Forms behind a link from an e-mail: invitation, new password, the professional's
    referral confirmed by the parent."""
    noord, cora = world["noord"], world["cora"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_services.invite_person(
            actor=cora, email="fuzz@noord.test", full_name="Fuzz Buddy", role=Role.BUDDY
        )
    invitation = reverse(
        "accounts:accept_invitation", args=[invitation_token_from_mail()]
    )
    user = cora.user
    reset = Client()
    start = reset.get(
        reverse(
            "accounts:password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
    )
    assert start.status_code == 302  # Django moves the token into the session
    referral = intake_services.submit_professional_referral(
        organisation=noord,
        referrer_name="Wies Wijkteam",
        referrer_organisation="Wijkteam",
        referrer_role="Jeugdconsulent",
        referrer_email="wies@wijkteam.nl",
        parent_name="Petra Ouder",
        parent_email="petra@example.nl",
        reason="Thuiszitter sinds de zomer.",
        parent_agreed=True,
    )
    token = signing.dumps(
        {"f": str(referral.pk)}, salt=intake_services.REFERRAL_LINK_SALT, compress=True
    )
    pages = [
        Page("invitation", Client(), invitation),
        Page("new password", reset, start["Location"]),
        Page(
            "referral confirm",
            Client(),
            reverse("intake:referral_confirm", args=[token]),
        ),
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_parent_status_link_forms(world):
    noord = world["noord"]
    requests = [
        HelpRequest.objects.filter(organisation=noord, status=RequestStatus.NEW)
        .order_by("created_at")
        .first()
    ]
    for status in (MatchStatus.PROPOSED, MatchStatus.ACTIVE):
        match = Match.objects.filter(organisation=noord, status=status).first()
        assert match is not None, status
        requests.append(match.request)
    parent = Client()
    pages = [
        Page(f"status {r.reference}", parent, _path(intake_services.status_url(r)))
        for r in requests
        if r is not None
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_coordinator_forms(world):
    noord, cora = world["noord"], world["cora"]
    client = signed_in_client(cora.user)
    new_request = (
        HelpRequest.objects.filter(organisation=noord, status=RequestStatus.NEW)
        .order_by("created_at")
        .first()
    )
    waiting = HelpRequest.objects.filter(
        organisation=noord, status=RequestStatus.WAITING
    ).first()
    applicant = Buddy.objects.filter(organisation=noord, full_name__icontains="Fatima")
    buddy = applicant.first() or Buddy.objects.filter(organisation=noord).first()
    course = Course.objects.filter(organisation=noord).first()
    session = Session.objects.filter(organisation=noord).first()
    proposed = Match.objects.filter(organisation=noord, status=MatchStatus.PROPOSED)
    active = Match.objects.filter(organisation=noord, status=MatchStatus.ACTIVE)
    draft = BatchDraft.objects.filter(organisation=noord).first()
    signal = SafetySignal.objects.filter(organisation=noord).first()
    breach = DataBreach.objects.filter(organisation=noord).first()
    assert None not in (new_request, waiting, buddy, course, session, draft, breach)
    # The check-in and fit answers are posted from the match pages (POST only).
    assert None not in (signal, proposed.first(), active.first())
    pages = [
        Page("request", client, reverse("intake:detail", args=[new_request.pk])),
        Page("team", client, reverse("organisations:team")),
        Page("settings", client, reverse("organisations:settings")),
        Page("referral targets", client, reverse("intake:referral_targets")),
        Page("buddy", client, reverse("buddies:detail", args=[buddy.pk])),
        Page("courses", client, reverse("training:courses")),
        Page("course", client, reverse("training:course_detail", args=[course.pk])),
        Page("edit course", client, reverse("training:edit_course", args=[course.pk])),
        Page("session", client, reverse("training:session_detail", args=[session.pk])),
        Page(
            "trained elsewhere",
            client,
            reverse("training:training_elsewhere", args=[buddy.pk]),
        ),
        Page("weights", client, reverse("matching:weights")),
        Page("shortlist", client, reverse("matching:shortlist", args=[waiting.pk])),
        Page("batch", client, reverse("matching:batch_new")),
        Page("batch draft", client, reverse("matching:batch_detail", args=[draft.pk])),
        Page("proposed", client, reverse("matching:match", args=[proposed[0].pk])),
        Page("active", client, reverse("matching:match", args=[active[0].pk])),
        Page("close", client, reverse("casework:close", args=[active[0].pk])),
        Page("signal", client, reverse("casework:signal", args=[signal.pk])),
        Page("rights requests", client, reverse("privacy:right_requests")),
        Page(
            "retention period",
            client,
            reverse("privacy:retention_policy", args=["closed_match"]),
        ),
        Page(
            "erase parent",
            client,
            reverse("privacy:erase_parent", args=[new_request.pk]),
        ),
        Page("erase buddy", client, reverse("privacy:erase_buddy", args=[buddy.pk])),
        Page(
            "correct parent",
            client,
            reverse("privacy:correct_parent", args=[new_request.pk]),
        ),
        Page(
            "correct buddy", client, reverse("privacy:correct_buddy", args=[buddy.pk])
        ),
        Page(
            "restrict",
            client,
            reverse("privacy:restrict_parent", args=[new_request.pk]),
        ),
        Page("new breach", client, reverse("privacy:breach_new")),
        Page("breach", client, reverse("privacy:breach_edit", args=[breach.pk])),
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_report_forms(world):
    from ouderbuddy.reports import services as reports
    from ouderbuddy.reports.figures import Quarter

    cora = world["cora"]
    client = signed_in_client(cora.user)
    request = HelpRequest.objects.filter(organisation=world["noord"]).first()
    assert request is not None
    board = reports.draft_board_report(
        actor=cora, first=Quarter(2025, 1), last=Quarter(2025, 4), text="Concept"
    )
    pages = [
        Page("hours", client, reverse("reports:hours")),
        Page("costs", client, reverse("reports:costs")),
        Page(
            "request signals",
            client,
            reverse("reports:request_signals", args=[request.pk]),
        ),
        Page("board report", client, reverse("reports:board_report", args=[board.pk])),
        Page("signals", client, reverse("reports:signals")),
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_questionnaire_forms(world):
    """A parent's questionnaire behind its link, saying no, and the coordinator's
    own version of a questionnaire (its extra-item form)."""
    from ouderbuddy.evaluation import services as evaluation
    from ouderbuddy.evaluation.models import Invitation

    noord, cora = world["noord"], world["cora"]
    invitation = Invitation.objects.filter(
        organisation=noord, audience="parent", moment="t0", status="sent"
    ).first()
    assert invitation is not None
    token = evaluation.token_for(invitation)
    draft = evaluation.make_own_copy(
        actor=cora, version=evaluation.version_for(invitation)
    )
    pages = [
        Page("questionnaire", Client(), reverse("evaluation:page", args=[token, "1"])),
        Page("say no", Client(), reverse("evaluation:decline", args=[token])),
        Page(
            "own questionnaire",
            signed_in_client(cora.user),
            reverse("evaluation:questionnaire", args=[draft.pk]),
        ),
    ]
    assert fuzz_pages(pages, world["ids"]) >= len(pages)


def test_buddy_forms(world):
    noord = world["noord"]
    match = Match.objects.filter(organisation=noord, status=MatchStatus.ACTIVE).first()
    assert match is not None
    membership = Membership.objects.get(
        organisation=noord, user_id=match.buddy.user_id, role=Role.BUDDY
    )
    client = signed_in_client(membership.user)
    meeting = SchoolMeeting.objects.filter(match=match).first()
    assert meeting is not None
    pages = [
        Page("profile", client, reverse("buddies:portal_profile")),
        Page("match", client, reverse("casework:buddy_match", args=[match.pk])),
        Page("contact", client, reverse("casework:buddy_contact", args=[match.pk])),
        Page(
            "new meeting",
            client,
            reverse("casework:buddy_meeting_new", args=[match.pk]),
        ),
        Page("meeting", client, reverse("casework:buddy_meeting", args=[meeting.pk])),
        Page("signal", client, reverse("casework:buddy_signal", args=[match.pk])),
        Page("trainings", client, reverse("training:my_trainings")),
    ]
    proposed = Match.objects.filter(organisation=noord, status=MatchStatus.PROPOSED)
    for other in proposed:
        user = User.objects.filter(pk=other.buddy.user_id).first()
        if user is not None:
            pages.append(
                Page(
                    "proposal",
                    signed_in_client(user),
                    reverse("matching:proposal", args=[other.pk]),
                )
            )
    assert fuzz_pages(pages, world["ids"]) >= len(pages) - 2


def test_query_strings_of_list_pages(world):
    client = signed_in_client(world["cora"].user)
    noord = world["noord"]
    waiting = HelpRequest.objects.filter(
        organisation=noord, status=RequestStatus.WAITING
    ).first()
    assert waiting is not None
    paths = [
        reverse("intake:inbox"),
        reverse("intake:waiting_list"),
        reverse("intake:all_requests"),
        reverse("intake:export_requests"),
        reverse("buddies:pipeline"),
        reverse("matching:overview"),
        reverse("matching:match_list"),
        reverse("matching:shortlist", args=[waiting.pk]),
        reverse("matching:compare", args=[waiting.pk]),
        reverse("casework:overview"),
        reverse("evaluation:results"),
        reverse("reports:dashboard"),
        reverse("reports:signals"),
        reverse("reports:table_csv", args=["requests_by_route"]),
        reverse("privacy:audit_log"),
        reverse("training:courses"),
        reverse("accounts:login"),
        reverse("intake:start"),
    ]
    for path in paths:
        fuzz_query(path, client, path, world["ids"])


def test_audit_log_filter(world):
    """The audit log's filter (a GET form): its own fields, and its download."""
    client = signed_in_client(world["cora"].user)
    fields = ("doel", "alles", "wie", "handeling", "van", "tot")
    for name in ("privacy:audit_log", "privacy:audit_log_csv"):
        path = reverse(name)
        fuzz_query(path, client, path, world["ids"], extra=fields)


def test_the_fingerprint_sees_a_saved_row(world):
    """The check 'nothing saved' can fail: one new row changes the fingerprint."""
    before = fingerprint()
    submit_help_request(world["noord"], email=f"{uuid.uuid4().hex[:8]}@example.nl")
    assert fingerprint() != before


def test_the_fingerprint_sees_a_changed_row(world):
    before = fingerprint()
    request = HelpRequest.objects.filter(organisation=world["noord"]).first()
    assert request is not None
    HelpRequest.objects.filter(pk=request.pk).update(
        updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert fingerprint() != before
