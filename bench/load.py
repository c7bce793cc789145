"""Load benchmark: 16 signed-in clients against gunicorn and PostgreSQL (not tests).

Usage: `make bench-load` (also the last step of `make bench`) or
`.venv/bin/python bench/load.py [--quick] [--growth] [--reseed] [--seconds S]
[--warmup S] [--repeats N] [--connections C] [--pages REGEX]`.

What it does (issue 12, item 1; PRODUCT.md §4 asks p95 < 100 ms at 16 clients):

- PostgreSQL: a cluster of its own in `var/bench/pg/` (initdb like
  `scripts/with-postgres`: 127.0.0.1, a free port, fsync off), started for the run and
  stopped afterwards. The national demo data (`seed_demo`, then `bench/national.py`) is
  seeded once into a template database `national` (about 3 minutes), with `ANALYZE`;
  every run measures a fresh copy (`CREATE DATABASE … TEMPLATE national`), migrated to
  the code of the day. `--reseed` drops the templates and seeds again.
- gunicorn as docs/DEPLOY.md deploys it: `gunicorn ouderbuddy.wsgi --workers 3` (sync
  workers, one thread each), `DEBUG=0`, manifest static files (`collectstatic` into a
  temporary folder), bound to 127.0.0.1 on a free port, `BEHIND_PROXY=1` with the
  requests carrying `X-Forwarded-Proto: https` as the TLS proxy would. The settings
  are `bench/load_settings.py`: the project's, plus a bare view (`bench/load_urls.py`).
  `SESSION_IDLE_SECONDS` is a day, so that a session does not expire between its pages.
- The pages: every GET route of the URL conf, its parameters filled with objects of
  the largest national organisation (the one with the most contact records): its
  busiest active match, that match's buddy, a waiting help request, a batch draft
  made for the run, a course and a session, ... Coordinator pages are requested as its
  coordinator (signed in with a confirmed TOTP device: the django-otp session key is
  set, as the tests do), `/buddy/…` pages as the buddy of that match, the parent's
  status pages through the signed link of that match's request. Routes that do not
  answer 200 to a GET (forms that only POST, redirects, a 500 from work in progress)
  are listed as skipped with their status, not measured.
- The load: `wrk` with 16 connections and 16 threads, so every connection has a
  signed-in session of its own (16 sessions per role, same user), in a closed loop:
  each page for `--seconds` (15) after a warm-up (`--warmup`, 3 s, once per page),
  `--repeats` (3) times, interleaved (A, B, C, A, B, C…). `--quick`: 5 s, 1 s warm-up,
  1 repeat.
- Per page: p50/p95/p99 latency and requests/s (wrk's Lua `done`), medians over the
  repeats; the SQL statements of one request (the test client, counted with an execute
  wrapper); and the CPU milliseconds per request of the gunicorn master and workers and
  of all PostgreSQL processes (utime + stime + the children's cutime + cstime from
  /proc/<pid>/stat, before and after each run, divided by the requests wrk reports;
  the total over the repeats). The bare view (signed in as the coordinator, and
  anonymous) is measured in the same run as the ceiling.
- `--growth`: the same pages of the same organisation again, in a copy with a second
  national set of organisations (150 more, each with the national data: twice the
  other organisations' data; seeded once into the template `national_2x`), and the
  cost ratio per page. The two databases take turns, one repeat each (national, 2x,
  national, 2x, ...), each turn with a fresh copy and server, so that drift of the
  machine during the run weighs on both alike.

Output: a Markdown table on stdout and JSON in `var/bench/load-<time>.json` (and
`var/bench/load-latest.json`), for docs/PERFORMANCE.md.
"""

# The benchmark starts its own tools (PostgreSQL, gunicorn, wrk, git, tar) with the
# arguments it builds, requests its own server on 127.0.0.1, and names its own databases.
# ruff: noqa: S603, S607, S310, S608

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

