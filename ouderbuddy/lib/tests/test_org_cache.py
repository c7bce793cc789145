"""Cached per-organisation results: kept while the data is unchanged, dropped by any
write to that organisation's rows (and only that organisation's)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib import org_cache
from ouderbuddy.privacy.services import record_event


def counting():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


@pytest.mark.django_db
def test_a_result_is_kept_until_the_organisation_changes(
    noord, zuid, cora, django_capture_on_commit_callbacks
):
    org_cache._dirty().clear()  # as if the fixtures' transaction had committed
    calls, compute = counting()
    assert org_cache.remember(noord.pk, "t", compute) == 1
    assert org_cache.remember(noord.pk, "t", compute) == 1
    # Another organisation's change, or a read audit event, keeps it.
    submit(zuid)
    record_event(actor=cora, organisation=noord, verb="test.read", target=cora)
    assert org_cache.remember(noord.pk, "t", compute) == 1
    # A new help request of this organisation drops it.
    submit(noord)
    assert org_cache.remember(noord.pk, "t", compute) == 2
    # So does a change to the organisation itself (its settings feed the panels).
    with django_capture_on_commit_callbacks(execute=True):
        noord.request_wait_target_days += 1
        noord.save()
    assert org_cache.remember(noord.pk, "t", compute) == 3
    assert org_cache.remember(noord.pk, "t", compute) == 3
    assert len(calls) == 3


@pytest.mark.django_db
def test_until_its_commit_a_transaction_that_changed_the_data_reads_past_the_cache(
    noord, django_capture_on_commit_callbacks
):
    org_cache._dirty().clear()
    _calls, compute = counting()
    org_cache.remember(noord.pk, "t", compute)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        noord.request_wait_target_days += 1
        noord.save()
        # The change is not committed: this connection computes afresh, every time.
        assert org_cache.remember(noord.pk, "t", compute) == 2
        assert org_cache.remember(noord.pk, "t", compute) == 3
    assert len(pending) == 1  # one renewal for the organisation, however many writes
    for callback in pending:
        callback()
    assert org_cache.remember(noord.pk, "t", compute) == 4
    assert org_cache.remember(noord.pk, "t", compute) == 4


@pytest.mark.django_db
def test_results_differ_per_language_and_per_vary(noord):
    org_cache._dirty().clear()
    calls, compute = counting()
    org_cache.remember(noord.pk, "t", compute, vary="a")
    org_cache.remember(noord.pk, "t", compute, vary="b")
    with translation.override("en"):
        org_cache.remember(noord.pk, "t", compute, vary="a")
    assert len(calls) == 3


@pytest.mark.django_db
def test_the_start_page_shows_a_new_request_at_once(noord, cora_client):
    org_cache._dirty().clear()
    url = reverse("dashboard:start")
    assert "Er zijn geen nieuwe hulpvragen." in cora_client.get(url).content.decode()
    cached = cora_client.get(url).content.decode()  # from the cache now
    assert "Er zijn geen nieuwe hulpvragen." in cached
    request = submit(noord, child_name="Jip")
    page = cora_client.get(url).content.decode()
    assert request.reference in page
    assert "Er zijn geen nieuwe hulpvragen." not in page
