"""CPU per page in one process: a quick loop for working on a page's cost.

    .venv/bin/python bench/page_cpu.py [--pages REGEX] [-n 30] [--profile NAME] [--sql]

Not the measurement (that is bench/load.py with gunicorn and wrk): this one runs the
pages of bench/load.py through Django's test client, in one process, against a fresh
copy of the load benchmark's national database (its cluster in var/bench/pg, seeded by
`make bench-load` once). Per page it prints the app's CPU ms per request
(`time.process_time`), the PostgreSQL backend's (from `/proc`), and the SQL statements.
`--profile NAME` runs cProfile (on the CPU clock: waiting for PostgreSQL is not counted) over that page's requests and prints the top functions.
The test client skips the WSGI server and the socket, so the app figure is a little
below what gunicorn costs; compare the pages with each other, and before with after.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load

DATABASE = "pagecpu"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="", help="only pages whose name matches")
    parser.add_argument("-n", type=int, default=30, help="requests per page")
    parser.add_argument("--profile", default="", help="cProfile this page (name)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument(
        "--callers",
        default="",
        help="with --profile: who calls functions matching this",
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--only", default="", help="with --profile: only functions matching this"
    )
    parser.add_argument(
        "--templates", action="store_true", help="count the templates each page renders"
    )
    parser.add_argument(
        "--sql", action="store_true", help="print the statements of each page"
    )
    parser.add_argument(
        "--template-times",
        action="store_true",
        help="CPU ms per request in each template (inclusive of what it includes)",
    )
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the cluster running"
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def backend_cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def inner(args: argparse.Namespace) -> None:
    os.environ.update(load.server_env(tempfile.mkdtemp(prefix="ouderbuddy-static-")))
    load.setup_django()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    from ouderbuddy.organisations.models import Membership, Role

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    organisation = load.largest_organisation()
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    assert coordinator is not None
    ids = load.objects_of(organisation, coordinator)
    clients: dict[str, Any] = {
        "coordinator": load.sign_in(coordinator.user, True),
        "buddy": load.sign_in(ids["buddy_user"], False),
    }
    clients["parent"] = clients["anonymous"] = load.sign_in(None, False)
    pages, _ = load.candidate_pages(ids)
    pages = [load.Page("bench:bare", load.BARE_PATH, "coordinator"), *pages]
    if args.pages:
        pages = [p for p in pages if re.search(args.pages, p.name)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print(f"{organisation.name}: {len(pages)} pages, {args.n} requests each")
    print(f"{'page':36} {'status':>6} {'SQL':>4} {'app ms':>7} {'db ms':>6} {'sum':>6}")
    for page in pages:
        client = clients[page.role]
        status, queries = load.count_queries(client, page.url)
        if status != 200:
            continue  # POST-only forms and redirects (bench/load.py lists them)
        for _ in range(3):
            client.get(page.url)
        if args.templates:
            print_templates(client, page.url)
        if args.sql:
            print_sql(client, page.url)
        if args.template_times:
            print_template_times(client, page.url, args.n)
        profiler = (
            cProfile.Profile(time.process_time) if page.name == args.profile else None
        )
        app0, db0 = time.process_time(), backend_cpu_ms(backend)
        if profiler:
            profiler.enable()
        for _ in range(args.n):
            client.get(page.url)
        if profiler:
            profiler.disable()
        app = (time.process_time() - app0) * 1000 / args.n
        db = (backend_cpu_ms(backend) - db0) / args.n
        print(
            f"{page.name:36} {status:>6} {queries:>4} {app:7.1f} {db:6.1f} "
            f"{app + db:6.1f}",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
            if args.callers:
                stats.print_callers(args.callers)
            elif args.only:
                stats.print_stats(args.only, args.top)
            else:
                stats.print_stats(args.top)
            print(out.getvalue())


def print_template_times(client: Any, url: str, n: int) -> None:
    """CPU ms per request spent in each template's render, with what it includes."""
    from collections import Counter

    from django.template.base import Template

    spent: Counter[str] = Counter()
    original = Template._render

    def timed(self: Any, context: Any) -> Any:
        start = time.process_time()
        try:
            return original(self, context)
        finally:
            spent[self.name or "(string)"] += time.process_time() - start

    Template._render = timed  # type: ignore[method-assign]
    try:
        for _ in range(n):
            client.get(url)
    finally:
        Template._render = original  # type: ignore[method-assign]
    print(
        "    "
        + ", ".join(f"{name} {ms * 1000 / n:.1f}" for name, ms in spent.most_common(12))
    )


def print_sql(client: Any, url: str) -> None:
    """The statements one request runs, each cut to one line."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for query in queries:
        print(f"    {query['sql'][:300]}")


def print_templates(client: Any, url: str) -> None:
    """The templates (and includes) one request renders, most frequent first."""
    from collections import Counter

    from django.template import Template
    from django.test.signals import template_rendered
    from django.test.utils import instrumented_test_render

    seen: Counter[str] = Counter()

    def count(sender: Any, template: Any, **kwargs: Any) -> None:
        seen[template.name or "(string)"] += 1

    original = Template._render
    Template._render = instrumented_test_render  # type: ignore[method-assign]
    template_rendered.connect(count)
    try:
        client.get(url)
    finally:
        template_rendered.disconnect(count)
        Template._render = original  # type: ignore[method-assign]
    print("    " + ", ".join(f"{name} ×{n}" for name, n in seen.most_common()))


def main() -> None:
    args = parse_args()
    if args.inner:
        inner(args)
        return
    cluster = load.Cluster()
    pid_file = load.PGDATA / "postmaster.pid"
    shared = pid_file.exists()
    if shared:
        # Already running (another page_cpu.py): use it, leave it running.
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
            [load.PYTHON, __file__, "--inner", *sys.argv[1:]], cwd=load.ROOT, env=env
        )
        cluster.drop(database)
    finally:
        if not shared and not args.keep_running:
            cluster.stop()


if __name__ == "__main__":
    main()