VAR = Path(os.environ.get("BENCH_VAR") or ROOT / "var" / "bench")
# BENCH_PGDATA: another cluster directory (e.g. a copy, so that page_cpu.py runs on
# the shared one do not count in this run's PostgreSQL CPU).
PGDATA = Path(os.environ.get("BENCH_PGDATA") or VAR / "pg")
NATIONAL = "national"
NATIONAL_2X = "national_2x"
SECOND_SET = "Tweede steunpunt "
CLK_TCK = os.sysconf("SC_CLK_TCK")
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
BARE_PATH = "/__bench__/bare/"
BENCH_FIELD_KEY = "b3VkZXJidWRkeS1sb2FkLWJlbmNobWFyay1rZXktMzI="


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s per page, 1 repeat")
    parser.add_argument("--seconds", type=float, default=None, help="per page run")
    parser.add_argument("--warmup", type=float, default=None, help="per page, once")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="as docs/DEPLOY.md")
    parser.add_argument("--pages", default="", help="only pages whose name matches")
    parser.add_argument("--growth", action="store_true", help="also the 2x database")
    parser.add_argument(
        "--reseed", action="store_true", help="seed the templates again"
    )
    parser.add_argument(
        "--committed",
        action="store_true",
        help="measure the committed code (git archive HEAD), not the working tree",
    )
    # Internal: the steps that run in a process of their own (Django set up once).
    parser.add_argument("--seed-into", default="", help=argparse.SUPPRESS)
    parser.add_argument("--second-set", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-into", default="", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="national", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 5.0 if args.quick else 15.0
    if args.warmup is None:
        args.warmup = 1.0 if args.quick else 3.0
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    return args


# --- The PostgreSQL cluster -------------------------------------------------------


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not candidates:
        sys.exit(
            f"PostgreSQL's {name} was not found (Debian: apt-get install postgresql)."
        )
    return str(candidates[-1])


def as_owner() -> list[str]:
    """PostgreSQL refuses to run as root: run its server as postgres (or nobody)."""
    if os.getuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        if subprocess.call(["id", "-u", user], stdout=subprocess.DEVNULL) == 0:
            return ["runuser", "-u", user, "--"]
    sys.exit("No postgres or nobody user to run PostgreSQL as.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """The benchmark's own PostgreSQL in var/bench/pg (kept between runs)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.owner = as_owner()

    def start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        if not (PGDATA / "PG_VERSION").exists():
            PGDATA.mkdir(parents=True, exist_ok=True)
            if self.owner:
                subprocess.check_call(["chown", self.owner[2], str(PGDATA)])
            subprocess.check_call(
                [*self.owner, pg_bin("initdb"), "-D", str(PGDATA), "-U", "postgres",
                 "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        status = [*self.owner, pg_bin("pg_ctl"), "-D", str(PGDATA), "status"]
        if subprocess.call(status, stdout=subprocess.DEVNULL) == 0:
            # Left running by a run that was killed: stop it, then start on our port.
            self.stop()
        options = (
            f"-p {self.port} -k {PGDATA} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        log = PGDATA / "server.log"
        result = subprocess.call(
            [*self.owner, pg_bin("pg_ctl"), "-D", str(PGDATA), "-l", str(log), "-w",
             "-o", options, "start"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        if result != 0:
            sys.exit(f"PostgreSQL did not start; see {log}")
        version = subprocess.check_output([pg_bin("pg_ctl"), "--version"], text=True)
        print(f"{version.strip()} on port {self.port}", file=sys.stderr)

    def stop(self) -> None:
        subprocess.call(
            [*self.owner, pg_bin("pg_ctl"), "-D", str(PGDATA), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
        )

    def postmaster_pid(self) -> int:
        return int((PGDATA / "postmaster.pid").read_text().split()[0])

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        return subprocess.check_output(
            [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-tAXq", "-v", "ON_ERROR_STOP=1", "-c", statement],
            text=True,
        ).strip()  # fmt: skip

    def exists(self, database: str) -> bool:
        return bool(self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))

    def drop(self, database: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def copy(self, template: str, database: str) -> None:
        self.drop(database)
        self.sql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')


def committed_tree(tree: str) -> Path:
    """The committed code (`git archive HEAD`) in `tree`, with what `make install`
    builds beside it (static/vendor, the compiled catalogues) and this benchmark's own
    files as they are; returns the path of this script in it."""
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    if (ROOT / "static" / "vendor").is_dir():
        shutil.copytree(ROOT / "static" / "vendor", Path(tree) / "static" / "vendor")
    for mo in ROOT.glob("locale/*/LC_MESSAGES/*.mo"):
        target = Path(tree) / mo.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mo, target)
    for own in Path(__file__).parent.glob("load*.py"):
        shutil.copy(own, Path(tree) / "bench" / own.name)
    return Path(tree) / "bench" / Path(__file__).name


def run_step(args: list[str], database_url: str) -> None:
    """A seeding step, in the committed code, so that work in progress in the working
    tree cannot break the seed (the measurement uses the working tree unless
    --committed)."""
    with tempfile.TemporaryDirectory(prefix="ouderbuddy-seed-") as tree:
        script = committed_tree(tree)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DOTENV_PATH": str(ROOT / ".env"),
        }
        result = subprocess.call([PYTHON, str(script), *args], cwd=tree, env=env)
    if result != 0:
        sys.exit(f"step {' '.join(args)} failed ({result})")


def ensure_templates(cluster: Cluster, growth: bool, reseed: bool) -> None:
    """The seeded databases, made once: `national` and (for --growth) `national_2x`.
    Each is seeded under a temporary name and renamed when complete."""
    if reseed:
        for name in (NATIONAL_2X, NATIONAL):
            cluster.drop(name)
    if not cluster.exists(NATIONAL):
        started = time.perf_counter()
        print("Seeding the national data set (once; a few minutes)…", file=sys.stderr)
        cluster.drop("seeding")
        cluster.sql('CREATE DATABASE "seeding"')
        run_step(["--seed-into", "seeding"], cluster.url("seeding"))
        cluster.sql(f'ALTER DATABASE "seeding" RENAME TO "{NATIONAL}"')
        print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if growth and not cluster.exists(NATIONAL_2X):
        started = time.perf_counter()
        print("Seeding a second national set for the growth run…", file=sys.stderr)
        cluster.copy(NATIONAL, "seeding")
        run_step(["--seed-into", "seeding", "--second-set"], cluster.url("seeding"))
        cluster.sql(f'ALTER DATABASE "seeding" RENAME TO "{NATIONAL_2X}"')
        print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# --- Django in a process of its own ----------------------------------------------


def server_env(static_root: str) -> dict[str, str]:
    """The environment of the server and of the measuring process (same settings)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "0",
        "BEHIND_PROXY": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "https://127.0.0.1",
        "SESSION_IDLE_SECONDS": str(24 * 3600),
        "BENCH_STATIC_ROOT": static_root,
        # Keys of the benchmark's own (not secret: its data is made up), so that the
        # seeded templates stay readable when a developer's .env gets new keys.
        "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "FIELD_ENCRYPTION_KEYS": BENCH_FIELD_KEY,
    }


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def seed_step(second_set: bool) -> None:
    """Migrate and seed the national data (or a second national set), then ANALYZE."""
    os.environ.update(server_env(tempfile.mkdtemp(prefix="ouderbuddy-static-")))
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if second_set:
        print(seed_second_national_set(), file=sys.stderr)
    else:
        call_command("seed_demo", force=True, stdout=io.StringIO())
        from bench.national import seed_national

        print(seed_national(), file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def seed_second_national_set() -> str:
    """150 more organisations, one per SWV beside the first ones ("Tweede steunpunt
    …"), each with the national data of bench/national.py: twice the data of the
    organisations other than the one measured."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from faker import Faker

    from bench import national
    from ouderbuddy.accounts.models import User
    from ouderbuddy.dashboard.management.commands.seed_demo import (
        DEMO_DOMAIN,
        DEMO_PASSWORD,
    )
    from ouderbuddy.organisations.models import Membership, Organisation, Role
    from ouderbuddy.regions.models import CooperationDistrict

    faker = Faker("nl_NL")
    faker.seed_instance(2027)
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        existing = set(
            Organisation.objects.filter(name__startswith=SECOND_SET).values_list(
                "name", flat=True
            )
        )
        districts = list(CooperationDistrict.objects.order_by("code"))
        for d in districts:
            name = f"{SECOND_SET}{d.display_code}"
            if name in existing:
                continue
            organisation = Organisation.objects.create(
                name=name, contact_email=f"{d.code.lower()}.2@{DEMO_DOMAIN}"
            )
            organisation.districts.add(d)
            for role in (Role.COORDINATOR, Role.MANAGER):
                user = User.objects.create(
                    email=f"{role.value}.{d.code.lower()}@national2.{DEMO_DOMAIN}",
                    full_name=faker.name(),
                    password=password,
                )
                Membership.objects.create(
                    organisation=organisation, user=user, role=role
                )
    organisations = list(
        Organisation.objects.filter(name__startswith=SECOND_SET).order_by("name")
    )
    per = 100
    buddies = national.seed_national_buddies(faker, organisations, per)
    requests = national.seed_national_requests(faker, organisations, per * 5, salt="2x")
    active, closed, contacts = national.seed_national_casework(
        organisations, national.CONTACTS_PER_BUDDY * per
    )
    return (
        f"Second national set: {len(organisations)} organisations, {buddies} buddies, "
        f"{requests} requests, {active} active and {closed} closed matches, "
        f"{contacts} contacts."
    )


# --- What to measure --------------------------------------------------------------


@dataclass
class Page:
    name: str  # the URL name (namespace:name), or bench:bare…
    url: str
    role: str  # coordinator, buddy, parent, anonymous
    queries: int | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)


# Routes that are not a page of the three roles, or that a GET would change.
EXCLUDED = {
    "privacy:retention_hold": "only for a case due within 30 days (a form)",
    "accounts:login": "sign-in flow",
    "accounts:logout": "signs out",
    "accounts:verify": "sign-in flow",
    "accounts:enrol": "sign-in flow",
    "accounts:recovery_codes": "shows new recovery codes",
    "accounts:switch_organisation": "changes the session",
    "accounts:accept_invitation": "invitation link",
    "accounts:password_reset": "public",
    "accounts:password_reset_done": "public",
    "accounts:password_reset_confirm": "public",
    "accounts:password_reset_complete": "public",
    "dashboard:home": "redirects to the start page",
    "evaluation:done": "after a questionnaire is sent (the link is spent then)",
    "evaluation:declined": "after saying no (the link is spent then)",
    "intake:export_requests": "a download, not a page",
    "casework:export_closed": "a download, not a page",
    "support:month_csv": "a download, not a page",
    "support:month_xlsx": "a download, not a page",
    "support:receipt": "a receipt file, not a page",
    "reports:table_csv": "a download, not a page",
    "reports:table_xlsx": "a download, not a page",
    "reports:report_xlsx": "a download, not a page",
    "reports:report_pdf": "a download, not a page (bench/reports.py times it)",
    "reports:cost_delete": "a POST that deletes",
    "reports:hours_delete": "a POST that deletes",
    "reports:board_new": "a POST that drafts a report",
    "casework:calendar_feed": "an iCal feed for calendar apps",
    "intake:referral_confirm": "a professional's e-mailed link",
    "set_language": "changes the language",
    "privacy:my_data": "each view is an answered rights request (a GET that writes)",
    "privacy:export_request": "an export: audited at every view, not a page",
    "privacy:export_buddy": "an export: audited at every view, not a page",
    "privacy:export_staff": "an export: audited at every view, not a page",
    "privacy:download": "a parent's e-mailed link; the first view answers a request",
    "privacy:status_request": "a POST that e-mails a link",
    "privacy:make_export": "a POST that answers rights requests",
    "privacy:audit_log_csv": "a download, not a page",
    "privacy:register_csv": "a download, not a page",
    "privacy:register_md": "a download, not a page",
    "bench_bare": "measured as the ceiling (bench:bare)",
}
EXCLUDED_PREFIXES = {
    "admin:": "the platform admin (not an organisation's page)",
    "platform:": "the platform admin (not an organisation's page)",
}
PUBLIC = (
    "/hulpvraag/",
    "/buddy-worden/",
    "/doorverwijzen/",
    "/informatie/",
    "/vragenlijst/",
    "/privacy/verklaring/",
)
# Public pages behind a personal link that are measured, as the parent.
LINK_PAGES = ("hulpvraag/status/", "vragenlijst/")


def url_names() -> list[tuple[str, str, list[str]]]:
    """(namespace:name, route, parameter names) of every named route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                params = re.findall(r"<(?:\w+:)?(\w+)>", route)
                params += re.findall(r"\(\?P<(\w+)>", route)
                found.append(
                    (f"{namespace}:{p.name}" if namespace else p.name, route, params)
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def largest_organisation() -> Any:
    from django.db.models import Count

    from ouderbuddy.casework.models import Contact
    from ouderbuddy.organisations.models import Organisation

    top = (
        Contact.objects.filter(organisation__name__startswith="Steunpunt ")
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")
        .first()
    )
    assert top is not None, "the national data set has contacts"
    return Organisation.objects.get(pk=top["organisation_id"])


def objects_of(organisation: Any, coordinator: Any) -> dict[str, Any]:
    """One object of the organisation for each URL parameter."""
    from django.db.models import Count

    from ouderbuddy.casework import models as casework
    from ouderbuddy.evaluation import services as evaluation
    from ouderbuddy.evaluation.demo import seed_demo_evaluation
    from ouderbuddy.evaluation.models import Invitation, QuestionnaireVersion
    from ouderbuddy.intake import services as intake_services
    from ouderbuddy.intake.models import (
        HelpRequest,
        OrganisationReferralTarget,
        RequestStatus,
    )
    from ouderbuddy.intake.services_targets import seed_referral_targets
    from ouderbuddy.knowledge.models import Article
    from ouderbuddy.knowledge.services import load_starter_articles
    from ouderbuddy.matching import services as matching_services
    from ouderbuddy.matching.models import BatchDraft, BatchLine, Match, MatchStatus
    from ouderbuddy.organisations.models import Membership
    from ouderbuddy.reports import services as reports_services
    from ouderbuddy.reports.demo import seed_demo_reports
    from ouderbuddy.reports.figures import Quarter
    from ouderbuddy.support.demo import seed_demo_intervisie
    from ouderbuddy.support.demo_expenses import seed_demo_expenses
    from ouderbuddy.support.models import (
        Announcement,
        ExpenseClaim,
        IntervisieGroup,
        IntervisieSession,
        Question,
        Reply,
    )
    from ouderbuddy.training.demo import seed_demo_training
    from ouderbuddy.training.models import Course, Enrolment, Session

    org = organisation.pk
    # The national set has no courses, training sessions, intervisie, questions,
    # articles or referral addresses: the measured organisation gets the demo
    # organisations' ones (in the run's copy; the measured buddy is in the intervisie
    # group and asked a question; the starter articles).
    seed_demo_training(organisation)
    seed_referral_targets(organisation)
    match = (
        Match.objects.filter(organisation_id=org, status=MatchStatus.ACTIVE)
        .annotate(n=Count("contacts"))
        .order_by("-n", "pk")
        .select_related("request", "buddy")
        .first()
    )
    assert match is not None
    seed_demo_intervisie(organisation, first=match.buddy)
    load_starter_articles(actor=coordinator)
    seed_demo_expenses(organisation, first=match.buddy)
    waiting = (
        HelpRequest.objects.filter(organisation_id=org, status=RequestStatus.WAITING)
        .order_by("created_at")
        .first()
    )
    draft = BatchDraft.objects.filter(organisation_id=org).first()
    if draft is None:
        draft = matching_services.create_batch(actor=coordinator, objective="best_fit")
    # Evaluation: the national set made its matches without the services, so the
    # measured match gets its T0 questionnaire here, and the organisation the demo's
    # answered questionnaires (eight earlier matches through the services).
    seed_demo_evaluation(organisation)
    # Reports: the demo's hours and costs, and a draft of the signals report.
    seed_demo_reports(organisation)
    board_report = reports_services.draft_board_report(
        actor=coordinator,
        first=Quarter(2025, 1),
        last=Quarter(2025, 4),
        text="Signalen aan het bestuur (concept voor de meting).",
    )
    evaluation.start_match(match)
    start = Invitation.objects.get(subject__key__match=match, moment="t0")
    evaluation.ensure_defaults()
    version = QuestionnaireVersion.objects.filter(
        organisation__isnull=True, questionnaire__key="parent-end"
    ).first()

    def first(model: Any, *order: str, **filters: Any) -> Any:
        """The first row by content (`order`), then by key: the same object in every
        copy, also for the rows this run makes (their keys are new each time)."""
        rows = model.objects.filter(organisation_id=org, **filters)
        row = rows.order_by(*order, "pk").first()
        return row.pk if row is not None else None

    return {
        "match_id": match.pk,
        "category": "closed_match",
        "buddy_id": match.buddy_id,
        "buddy_user": match.buddy.user,
        "request_id": waiting.pk if waiting else match.request_id,
        "token": intake_services.status_token(match.request),
        "link": evaluation.token_for(start),
        "number": "1",
        "evaluation_invitation_id": start.pk,
        "version_id": version.pk if version else None,
        "draft_id": draft.pk,
        "line_id": first(BatchLine),
        "course_id": first(Course, "kind", "title"),
        "session_id": first(Session, "starts_at"),
        "enrolment_id": first(Enrolment),
        "membership_id": first(Membership),
        "target_id": first(OrganisationReferralTarget, "label_nl"),
        "check_in_id": first(casework.CheckIn, match_id=match.pk)
        or first(casework.CheckIn),
        "fit_id": first(casework.FitAnswer),
        "signal_id": first(casework.SafetySignal),
        "meeting_id": first(casework.SchoolMeeting, match_id=match.pk),
        "group_id": first(IntervisieGroup, "name"),
        "intervisie_id": first(IntervisieSession, "starts_at"),
        "article_id": first(
            Article, "slug", status="published", audience__in=["buddies", "both"]
        ),
        "announcement_id": first(Announcement, "title"),
        "reply_id": first(
            Reply, "created_at", by_coordinator=True, question__buddy=match.buddy
        ),
        "question_id": first(Question, "subject", buddy_id=match.buddy_id),
        "claim_id": first(ExpenseClaim, "spent_on", buddy_id=match.buddy_id),
        "board_report_id": board_report.pk,
        "breach_id": _breach(coordinator),
        "matches": Match.objects.filter(organisation_id=org).count(),
        "contacts": casework.Contact.objects.filter(organisation_id=org).count(),
        "match_contacts": match.n,
    }


def _breach(coordinator: Any) -> Any:
    """A data breach in the register (the first, or one recorded for the run)."""
    import datetime as dt

    from django.utils import timezone

    from ouderbuddy.privacy.models import DataBreach
    from ouderbuddy.privacy.services_breaches import record_breach

    found = DataBreach.objects.filter(organisation_id=coordinator.organisation_id)
    first = found.order_by("discovered_at", "pk").first()
    if first is None:
        first = record_breach(
            actor=coordinator,
            discovered_at=timezone.now() - dt.timedelta(days=3),
            what="Een e-mail met kenmerken ging naar een verkeerd adres.",
            not_reported_reason="Geen risico: alleen kenmerken.",
        )
    return first.pk


def role_of(name: str, url: str) -> str:
    if url.startswith(("/hulpvraag/status/", "/vragenlijst/")):
        return "parent"
    if url.startswith(("/buddy/", "/trainingen/mijn/")):
        return "buddy"
    return "coordinator"


def candidate_pages(ids: dict[str, Any]) -> tuple[list[Page], list[tuple[str, str]]]:
    from django.urls import reverse

    pages: list[Page] = []
    skipped: list[tuple[str, str]] = []
    for name, route, params in url_names():
        reason = EXCLUDED.get(name) or next(
            (
                why
                for prefix, why in EXCLUDED_PREFIXES.items()
                if name.startswith(prefix)
            ),
            None,
        )
        public = route.startswith(tuple(p.lstrip("/") for p in PUBLIC))
        if reason is None and public and not route.startswith(LINK_PAGES):
            reason = "public page (no sign-in)"
        if reason:
            skipped.append((name, reason))
            continue
        missing = [p for p in params if ids.get(p) is None]
        if missing:
            skipped.append((name, f"no object for {', '.join(missing)}"))
            continue
        url = reverse(name, kwargs={p: ids[p] for p in params})
        pages.append(Page(name=name, url=url, role=role_of(name, url)))
    return pages, skipped


def sign_in(user: Any, totp: bool) -> Any:
    """A test client with a verified session: the django-otp device key set as the
    second step sets it (as bench/casework_pages.py and the tests do)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(
        headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False
    )
    if user is None:
        return client
    client.force_login(user)
    if totp:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def count_queries(client: Any, url: str) -> tuple[int, int]:
    """(status, SQL statements) of one GET (the second: per-process caches filled)."""
    from django.db import connection

    client.get(url)
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    return response.status_code, len(executed)


# --- Processes and their CPU time -------------------------------------------------


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_ms(root: int) -> float:
    """utime + stime + cutime + cstime of a process tree, in ms: the children that
    ended are in their parent's cutime/cstime, the living ones in their own."""
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total * 1000 / CLK_TCK


WRK_SCRIPT = """
local cookies = {%(cookies)s}
local n = 0
local threads = {}
function setup(thread)
  n = n + 1
  thread:set("id", n)
  table.insert(threads, thread)
end
function init(args)
  local cookie = cookies[((id - 1) %% #cookies) + 1]
  if cookie then wrk.headers["Cookie"] = cookie end
  wrk.headers["X-Forwarded-Proto"] = "https"
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, " ..
    "\\"p95_us\\": %%d, \\"p99_us\\": %%d, \\"max_us\\": %%d, \\"mean_us\\": %%f, " ..
    "\\"errors\\": %%d, \\"non_2xx_3xx\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def drain(pid: int, limit: float = 60.0) -> None:
    """Wait until the server is idle: when wrk stops, the requests still queued on
    its connections are served (and cost CPU) after it has gone."""
    deadline = time.monotonic() + limit
    last = cpu_ms(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_ms(pid)
        if now - last <= 1000 / CLK_TCK:  # at most one clock tick in 0.25 s
            return
        last = now


def wrk(
    base: str, page: Page, cookies: list[str], seconds: float, connections: int
) -> dict[str, Any]:
    lua = WRK_SCRIPT % {"cookies": ", ".join(json.dumps(c) for c in cookies)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        out = subprocess.run(
            ["wrk", f"-t{connections}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             "--timeout", "30s", "-s", f.name, base + page.url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    return dict(json.loads(line[6:]))


def probe(base: str, page: Page, cookie: str) -> int:
    """The status of one request through the real server, without following a
    redirect (a redirect to the sign-in page is not a page)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(
        base + page.url, headers={"X-Forwarded-Proto": "https"}
    )
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def start_gunicorn(
    port: int, workers: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    log = open(VAR / "gunicorn.log", "ab")  # noqa: SIM115 - open while it runs
    command = [GUNICORN, "ouderbuddy.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}{BARE_PATH}",
                    headers={"X-Forwarded-Proto": "https"},
                ),
                timeout=5,
            ):
                break
        except (OSError, urllib.error.URLError):
            if server.poll() is not None:
                sys.exit(
                    f"gunicorn ended ({server.returncode}); see {VAR / 'gunicorn.log'}"
                )
            time.sleep(0.3)
    else:
        sys.exit("gunicorn did not answer within 60 s")
    # Every worker up (they import the app at start, not lazily).
    time.sleep(1.0)
    return server


def measure_step(args: argparse.Namespace) -> None:
    """In the run's copy of a seeded database: pick the pages, start gunicorn, run wrk
    on each page, write the results as JSON to args.measure_into."""
    static_root = tempfile.mkdtemp(prefix="ouderbuddy-static-")
    env_extra = server_env(static_root)
    os.environ.update(env_extra)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from ouderbuddy.organisations.models import Membership, Role

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    organisation = largest_organisation()
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    assert coordinator is not None
    ids = objects_of(organisation, coordinator)
    buddy_user = ids["buddy_user"]
    needs_totp = {"coordinator": True, "buddy": False}
    users = {"coordinator": coordinator.user, "buddy": buddy_user}
    clients = {role: sign_in(user, needs_totp[role]) for role, user in users.items()}
    clients["parent"] = clients["anonymous"] = sign_in(None, False)
    # One session per connection for each signed-in role (same user).
    cookie_name = settings.SESSION_COOKIE_NAME
    cookies: dict[str, list[str]] = {"parent": [], "anonymous": []}
    for role, user in users.items():
        cookies[role] = []
        for _ in range(args.connections):
            session_client = sign_in(user, needs_totp[role])
            key = session_client.cookies[cookie_name].value
            cookies[role].append(f"{cookie_name}={key}")

    pages, skipped = candidate_pages(ids)
    pages = [
        Page("bench:bare (signed in)", BARE_PATH, "coordinator"),
        Page("bench:bare (anonymous)", BARE_PATH, "anonymous"),
        *pages,
    ]
    if args.pages:
        pages = [
            p
            for p in pages
            if re.search(args.pages, p.name) or p.name.startswith("bench:")
        ]
    measured: list[Page] = []
    for page in pages:
        status, queries = count_queries(clients[page.role], page.url)
        if status != 200:
            why = {405: "POST only", 302: "redirects"}.get(status, "")
            skipped.append((page.name, f"HTTP {status} to a GET {why}".strip()))
            continue
        page.queries = queries
        measured.append(page)
    connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env_full = {**os.environ, **env_extra}
    server = start_gunicorn(port, args.workers, server_env_full)
    postmaster = int(os.environ["BENCH_POSTMASTER_PID"])
    try:
        ready: list[Page] = []
        for page in measured:
            cookie = cookies[page.role][0] if cookies[page.role] else ""
            status = probe(base, page, cookie)
            if status != 200:
                skipped.append((page.name, f"HTTP {status} from gunicorn"))
                continue
            ready.append(page)
        total = len(ready) * (args.warmup + args.seconds * args.repeats)
        print(
            f"{len(ready)} pages, about {total / 60:.1f} min of load "
            f"({args.label} database)",
            file=sys.stderr,
        )
        for page in ready:
            wrk(base, page, cookies[page.role], args.warmup, args.connections)
            drain(server.pid)
        for repeat in range(args.repeats):
            for page in ready:
                app0, db0 = cpu_ms(server.pid), cpu_ms(postmaster)
                result = wrk(
                    base, page, cookies[page.role], args.seconds, args.connections
                )
                drain(server.pid)
                app1, db1 = cpu_ms(server.pid), cpu_ms(postmaster)
                # A closed loop: when wrk stops, each connection has one request out
                # that the server still serves (and that the drain above waited for).
                served = result["requests"] + args.connections
                result.update(
                    repeat=repeat,
                    app_cpu_ms=app1 - app0,
                    db_cpu_ms=db1 - db0,
                    served=served,
                )
                page.runs.append(result)
                n = served
                print(
                    f"  [{repeat + 1}/{args.repeats}] {page.name}: "
                    f"{result['requests'] / result['duration_us'] * 1e6:.0f} req/s, "
                    f"p95 {result['p95_us'] / 1000:.0f} ms, "
                    f"CPU {(app1 - app0) / n:.1f} + {(db1 - db0) / n:.1f} ms/req",
                    file=sys.stderr,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)

    facts = {
        "organisation": organisation.name,
        "matches": ids["matches"],
        "contacts": ids["contacts"],
        "match_contacts": ids["match_contacts"],
        "organisations": type(organisation).objects.count(),
    }
    Path(args.measure_into).write_text(
        json.dumps(
            {
                "label": args.label,
                "facts": facts,
                "pages": [summarise(p) for p in ready],
                "skipped": skipped,
            },
            indent=1,
            default=str,
        )
    )


def without_options(
    argv: list[str], *, flags: tuple[str, ...], valued: tuple[str, ...]
) -> list[str]:
    """`argv` without the `flags` and without the `valued` options and their values."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in flags:
            continue
        elif arg in valued:
            skip = True
        elif not arg.startswith(tuple(f"{v}=" for v in valued)):
            kept.append(arg)
    return kept


def merge_rounds(into: dict[str, Any], part: dict[str, Any]) -> None:
    """Add a later round's runs to each page of `into`, and summarise again."""
    later = {p["name"]: p for p in part["pages"]}
    merged = []
    for page in into["pages"]:
        runs = page["runs"] + later.get(page["name"], {}).get("runs", [])
        again = Page(page["name"], page["url"], page["role"], page["queries"], runs)
        merged.append(summarise(again))
    into["pages"] = merged


def summarise(page: Page) -> dict[str, Any]:
    runs = page.runs
    requests = sum(r["requests"] for r in runs)
    n = max(sum(r["served"] for r in runs), 1)

    def median(key: str, scale: float = 1.0) -> float:
        return statistics.median(r[key] for r in runs) * scale

    app = sum(r["app_cpu_ms"] for r in runs) / n
    db = sum(r["db_cpu_ms"] for r in runs) / n
    return {
        **asdict(page),
        "requests": requests,
        "rps": statistics.median(r["requests"] / r["duration_us"] * 1e6 for r in runs),
        "p50_ms": median("p50_us", 1e-3),
        "p95_ms": median("p95_us", 1e-3),
        "p99_ms": median("p99_us", 1e-3),
        "errors": sum(r["errors"] + r["non_2xx_3xx"] for r in runs),
        "app_cpu_ms_per_request": app,
        "db_cpu_ms_per_request": db,
        "cpu_ms_per_request": app + db,
        "cpu_ms_per_request_by_repeat": [
            (r["app_cpu_ms"] + r["db_cpu_ms"]) / r["served"] for r in runs
        ],
    }


# --- Report -----------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    lines = [
        "| page | role | URL | req/s | p50 ms | p95 ms | p99 ms | SQL | app CPU ms/req "
        "| DB CPU ms/req | CPU ms/req |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in result["pages"]:
        errors = f" ({p['errors']} errors)" if p["errors"] else ""
        lines.append(
            f"| {p['name']}{errors} | {p['role']} | `{p['url']}` | {p['rps']:.0f} | "
            f"{p['p50_ms']:.0f} | {p['p95_ms']:.0f} | {p['p99_ms']:.0f} | "
            f"{p['queries']} | {p['app_cpu_ms_per_request']:.1f} | "
            f"{p['db_cpu_ms_per_request']:.1f} | {p['cpu_ms_per_request']:.1f} |"
        )
    return "\n".join(lines)


def growth_table(base: dict[str, Any], grown: dict[str, Any]) -> str:
    other = {p["name"]: p for p in grown["pages"]}
    lines = [
        "| page | CPU ms/req national | CPU ms/req 2× | ratio | DB CPU ratio | p50 ratio |",
        "|---|---|---|---|---|---|",
    ]
    for p in base["pages"]:
        q = other.get(p["name"])
        if q is None:
            lines.append(
                f"| {p['name']} | {p['cpu_ms_per_request']:.1f} | – | – | – | – |"
            )
            continue

        def ratio(a: float, b: float) -> str:
            return f"{b / a:.2f}" if a else "–"

        lines.append(
            f"| {p['name']} | {p['cpu_ms_per_request']:.1f} | "
            f"{q['cpu_ms_per_request']:.1f} | "
            f"{ratio(p['cpu_ms_per_request'], q['cpu_ms_per_request'])} | "
            f"{ratio(p['db_cpu_ms_per_request'], q['db_cpu_ms_per_request'])} | "
            f"{ratio(p['p50_ms'], q['p50_ms'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    if args.seed_into:
        seed_step(args.second_set)
        return
    if args.measure_into:
        measure_step(args)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk was not found (Debian: apt-get install wrk).")
    started = dt.datetime.now(dt.UTC)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    load_before = os.getloadavg()
    cluster = Cluster()
    cluster.start()
    results: list[dict[str, Any]] = []
    tree = tempfile.mkdtemp(prefix="ouderbuddy-measured-")
    try:
        ensure_templates(cluster, args.growth, args.reseed)
        databases = [("national", NATIONAL)]
        if args.growth:
            databases.append(("2x", NATIONAL_2X))
        script = committed_tree(tree) if args.committed else Path(__file__)
        # With --growth the two databases take turns, one repeat each (national, 2x,
        # national, 2x, ...), so that a machine that drifts during the run (another
        # tenant of the host, a warmer CPU) weighs on both sides alike.
        rounds = args.repeats if args.growth else 1
        per_round = 1 if args.growth else args.repeats
        by_label: dict[str, dict[str, Any]] = {}
        for round_number in range(rounds):
            for label, template in databases:
                cluster.copy(template, "run")
                out = VAR / f"load-{label}.part.json"
                passed = without_options(
                    sys.argv[1:], flags=("--growth", "--reseed", "--committed"),
                    valued=("--repeats",),
                )  # fmt: skip
                env = {
                    **os.environ,
                    "BENCH_POSTMASTER_PID": str(cluster.postmaster_pid()),
                    "BENCH_VAR": str(VAR),
                    "DOTENV_PATH": str(ROOT / ".env"),
                }
                if rounds > 1:
                    print(
                        f"Round {round_number + 1}/{rounds}: {label}", file=sys.stderr
                    )
                result = subprocess.call(
                    [PYTHON, str(script), *passed, "--repeats", str(per_round),
                     "--measure-into", str(out), "--label", label],
                    cwd=script.parent.parent,
                    env={**env, "DATABASE_URL": cluster.url("run")},
                )  # fmt: skip
                if result != 0:
                    sys.exit(f"the {label} run failed ({result})")
                part = json.loads(out.read_text())
                out.unlink()
                if label in by_label:
                    merge_rounds(by_label[label], part)
                else:
                    by_label[label] = part
                cluster.drop("run")
        results.extend(by_label[label] for label, _ in databases)
    finally:
        cluster.stop()
        shutil.rmtree(tree, ignore_errors=True)

    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "settings": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "repeats": args.repeats,
            "connections": args.connections,
            "wrk_threads": args.connections,
            "gunicorn": f"ouderbuddy.wsgi --workers {args.workers} (sync)",
            "quick": args.quick,
            "code": "committed (git archive HEAD)"
            if args.committed
            else "working tree",
            "commit": commit,
        },
        "runs": results,
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = VAR / f"load-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    shutil.copyfile(path, VAR / "load-latest.json")

    print(f"Load benchmark, {report['started']}: {report['machine']}, Python "
          f"{report['python']}, load average {load_before[0]:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after.")  # fmt: skip
    print(
        f"{args.connections} connections (wrk, one thread and one signed-in session "
        f"each), {args.seconds:g} s per page after {args.warmup:g} s warm-up, "
        f"{args.repeats} interleaved repeat(s); gunicorn --workers {args.workers}."
    )
    for result in results:
        f = result["facts"]
        print()
        print(
            f"### {result['label']} database ({f['organisations']} organisations): "
            f"{f['organisation']}, {f['matches']} matches, {f['contacts']:,} contacts"
        )
        print()
        print(table(result))
        if result["skipped"]:
            by_reason: dict[str, list[str]] = {}
            for name, why in result["skipped"]:
                if name.startswith(("admin:", "platform:")):
                    name = name.split(":")[0] + ":*"
                names = by_reason.setdefault(why, [])
                if name not in names:
                    names.append(name)
            print()
            print("Not measured:")
            print()
            for why, names in by_reason.items():
                print(f"- {why}: {', '.join(names)}")
    if len(results) == 2:
        print()
        print("### Growth: the same pages with twice the other organisations' data")
        print()
        print(growth_table(results[0], results[1]))
    print()
    print(f"JSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
