"""Reports at national scale (issue 15, item 6): wall-clock times on PostgreSQL with
the national data set, not timed tests.

    .venv/bin/python bench/reports.py [-n 10]

Runs in a fresh copy of the load benchmark's national database (its cluster in
var/bench/pg, seeded by `make bench-load` once), like bench/page_cpu.py. For the
largest organisation (the one with the most contact records) it times, `-n` times
each after one warm-up: the school year's report (`reports.selectors.report`, every
query and the suppression), its rendered page through the test client, the annual
PDF (report and WeasyPrint), the recruitment planner, and the signals of the year
against the year before; and the network admin's national figures over every
organisation (the report, and its page for a network admin of all of them, made in
the copy). Targets (issue 15): report < 300 ms, national figures < 1 s, PDF < 3 s,
planner for the largest organisation < 1 s. Prints median and maximum in
milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load

DATABASE = "reportsbench"


def _timed(n: int, call: Callable[[], Any]) -> tuple[float, float]:
    call()
    found = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        found.append((time.perf_counter() - started) * 1000)
    return statistics.median(found), max(found)


def _slowest_queries(call: Callable[[], Any]) -> None:
    """`--queries`: the ten slowest statements of one call, with their times, and
    where its time goes (cProfile)."""
    from django.db import connection

    found: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            found.append(
                (
                    (time.perf_counter() - started) * 1000,
                    sql % tuple(repr(p) for p in params or ())
                    if params and not many
                    else sql,
                )
            )

    call()
    with connection.execute_wrapper(timer):
        call()
    print(f"{len(found)} statements, {sum(t for t, _ in found):.1f} ms in all")
    profile = cProfile.Profile()
    profile.runcall(call)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    for took, sql in sorted(found, reverse=True)[:10]:
        print(f"{took:8.1f} ms  {sql[:1500]}")


def inner(n: int, queries: bool = False) -> None:
    os.environ.update(load.server_env(tempfile.mkdtemp(prefix="ouderbuddy-static-")))
    load.setup_django()
    from django.core.management import call_command
    from django.utils import timezone, translation

    from ouderbuddy.accounts.models import User
    from ouderbuddy.organisations.models import Membership, Organisation, Role
    from ouderbuddy.reports import pdf, planner, selectors, signals
    from ouderbuddy.reports.figures import Period, school_year_of
    from ouderbuddy.reports.forms import period_label

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    translation.activate("nl")
    organisation = load.largest_organisation()
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    assert coordinator is not None
    load.objects_of(organisation, coordinator)  # hours, costs, a board report
    client = load.sign_in(coordinator.user, True)
    year = Period.school_year(school_year_of(timezone.localdate()))
    last_year = year.previous()
    everything = selectors.Filters()

    network = User.objects.create_user(
        "netwerk@bench.test", "bench-password-long-enough", full_name="Netwerk"
    )
    Membership.objects.bulk_create(
        Membership(organisation=o, user=network, role=Role.NETWORK_ADMIN)
        for o in Organisation.objects.all()
    )
    national = selectors.network_scope(network)
    network_client = load.sign_in(network, True)

    def annual_pdf() -> bytes:
        report = selectors.report(organisation, last_year, everything)
        return pdf.render_pdf(
            {
                "report": report,
                "period_label": period_label(last_year),
                "board_report": None,
                "trends": signals.trends(organisation, last_year),
            }
        )

    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "report, this school year",
            lambda: selectors.report(organisation, year, everything),
        ),
        (
            "report, last school year",
            lambda: selectors.report(organisation, last_year, everything),
        ),
        (
            "report page (test client)",
            lambda: client.get(
                f"/rapportage/?period=year&year={last_year.first.school_year}"
            ),
        ),
        (
            f"national report ({len(national.organisation_ids)} organisations)",
            lambda: selectors.scoped_report(national, last_year, everything),
        ),
        *(
            (
                f"  national: {section.__name__}",
                lambda section=section: section(national, last_year, everything),
            )
            for section in (
                selectors.demand,
                selectors.matching,
                selectors.support,
                selectors.closure,
                selectors.buddies,
                selectors.costs,
            )
        ),
        (
            "national report page (test client)",
            lambda: network_client.get(
                f"/rapportage/?period=year&year={last_year.first.school_year}"
            ),
        ),
        ("annual PDF, last school year", annual_pdf),
        ("recruitment planner", lambda: planner.plan(organisation.pk)),
        ("signals, last school year", lambda: signals.trends(organisation, last_year)),
    ]
    if queries:
        _slowest_queries(
            lambda: selectors.scoped_report(national, last_year, everything)
        )
        return
    print(f"{organisation.name}, n={n}")
    print(f"{'case':40} {'median ms':>10} {'max ms':>8}")
    for name, call in cases:
        median, top = _timed(n, call)
        print(f"{name:40} {median:10.1f} {top:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument(
        "--queries",
        action="store_true",
        help="print the national report's slowest statements instead",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.n, args.queries)
        return
    cluster = load.Cluster()
    pid_file = load.PGDATA / "postmaster.pid"
    shared = pid_file.exists()
    if shared:
        cluster.port = int(pid_file.read_text().splitlines()[3])
    else:
        cluster.start()
    database = f"{DATABASE}_{os.getpid()}"
    try:
        if not cluster.exists(load.NATIONAL):
            sys.exit("No national template yet: run `make bench-load` once.")
        cluster.copy(load.NATIONAL, database)
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url(database),
            "DOTENV_PATH": str(load.ROOT / ".env"),
        }
        subprocess.call(  # noqa: S603 - this script, with its own arguments
            [
                load.PYTHON,
                __file__,
                "--inner",
                "-n",
                str(args.n),
                *(["--queries"] if args.queries else []),
            ],
            cwd=load.ROOT,
            env=env,
        )
        cluster.drop(database)
    finally:
        if not shared:
            cluster.stop()


if __name__ == "__main__":
    main()
