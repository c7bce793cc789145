"""Benchmark of the coordinator's match-support pages with the national data (not tests).

Usage: `make bench` (fourth step) or `.venv/bin/python bench/casework_pages.py`
(`--quick` for fewer repeats, `--profile` for a cProfile summary of each page on
stderr, `--sqlite` to measure on SQLite in a temporary file instead). On PostgreSQL by
default: without a PostgreSQL `DATABASE_URL` the script runs itself again under
`scripts/with-postgres` (a throw-away server, removed afterwards).

It migrates the empty database and generates the national demo data
(`seed_demo`, then `bench/national.py`: 150 organisations, 15,000 buddies, 75,000 requests,
about 3,200 active and 15,000 closed matches, 500,000 contact records), then signs in
as the coordinator of the organisation with the most contacts, of the national one
with the fewest, and of the first demo organisation (a handful of matches), to see
whether the number of queries depends on the size of the data, and times with the
test client:

- the start page (`/start/`, with the casework panels);
- the match-support overview (`/begeleiding/`), page 1 and with each flag filter its
  form offers (a 404 until that page exists is reported, not fatal);
- the list of matches (`/koppelingen/`);
- the page of the organisation's active match with the most contacts;
- and each panel of the start page on its own, for the largest organisation.

Medians and p95 of single-client requests; the SQL statements of one request (the
second, so per-process caches are filled) counted with an execute wrapper. Results go to stdout as Markdown; copy them into
docs/PERFORMANCE.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--profile", action="store_true", help="cProfile on stderr")
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite in a temporary file instead"
    )
    parser.add_argument(
        "--contacts", type=int, default=None, help="contact records (default 500,000)"
    )
    return parser.parse_args()


def ensure_postgres(args: argparse.Namespace) -> None:
    """Run again under scripts/with-postgres unless DATABASE_URL is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if args.sqlite or url.startswith(("postgres://", "postgresql://")):
        return
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, *sys.argv]
    sys.exit(subprocess.call(command, cwd=ROOT))  # noqa: S603 - our own script


