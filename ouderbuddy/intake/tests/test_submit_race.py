"""The parent's last step sent twice at the same moment gives one request, and both
submits end on the same confirmation (it was one 302 and one 500: the model's unique
check saw the other submit's row before the insert could)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ouderbuddy.intake import services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import request_data, submit
from ouderbuddy.intake.tests.test_public import CONSENTS, fill, step_url
from ouderbuddy.privacy.models import Consent

POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _clear_rate_limits(db) -> None:
    cache.clear()


# --- Deterministic, on both databases -----------------------------------------------


@pytest.mark.django_db
def test_the_other_submit_wins_between_the_check_and_the_insert(cora, monkeypatch):
    key = uuid.uuid4()
    first = submit(cora.organisation, key=key)
    # The second submit looked before the first one was stored.
    monkeypatch.setattr(services, "_already_submitted", _missing_once())
    second = submit(cora.organisation, key=key)
    assert second.pk == first.pk
    assert HelpRequest.objects.count() == 1
    assert Consent.objects.count() == 2  # processing and sharing, once


@pytest.mark.django_db
def test_a_reference_that_is_taken_already_is_drawn_again(cora, monkeypatch):
    taken = submit(cora.organisation).reference
    drawn = iter([taken, taken, "HV-NIEUW1"])
    monkeypatch.setattr(services, "_new_reference", lambda: next(drawn))
    second = submit(cora.organisation, email="ander@example.nl")
    assert second.reference == "HV-NIEUW1"
    assert HelpRequest.objects.count() == 2


def _missing_once():
    calls = {"n": 0}
    real = services._already_submitted

    def lookup(key):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(key)

    return lookup


# --- Two real submits at the same moment (PostgreSQL) -------------------------------


def _race(calls):
    start = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call):
        try:
            start.wait(timeout=10)
            results.append(call())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


concurrent = pytest.mark.skipif(
    not POSTGRESQL,
    reason="needs two concurrent transactions (PostgreSQL pass of make test)",
)
# Rows must be committed for the threads to see them; serialized_rollback puts the
# reference data (postcodes) back afterwards, asked for only where the test runs.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=POSTGRESQL)


@concurrent
@committed
def test_two_submits_at_the_same_moment_in_the_service(cora):
    for _round in range(3):
        key = uuid.uuid4()
        data = request_data(email=f"ouder-{uuid.uuid4().hex[:8]}@example.nl")

        def call(key=key, data=data):
            return services.create_help_request(
                organisation=cora.organisation, data=data, submission_key=key
            ).pk

        results = _race([call, call])
        assert len(set(results)) == 1
        assert HelpRequest.objects.filter(submission_key=key).count() == 1


@concurrent
@committed
def test_two_clicks_on_send_at_the_same_moment_end_on_one_confirmation(cora):
    cora.organisation.districts.set(["PO2707", "VO2708"])
    first = Client()
    fill(first, contact={"email": f"ouder-{uuid.uuid4().hex[:8]}@example.nl"})
    # The second click comes from the same browser: the same session and draft.
    second = Client()
    second.cookies = first.cookies

    def click(client):
        def send():
            response = client.post(step_url("controleren"), CONSENTS)
            return response.status_code, response.get("Location")

        return send

    results = _race([click(first), click(second)])
    assert results == [(302, reverse("intake:done"))] * 2
    assert HelpRequest.objects.count() == 1
    done = first.get(reverse("intake:done"))
    assert done.status_code == 200
    assert HelpRequest.objects.get().reference in done.content.decode()
