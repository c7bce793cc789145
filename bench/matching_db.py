"""Benchmarks of matching with the database (not tests).

Usage: `make bench` (third step, SQLite in a temporary file) or
`.venv/bin/python bench/matching_db.py` (`--quick` for fewer repeats, `--profile` for
a cProfile summary of the large organisation's shortlist and batch on stderr). Like
`bench/run.py` it migrates an empty database and generates the national demo data
(`seed_demo`, then `bench/national.py`: 150 organisations, 15,000 buddies, 75,000 requests).

The seed's buddies have no user account, and `loading.is_ready` counts a buddy without
one as not active, so every national buddy would be excluded. The benchmark links an
account to each buddy of the organisations it measures (as the invitation does) so the
engine has real work:

- national organisation: the seed's organisation with the most buddies that are
  loaded (in training, active or paused), with its own waiting list;
- large organisation (`--large-buddies`, `--large-waiting`): one more organisation over
  the five PO SWVs of the province of Utrecht, seeded the same way with ten times the
  buddies, and that many of its requests put on the waiting list.

For each it times, with the number of SQL queries (CaptureQueriesContext):

- `loading.load_pool` for one waiting request against all of its buddies (what the
  shortlist page loads);
- `selectors.shortlist` end to end (loading, engine, options), and the same plus the
  explanation of each candidate and the rules of each excluded buddy (what the page
  shows), and the shortlist page itself through the test client when it is there;
- `services.create_batch` (best fit) for the whole waiting list, and for the large
  organisation each of its steps on its own (loading, scoring, batch, greedy, the
  lines' explanations; the rest is writing the draft) and the engine's lean path.

Results go to stdout as Markdown; copy them into docs/PERFORMANCE.md with the machine
and the date.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

LARGE_NAME = "Steunpunt Provincie Utrecht (benchmark)"
LARGE_DISTRICT_PREFIX = "PO26"  # the PO SWVs of the province of Utrecht


def setup_django(tmp: str, reuse: bool = False) -> float:
    """Django on `tmp`/bench.sqlite3; migrated and seeded unless `reuse` (a database
    that an earlier `--db` run seeded)."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderbuddy.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if reuse:
        return 0.0
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    from bench.national import seed_national

    seed_national()
    return time.perf_counter() - t0


def link_accounts(organisation_id: Any) -> int:
    """An account for each buddy of the organisation that has none (bulk)."""
    from django.contrib.auth.hashers import make_password

    from ouderbuddy.accounts.models import User
    from ouderbuddy.buddies.models import Buddy

    buddies = list(Buddy.objects.filter(organisation_id=organisation_id, user=None))
    password = make_password(None)
    users = [
        User(email=b.email, full_name=b.full_name, password=password) for b in buddies
    ]
    User.objects.bulk_create(users, batch_size=1000)
    by_email = dict(
        User.objects.filter(email__in=[b.email for b in buddies]).values_list(
            "email", "pk"
        )
    )
    for buddy in buddies:
        buddy.user_id = by_email[buddy.email]
    Buddy.objects.bulk_update(buddies, ["user"], batch_size=1000)
    return len(buddies)


def coordinator_of(organisation: Any) -> Any:
    from ouderbuddy.accounts.models import User
    from ouderbuddy.organisations.models import Membership, Role

    found = (
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .select_related("user", "organisation")
        .first()
    )
    if found is not None:
        return found
    user = User.objects.create_user(
        f"coordinator.{str(organisation.pk)[:8]}@bench.ouderbuddy.example",
        None,
        full_name="Coördinator Benchmark",
    )
    Membership.objects.create(
        organisation=organisation, user=user, role=Role.COORDINATOR
    )
    return coordinator_of(organisation)