def setup_django(args: argparse.Namespace) -> tuple[float, float]:
    tmp = tempfile.mkdtemp(prefix="ouderbuddy-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderbuddy.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    migrate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    from bench.national import seed_national

    seed_national(contacts=args.contacts)
    seed_s = time.perf_counter() - t0
    # A database in use has its statistics; a freshly loaded one needs them once.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return migrate_s, seed_s


def sign_in(organisation_id: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    user = coordinator_of(organisation_id).user
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def coordinator_of(organisation_id: Any) -> Any:
    from ouderbuddy.organisations.models import Membership, Role

    coordinator = (
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    assert coordinator is not None, "the seed gives every organisation one"
    return coordinator


def facts(organisation_id: Any) -> dict[str, Any]:
    from django.db.models import Count

    from ouderbuddy.casework.models import CheckIn, Contact
    from ouderbuddy.matching.models import Match, MatchStatus
    from ouderbuddy.organisations.models import Organisation

    active = Match.objects.filter(
        organisation_id=organisation_id, status=MatchStatus.ACTIVE
    )
    busiest = (
        active.annotate(n=Count("contacts")).order_by("-n", "pk").values("pk", "n")
    ).first()
    return {
        "name": Organisation.objects.get(pk=organisation_id).name,
        "matches": Match.objects.filter(organisation_id=organisation_id).count(),
        "active": active.count(),
        "contacts": Contact.objects.filter(organisation_id=organisation_id).count(),
        "check_ins": CheckIn.objects.filter(organisation_id=organisation_id).count(),
        "match_id": busiest["pk"] if busiest else None,
        "match_contacts": busiest["n"] if busiest else 0,
    }


def filter_urls(client: Any) -> list[tuple[str, str]]:
    """The flag filters of the overview: the options of its filter form (a GET form
    with a <select>), else the links with a query that is not a page number."""
    response = client.get("/begeleiding/")
    if response.status_code != 200:
        return []
    html = response.content.decode()
    found = []
    select = re.search(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S)
    if select:
        name, options = select.groups()
        for value in re.findall(r'<option[^>]*value="([^"]+)"', options):
            found.append((value, f"/begeleiding/?{name}={value}"))
        return found
    for href in re.findall(r'href="([^"]*)"', html):
        href = href.replace("&amp;", "&")
        if "?" in href and "pagina=" not in href:
            path, query = href.split("?", 1)
            if path in ("", "/begeleiding/"):
                found.append((query, f"/begeleiding/?{query}"))
    return found


def count_queries(fn: Callable[[], Any]) -> tuple[Any, int]:
    """`fn()` and the number of SQL statements it ran. Counted with a wrapper:
    CaptureQueriesContext loses its place when a request resets the query log
    (request_started -> reset_queries)."""
    from django.db import connection

    executed: list[str] = []

    def count(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = fn()
    return result, len(executed)


def measure(
    client: Any, label: str, url: str, n: int, profile: bool
) -> tuple[str, str, str, str, str]:
    # Counted on the second request: the first one fills per-process caches.
    client.get(url)
    response, queries = count_queries(lambda: client.get(url))
    if response.status_code != 200:
        return (label, url, f"HTTP {response.status_code}", "–", "–")
    for _ in range(min(5, n)):
        client.get(url)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(url)
        profiler.disable()
        print(f"\n### {label} ({url}), 5 requests", file=sys.stderr)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(r"/ouderbuddy/|execute_sql", 30)
    return (
        label,
        url,
        f"{statistics.median(samples):.1f}",
        f"{p95:.1f}",
        str(queries),
    )


def panel_times(organisation_id: Any, n: int) -> list[tuple[str, str, str]]:
    """Each start-page panel on its own: median ms and queries."""
    from ouderbuddy.dashboard.panels import COORDINATOR_PANELS

    actor = coordinator_of(organisation_id)
    rows = []
    for panel in COORDINATOR_PANELS:
        panel.rows(actor)
        _, queries = count_queries(partial(panel.rows, actor))
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            panel.rows(actor)
            samples.append((time.perf_counter() - start) * 1000)
        rows.append((panel.key, f"{statistics.median(samples):.1f}", str(queries)))
    return rows


def main() -> None:
    args = parse_args()
    ensure_postgres(args)
    migrate_s, seed_s = setup_django(args)
    from django.db import connection
    from django.db.models import Count

    from ouderbuddy.casework.models import Contact
    from ouderbuddy.matching.models import Match

    gc.collect()
    gc.freeze()  # what the seed left behind is not a web worker's heap
    n = 10 if args.quick else 40
    by_contacts = list(
        Contact.objects.filter(organisation__name__startswith="Steunpunt ")
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("n", "organisation_id")
        .values_list("organisation_id", flat=True)
    )
    smallest, largest = by_contacts[0], by_contacts[-1]
    # The first demo organisation: a handful of matches, in every state.
    demo = (
        Match.objects.exclude(organisation__name__startswith="Steunpunt ")
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
        .first()
    )
    measured = [("largest", largest), ("smallest", smallest)]
    if demo is not None:
        measured.append(("demo", demo))
    rows: list[tuple[str, ...]] = []
    sizes = []
    for size, organisation_id in measured:
        info = facts(organisation_id)
        sizes.append((size, info))
        client = sign_in(organisation_id)
        pages = [
            ("start page", "/start/"),
            ("match support, page 1", "/begeleiding/"),
        ]
        pages += [
            (f"match support, filter '{value}'", url)
            for value, url in filter_urls(client)
        ]
        pages.append(("matches", "/koppelingen/"))
        if info["match_id"]:
            pages.append(
                (
                    f"active match ({info['match_contacts']} contacts)",
                    f"/koppelingen/{info['match_id']}/",
                )
            )
        for label, url in pages:
            rows.append((size, *measure(client, label, url, n, args.profile)))

    vendor = connection.vendor
    version = ""
    if vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)  # type: ignore[attr-defined]
        version = f" {major}.{minor}"
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {vendor}{version}"
    )
    print(
        f"Setup: migrate {migrate_s:.1f} s; national seed {seed_s:.1f} s "
        f"({Match.objects.count():,} matches, {Contact.objects.count():,} contacts)"
    )
    for size, info in sizes:
        print(
            f"- {size}: {info['name']}: {info['matches']} matches, {info['active']} "
            f"active, {info['contacts']:,} contacts, {info['check_ins']:,} check-ins"
        )
    print()
    print(f"Single client, medians of {n} requests.")
    print()
    print("| organisation | page | URL | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"Start page panels of the largest organisation, each on its own ({n} runs):")
    print()
    print("| panel | p50 ms | queries |")
    print("|---|---|---|")
    for row in panel_times(largest, n):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
