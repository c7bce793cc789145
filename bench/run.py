"""Benchmarks of the coordinator's pages, on their own generated data set (not tests).

Usage: `make bench` (SQLite in a temporary file) or `scripts/with-postgres make bench`
(a throw-away PostgreSQL). It migrates an empty database, generates the national demo
data with `seed_demo`, then `bench/national.py` (150 organisations, 15,000 buddies, 75,000 help
requests), then times:

- postcode look-ups: `distance_km` and `organisations_serving`;
- coordinator pages (start page, team, buddy pipeline, help-request inbox, waiting list)
  through Django's test client, single client, with the number of SQL queries per page.

Results go to stdout as a Markdown table; copy them into docs/PERFORMANCE.md with the
machine and the date. The 16-client HTTP load test of PRODUCT.md §4 is not here yet.
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
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
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ouderbuddy.organisations.models import Membership, Role
    from ouderbuddy.organisations.selectors import organisations_serving
    from ouderbuddy.regions.selectors import distance_km

    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    from bench.national import seed_national

    seed_national()
    setup_s = time.perf_counter() - t0

    rows: list[tuple[str, str, str, str]] = []

    def timed(label: str, fn: Callable[[], object], n: int) -> None:
        for _ in range(min(20, n)):
            fn()
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        p50 = statistics.median(samples)
        p95 = samples[int(len(samples) * 0.95) - 1]
        rows.append((label, f"{p50:.2f}", f"{p95:.2f}", "–"))

    pairs = [("1012", "3511"), ("9401", "6211"), ("2511 AB", "3011"), ("1381", "5354")]
    timed(
        "distance_km (2 postcodes)",
        lambda: [distance_km(a, b) for a, b in pairs[:1]],
        1000,
    )
    timed(
        "organisations_serving(postcode)",
        lambda: organisations_serving("3511 AB"),
        1000,
    )

    coordinator = (
        Membership.objects.filter(
            role=Role.COORDINATOR, organisation__name__startswith="Steunpunt "
        )
        .select_related("user")
        .first()
    )
    assert coordinator is not None
    device = TOTPDevice.objects.create(
        user=coordinator.user, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(coordinator.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    for label, url in [
        ("coordinator start page", "/start/"),
        ("team page", "/organisatie/team/"),
        ("buddy pipeline (100 buddies)", "/buddies/"),
        ("help request inbox", "/hulpvragen/"),
        ("waiting list", "/hulpvragen/wachtlijst/"),
    ]:
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timed(label, lambda url=url: client.get(url), 200)
        rows[-1] = (*rows[-1][:3], str(len(executed)))

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {connection.vendor}"
    )
    print(f"Setup (migrate + national seed): {setup_s:.1f} s")
    print()
    print("| what | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
