"""PostgreSQL connections bind parameters on the server and keep the statements they
run often prepared (settings.DATABASES, `lib/db.py`); SQLite is left as it is."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from ouderbuddy.accounts.models import User
from ouderbuddy.lib import db

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="prepared statements are PostgreSQL's (PostgreSQL pass of make test)",
)


@postgresql
@pytest.mark.django_db
def test_a_statement_run_often_is_prepared_once():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    connection.ensure_connection()
    assert connection.connection.prepared_max == db.PREPARED_MAX
    threshold = options["prepare_threshold"]

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%accounts_user%email%"],
            )
            return int(cursor.fetchone()[0])

    before = prepared()
    for n in range(threshold + 1):
        list(User.objects.filter(email=f"niemand{n}@example.org").values("pk"))
    assert prepared() == before + 1


@pytest.mark.django_db
def test_sqlite_keeps_its_own_options():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass of make test")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"
