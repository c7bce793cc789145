"""Rows read by fixed_reads are the instances the ORM builds, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_organisation
from ouderbuddy.lib import fixed_reads
from ouderbuddy.organisations.models import Organisation


def _field_values(instance):
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def _read_all(model, alias="x"):
    columns = fixed_reads.columns(model, alias)
    sql = f"SELECT {columns.sql} FROM {fixed_reads.table(model, alias)}"  # noqa: S608
    return [columns.build(row, 0, "default") for row in fixed_reads.fetch(sql, [])]


@pytest.mark.django_db
def test_organisation_rows_equal_the_orm():
    # UUIDs, datetimes, JSON, booleans and text: each column through its converters.
    make_organisation("Steunpunt Noord")
    Organisation.objects.create(name="Steunpunt Zuid", is_active=False)
    ours = sorted(_read_all(Organisation), key=lambda o: o.name)
    orm = list(Organisation.objects.order_by("name"))
    assert [_field_values(o) for o in ours] == [_field_values(o) for o in orm]
    assert all(not o._state.adding and o._state.db == "default" for o in ours)
    assert isinstance(ours[0].created_at, dt.datetime)
    assert ours[0].created_at.tzinfo is not None


@pytest.mark.django_db
def test_a_parameter_as_the_database_stores_it():
    organisation = make_organisation("Steunpunt Noord")
    columns = fixed_reads.columns(Organisation, "o")
    sql = fixed_reads.select(Organisation, "o", ("id", "="), ("is_active", "="))
    key = fixed_reads.param(Organisation, "id", organisation.pk)
    assert fixed_reads.fetch(sql, [key, False]) == []
    rows = fixed_reads.fetch(sql, [key, True])
    assert columns.build(rows[0], 0, "default") == organisation


@pytest.mark.django_db
def test_statements_are_counted_like_any_other():
    Session.objects.create(
        session_key="a" * 32,
        session_data="x",
        expire_date=timezone.now() + dt.timedelta(hours=1),
    )
    with CaptureQueriesContext(connection) as queries:
        assert len(_read_all(Session)) == 1
    assert len(queries.captured_queries) == 1


def test_the_column_list_is_built_once_per_process():
    assert fixed_reads.columns(Organisation, "o") is fixed_reads.columns(
        Organisation, "o"
    )