def national_organisation() -> Any:
    """The seed's organisation with the most loaded buddies (then: most waiting)."""
    from django.db.models import Count

    from ouderbuddy.buddies.models import Buddy
    from ouderbuddy.intake.models import HelpRequest, RequestStatus
    from ouderbuddy.matching import loading
    from ouderbuddy.organisations.models import Organisation

    # Not the benchmark's own large organisation (there already with `--db`).
    loaded = dict(
        Buddy.objects.filter(status__in=loading.LOADED_STATUSES)
        .exclude(organisation__name=LARGE_NAME)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    waiting = dict(
        HelpRequest.objects.filter(status=RequestStatus.WAITING)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    best = max(loaded, key=lambda o: (loaded[o], waiting.get(o, 0)))
    return Organisation.objects.get(pk=best)


def large_organisation(n_buddies: int, n_waiting: int) -> Any:
    """A big organisation over the province of Utrecht, seeded like the national set."""
    from faker import Faker

    from bench.national import seed_national_buddies, seed_national_requests
    from ouderbuddy.intake.models import HelpRequest, RequestStatus
    from ouderbuddy.organisations.models import Organisation
    from ouderbuddy.regions.models import CooperationDistrict

    organisation = Organisation.objects.create(
        name=LARGE_NAME, contact_email="groot@bench.ouderbuddy.example"
    )
    organisation.districts.set(
        CooperationDistrict.objects.filter(code__startswith=LARGE_DISTRICT_PREFIX)
    )
    faker = Faker("nl_NL")
    faker.seed_instance(2026)
    seed_national_buddies(faker, [organisation], n_buddies)
    # A salt of its own: the same seed as the national call would draw the first
    # organisation's submission keys again (unique in the table).
    seed_national_requests(
        faker, [organisation], max(5 * n_buddies, n_waiting), salt=f"/{LARGE_NAME}"
    )
    # The seed's spread leaves a handful waiting; a large waiting list is the test.
    ids = list(
        HelpRequest.objects.filter(organisation=organisation)
        .exclude(status=RequestStatus.WAITING)
        .order_by("-received_at")
        .values_list("pk", flat=True)[:n_waiting]
    )
    HelpRequest.objects.filter(pk__in=ids).update(status=RequestStatus.WAITING)
    return organisation


Row = tuple[str, str, str, str, str]


def timed(fn: Callable[[], object], n: int, warmup: int = 2) -> tuple[float, float]:
    """Median and p95 in ms of `n` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def page_client(actor: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=actor.user, name="bench", confirmed=True)
    client = Client()
    client.force_login(actor.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bench_organisation(
    label: str, organisation: Any, repeats: dict[str, int], rows: list[Row]
) -> dict[str, Any]:
    from ouderbuddy.intake.models import HelpRequest, RequestStatus
    from ouderbuddy.matching import loading, selectors, services
    from ouderbuddy.matching.models import BatchDraft

    actor = coordinator_of(organisation)
    waiting = list(
        HelpRequest.objects.filter(
            organisation=organisation, status=RequestStatus.WAITING
        )
        .select_related("postcode__municipality")
        .order_by("received_at", "pk")
    )
    assert waiting, f"{label}: no waiting request"
    pool = loading.load_pool(organisation.pk, waiting)
    buddies = len(pool.buddy_list)
    shortlists = [selectors.shortlist(actor=actor, request=r) for r in waiting[:20]]
    eligible = statistics.median([page.eligible for page in shortlists])
    facts = {
        "buddies": buddies,
        "ready": int(
            (pool.buddies.active & pool.buddies.vog_valid & pool.buddies.trained).sum()
        ),
        "places": int(pool.buddies.free_places.clip(0).sum()),
        "waiting": len(waiting),
        "eligible": eligible,
    }
    print(f"{label}: {facts}", file=sys.stderr, flush=True)
    what = f"{label} ({buddies:,} buddies, {len(waiting):,} waiting)"

    def add(name: str, fn: Callable[[], object], n: int) -> None:
        count = queries(fn)
        p50, p95 = timed(fn, n)
        rows.append((what, name, f"{p50:.1f}", f"{p95:.1f}", f"{count}"))
        print(
            f"  {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {count} queries",
            file=sys.stderr,
            flush=True,
        )

    turn = iter(range(10**9))

    def next_request() -> Any:
        return waiting[next(turn) % len(waiting)]

    add(
        "loading.load_pool (1 request x all buddies)",
        lambda: loading.load_pool(organisation.pk, [next_request()]),
        repeats["load"],
    )
    add(
        "selectors.shortlist",
        lambda: selectors.shortlist(actor=actor, request=next_request()),
        repeats["shortlist"],
    )

    def shortlist_shown() -> None:
        page = selectors.shortlist(actor=actor, request=next_request())
        for option in page.candidates:
            option.explanation  # noqa: B018 - what the page renders
        for option in page.excluded:
            option.rules  # noqa: B018

    add(
        "selectors.shortlist + explanations and rules",
        shortlist_shown,
        repeats["shortlist"],
    )

    from django.urls import NoReverseMatch, reverse

    try:
        client = page_client(actor)
        url = reverse("matching:shortlist", args=[waiting[0].pk])
        status = client.get(url).status_code
    except (NoReverseMatch, ImportError) as exc:
        status = repr(exc)
    if status == 200:
        add(
            "shortlist page (GET, test client)",
            lambda: client.get(reverse("matching:shortlist", args=[next_request().pk])),
            repeats["page"],
        )
        add(
            "shortlist page with the excluded buddies (?uitgesloten=1)",
            lambda: client.get(
                reverse("matching:shortlist", args=[next_request().pk])
                + "?uitgesloten=1"
            ),
            repeats["page"],
        )
    else:
        rows.append((what, "shortlist page", "–", "–", f"not measured: {status}"))

    before = BatchDraft.objects.count()
    add(
        "services.create_batch (best fit, whole waiting list)",
        lambda: services.create_batch(actor=actor, objective="best_fit"),
        repeats["batch"],
    )
    draft = BatchDraft.objects.order_by("-created_at").first()
    assert draft is not None and BatchDraft.objects.count() > before
    facts["batch_matched"] = draft.matched
    facts["batch_total"] = draft.total_score / 1000 if draft.total_score else 0
    facts["greedy_matched"] = draft.greedy_matched
    facts["greedy_total"] = (
        draft.greedy_total_score / 1000 if draft.greedy_total_score else 0
    )
    return facts


def batch_steps(
    label: str, organisation: Any, n: int, rows: list[Row]
) -> dict[str, float]:
    """Where `services.create_batch`'s time goes: its steps one by one, medians of
    `n` runs (without writing the draft: the rest of create_batch's time is the
    draft, its lines' executemany, the audit event and the commit). create_batch
    takes the lean path (the last row); the rows with `scoring.sparse_scores`,
    batch and greedy over it are the full scores it used before, kept for
    comparison."""
    import numpy as np

    from ouderbuddy.matching import engine, loading, scoring

    org = organisation.pk
    weights = scoring.weights_of(org).as_engine()
    requests = loading.for_engine(scoring.waiting(org))
    pool = loading.load_pool(org, requests, request_scope=scoring.waiting(org))
    caps = pool.buddies.free_places.clip(min=0)
    scores = scoring.sparse_scores(pool, weights)
    best = engine.batch(scores, caps)
    n_b = len(pool.buddy_list)
    keys = scores.request * n_b + scores.buddy

    def lines() -> None:
        for r, b in best.pairs():
            k = int(np.searchsorted(keys, r * n_b + b))
            scoring.snapshot(
                pool,
                r,
                b,
                scores.contributions[:, k].tolist(),
                float(scores.distance_km[k]),
            )

    def lean() -> None:
        ri, bi = engine.candidate_pairs(pool.requests, pool.buddies)
        totals = engine.pair_totals(
            pool.requests, pool.buddies, ri, bi, weights, pool.exclusions
        )
        proposal = engine.batch(totals, caps)
        engine.greedy(totals, caps)
        chosen = np.flatnonzero(proposal.buddy_of >= 0)
        engine.score_pairs(
            pool.requests,
            pool.buddies,
            chosen,
            proposal.buddy_of[chosen],
            weights,
            pool.exclusions,
        )

    steps: list[tuple[str, Callable[[], object]]] = [
        ("weights", lambda: scoring.weights_of(org).as_engine()),
        (
            "waiting requests, all columns but the encrypted (with_postcode)",
            lambda: loading.with_postcode(scoring.waiting(org)),
        ),
        (
            "waiting requests, the engine's columns (for_engine, as create_batch)",
            lambda: loading.for_engine(scoring.waiting(org)),
        ),
        (
            "loading.load_pool (all waiting x all buddies), a parameter per row",
            lambda: loading.load_pool(org, requests),
        ),
        (
            "loading.load_pool with request_scope (as create_batch)",
            lambda: loading.load_pool(
                org, requests, request_scope=scoring.waiting(org)
            ),
        ),
        (
            "engine: candidate_pairs",
            lambda: engine.candidate_pairs(pool.requests, pool.buddies),
        ),
        (
            "scoring.sparse_scores (candidates + score_pairs)",
            lambda: scoring.sparse_scores(pool, weights),
        ),
        ("engine.batch best_fit", lambda: engine.batch(scores, caps)),
        ("engine.greedy", lambda: engine.greedy(scores, caps)),
        ("explanations of the proposed lines (scoring.snapshot)", lines),
        (
            "lean instead: candidates + pair_totals + batch + greedy + score_pairs "
            "of the proposed pairs",
            lean,
        ),
    ]
    from ouderbuddy.matching import services

    actor = coordinator_of(organisation)
    steps.append(
        (
            "services.create_batch itself, again after the steps (writes included)",
            lambda: services.create_batch(actor=actor, objective="best_fit"),
        )
    )
    what = f"{label}: create_batch step by step"
    times = {}
    for name, fn in steps:
        p50, p95 = timed(fn, n, warmup=1)
        times[name] = p50
        rows.append((what, name, f"{p50:.1f}", f"{p95:.1f}", "–"))
        print(f"  step {name}: p50 {p50:.1f} ms", file=sys.stderr, flush=True)
    return times


def profile(organisation: Any) -> None:
    from ouderbuddy.intake.models import HelpRequest, RequestStatus
    from ouderbuddy.matching import selectors, services

    actor = coordinator_of(organisation)
    request = (
        HelpRequest.objects.filter(
            organisation=organisation, status=RequestStatus.WAITING
        )
        .select_related("postcode__municipality")
        .first()
    )

    def shown() -> None:
        for _ in range(5):
            page = selectors.shortlist(actor=actor, request=request)
            for option in page.candidates:
                option.explanation  # noqa: B018
            for option in page.excluded:
                option.rules  # noqa: B018

    for title, fn in (
        ("selectors.shortlist + explanations, 5 times", shown),
        (
            "services.create_batch",
            lambda: services.create_batch(actor=actor, objective="best_fit"),
        ),
    ):
        profiler = cProfile.Profile()
        profiler.runcall(fn)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\n### cProfile: {title}\n{out.getvalue()}", file=sys.stderr)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue(), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--profile", action="store_true", help="cProfile on stderr")
    parser.add_argument("--large-buddies", type=int, default=1000)
    parser.add_argument("--large-waiting", type=int, default=1000)
    parser.add_argument(
        "--db",
        metavar="DIR",
        help="keep the SQLite database in DIR; a later run with the same DIR skips "
        "the seed (the large organisation's sizes are those of the first run)",
    )
    args = parser.parse_args()
    repeats = (
        {"load": 10, "shortlist": 10, "page": 5, "batch": 3, "steps": 5}
        if args.quick
        else {"load": 50, "shortlist": 30, "page": 20, "batch": 7, "steps": 15}
    )

    print("Matching with the database", file=sys.stderr, flush=True)
    if args.db:
        Path(args.db).mkdir(parents=True, exist_ok=True)
        reuse = (Path(args.db) / "bench.sqlite3").exists()
        try:
            run(args, repeats, setup_django(args.db, reuse), reuse)
        finally:
            from django.db import connections

            connections.close_all()
        return
    with tempfile.TemporaryDirectory(prefix="ouderbuddy-bench-") as tmp:
        try:
            run(args, repeats, setup_django(tmp))
        finally:
            from django.db import connections

            connections.close_all()


def run(
    args: argparse.Namespace,
    repeats: dict[str, int],
    setup_s: float,
    reuse: bool = False,
) -> None:
    from django.db import connection

    from ouderbuddy.organisations.models import Organisation

    national = national_organisation()
    linked = link_accounts(national.pk)
    t0 = time.perf_counter()
    found = Organisation.objects.filter(name=LARGE_NAME).first() if reuse else None
    large = found or large_organisation(args.large_buddies, args.large_waiting)
    linked_large = link_accounts(large.pk)
    large_s = time.perf_counter() - t0
    print(
        f"setup {setup_s:.1f} s, large organisation {large_s:.1f} s; accounts linked: "
        f"{linked} + {linked_large}",
        file=sys.stderr,
        flush=True,
    )

    # The seed leaves millions of objects on the heap that a web worker does not
    # have; without this every full garbage collection walks them (p95 x3).
    gc.collect()
    gc.freeze()
    rows: list[Row] = []
    facts = {
        "national organisation": bench_organisation(
            "national organisation", national, repeats, rows
        ),
        "large organisation": bench_organisation(
            "large organisation", large, repeats, rows
        ),
    }
    batch_steps("large organisation", large, repeats["steps"], rows)
    if args.profile:
        profile(large)

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, database {connection.vendor}"
    )
    print(
        f"Setup (migrate + national seed): {setup_s:.1f} s; large organisation "
        f"({args.large_buddies:,} buddies, {args.large_waiting:,} waiting): {large_s:.1f} s"
    )
    print()
    for name, f in facts.items():
        print(
            f"- {name}: {f['buddies']:,} buddies loaded, {f['ready']:,} matchable "
            f"({f['places']:,} free places), {f['waiting']:,} waiting, median "
            f"{f['eligible']:.0f} eligible buddies per request; batch matched "
            f"{f['batch_matched']} (total {f['batch_total']:.1f}), greedy "
            f"{f['greedy_matched']} (total {f['greedy_total']:.1f})"
        )
    print()
    print("| organisation | what | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
