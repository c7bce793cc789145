"""Reads compiled once per process give what the ORM gives."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouderbuddy.buddies import selectors
from ouderbuddy.buddies.models import AgreementSignature, Buddy, StatusChange
from ouderbuddy.buddies.tests.factories import apply
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.privacy.models import Consent, ConsentPurpose

pytestmark = pytest.mark.django_db


def test_the_buddy_pages_reads_equal_the_orms(cora, noord, zuid):
    fatima = apply(noord)
    other = apply(zuid, email="o@example.org")
    for buddy in (fatima, other):
        AgreementSignature.objects.create(
            organisation_id=buddy.organisation_id,
            buddy=buddy,
            kind="volunteer",
            text_version="2026-1",
            signed_on=dt.date(2026, 4, 3),
        )
        Consent.objects.create(
            organisation_id=buddy.organisation_id,
            purpose=ConsentPurpose.RESEARCH,
            subject_type="buddies.buddy",
            subject_id=str(buddy.pk),
            given_by="x",
            text_version="v7",
            text="…",
            given_at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC),
            withdrawn_at=dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC),
        )
    StatusChange.objects.create(
        organisation_id=fatima.organisation_id,
        buddy=fatima,
        from_status="applied",
        to_status="introduction",
        actor=cora.user,
        reason="<b>",
        params={"a": 1},
    )
    for _ in range(2):  # compiled, then from the compiled statement
        assert selectors.agreement_rows(fatima) == list(
            fatima.agreements.values("kind", "text_version", "signed_on")
        )
        assert selectors.consent_rows(fatima) == list(
            selectors.consents_of(fatima).values(
                "purpose", "given_at", "text_version", "withdrawn_at"
            )
        )
        history = fatima.history.values(
            "at",
            "from_status",
            "to_status",
            "code",
            "params",
            "reason",
            "actor__full_name",
            "actor__email",
            "actor_id",
        )[:50]
        assert selectors.history_rows(fatima) == list(history)
        assert len(selectors.history_rows(fatima)) == 2
    # Scoped as the ORM scopes: another organisation's key finds nothing.
    mixed = Buddy(pk=fatima.pk, organisation_id=zuid.pk)
    assert selectors.consent_rows(mixed) == []
    assert selectors.consent_rows(other) == list(
        selectors.consents_of(other).values(
            "purpose", "given_at", "text_version", "withdrawn_at"
        )
    )
    assert len(selectors.consent_rows(other)) == 2  # the application's and one


def test_one_statement_and_the_orm_for_what_it_cannot_take(noord):
    fatima = apply(noord)
    rows = Prepared(
        lambda pk: Buddy.objects.filter(pk=pk).values("full_name", "status")
    )
    with CaptureQueriesContext(connection) as queries:
        assert rows.rows(fatima.pk) == [
            {"full_name": fatima.full_name, "status": "applied"}
        ]
        assert rows.rows(uuid.uuid4()) == []
    assert len(queries) == 2
    # A pattern hides the argument: read through the ORM.
    like = Prepared(
        lambda name: Buddy.objects.filter(full_name__contains=name).values("status")
    )
    assert like.rows(fatima.full_name[:3]) == [{"status": "applied"}]
    assert like._compiled[("default", (str,))] is None
    # An argument of another type: the ORM.
    assert rows.rows(str(fatima.pk)) == [
        {"full_name": fatima.full_name, "status": "applied"}
    ]


def test_a_loaded_model_holds_the_rows_fields_in_any_order(noord):
    """`loaded` gives `from_db` the values in the model's order of fields, whatever
    order the page names them in; a field it did not load is read when asked for."""
    from ouderbuddy.lib.prepared import loaded

    fatima = apply(noord)
    read = Prepared(
        lambda organisation_id: Buddy.objects.filter(
            organisation_id=organisation_id
        ).values("pk", "status", "full_name", "organisation")
    )
    (row,) = read.rows(noord.pk)
    # Named against the model's order (full_name comes after status there or not).
    for names in (
        {"status": "status", "full_name": "full_name", "organisation": "organisation"},
        {"organisation": "organisation", "full_name": "full_name", "status": "status"},
    ):
        buddy = loaded(Buddy, row, names)
        with CaptureQueriesContext(connection) as queries:
            assert (buddy.pk, buddy.status, buddy.full_name) == (
                fatima.pk,
                fatima.status,
                fatima.full_name,
            )
            assert buddy.organisation_id == noord.pk
        assert len(queries) == 0
        with CaptureQueriesContext(connection) as queries:
            assert buddy.email == fatima.email  # not loaded: read now
        assert len(queries) == 1


def test_dates_are_parameters_and_whole_numbers_part_of_the_shape(noord, zuid):
    """A date is put in like a key; a whole number (a slice, a flag) is compiled
    with its value, once per value, and past MAX_SHAPES values the ORM reads."""
    from ouderbuddy.lib import prepared

    made = [apply(noord, email=f"b{n}@example.org") for n in range(3)]
    apply(zuid, email="z@example.org")
    for n, buddy in enumerate(made):
        Buddy.objects.filter(pk=buddy.pk).update(
            created_at=dt.datetime(2026, 3, 1 + n, 12, tzinfo=dt.UTC)
        )

    def orm(organisation_id, since, start, only_first):
        found = Buddy.objects.filter(
            organisation_id=organisation_id, created_at__date__gte=since
        ).order_by("created_at")
        if only_first:
            found = found.filter(email__startswith="b0")
        return found.values("email")[start : start + 2]

    read = Prepared(orm)
    for since in (dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 4, 1)):
        for start in (0, 1, 2):
            for only_first in (False, True):
                for organisation in (noord, zuid):
                    args = (organisation.pk, since, start, only_first)
                    assert read.rows(*args) == list(orm(*args)), args
    assert read.rows(noord.pk, dt.date(2026, 3, 2), 0, False) == [
        {"email": "b1@example.org"},
        {"email": "b2@example.org"},
    ]
    # One statement per shape (start, only_first), each compiled (none fell back).
    assert len(read._compiled) == 6
    assert None not in read._compiled.values()
    # Past the limit of shapes: through the ORM, still the same rows.
    many = Prepared(
        lambda start: Buddy.objects.order_by("email").values("email")[start:]
    )
    for start in range(prepared.MAX_SHAPES + 3):
        assert many.rows(start) == list(
            Buddy.objects.order_by("email").values("email")[start:]
        )
    assert len(many._compiled) == prepared.MAX_SHAPES
