"""The shared cache's table comes with `migrate`: an operator who runs only `migrate`
(docs/DEPLOY.md) gets a working public form, whose rate limits live in that cache."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.test_public import fill, send

pytestmark = pytest.mark.django_db

MIGRATION = "ouderbuddy.notifications.migrations.0002_cache_table"
TABLE = settings.CACHES["default"]["LOCATION"]


def test_the_cache_is_a_database_cache_shared_by_every_process():
    # PRODUCT §4: no state in one app process; the rate limits count across them.
    assert settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")


def test_the_cache_table_migration_is_applied_by_migrate():
    applied = MigrationLoader(connection).applied_migrations
    assert ("notifications", "0002_cache_table") in applied


def test_after_migrate_alone_the_last_step_of_the_public_form_works(served, client):
    """Without the table the last step was a 500 (the rate limit writes the cache)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(TABLE)}")
    assert TABLE not in connection.introspection.table_names()

    # What `migrate` runs on a database that never saw `createcachetable`.
    migration = importlib.import_module(MIGRATION)
    migration.create_cache_tables(None, SimpleNamespace(connection=connection))
    assert TABLE in connection.introspection.table_names()

    fill(client)
    response = send(client)
    assert response.status_code == 302
    assert HelpRequest.objects.count() == 1


def test_the_migration_leaves_an_existing_cache_table_alone():
    migration = importlib.import_module(MIGRATION)
    migration.create_cache_tables(None, SimpleNamespace(connection=connection))
    assert TABLE in connection.introspection.table_names()


@pytest.fixture
def served(cora):
    """Steunpunt Noord serves postcode 1012, the parent's in STEP_DATA."""
    cora.organisation.districts.set(["PO2707", "VO2708"])
    return cora.organisation
