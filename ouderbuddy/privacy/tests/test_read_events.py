"""Every coordinator view of a case, and every download of personal data, writes one
audit event (AVG: who read which case)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.support.tests.factories import km_claim, pays


def _reads(target) -> int:
    return AuditEvent.objects.filter(
        verb="read", target_type=target._meta.label_lower, target_id=str(target.pk)
    ).count()


@pytest.fixture
def match(cora):
    return active_match(cora)


@pytest.mark.django_db
class TestReads:
    def test_request_page(self, cora, cora_client, match):
        cora_client.get(reverse("intake:detail", args=[match.request_id]))
        event = AuditEvent.objects.get(verb="read", target_id=str(match.request_id))
        assert event.actor_id == cora.user_id
        assert event.target_label == match.request.reference

    def test_shortlist_and_comparison(self, cora, cora_client, noord):
        request = waiting_request(cora)
        first, second = matchable_buddy(noord, "Bea"), matchable_buddy(noord, "Bo")
        cora_client.get(reverse("matching:shortlist", args=[request.pk]))
        assert _reads(request) == 1
        response = cora_client.get(
            reverse("matching:compare", args=[request.pk]),
            {"buddy": [str(first.pk), str(second.pk)]},
        )
        assert response.status_code == 200
        assert _reads(request) == 2

    def test_match_page_with_its_contact_log(self, cora_client, match):
        assert _reads(match) == 0
        response = cora_client.get(reverse("matching:match", args=[match.pk]))
        assert response.status_code == 200
        assert _reads(match) == 1
        label = AuditEvent.objects.get(
            verb="read", target_id=str(match.pk)
        ).target_label
        assert label.endswith(f"({match.request.reference})")

    def test_buddy_page_with_the_screening(self, cora_client, noord):
        buddy = matchable_buddy(noord)
        body = cora_client.get(reverse("buddies:detail", args=[buddy.pk])).content
        assert "Screeningsgesprek en beoordeling" in body.decode()
        assert _reads(buddy) == 1

    def test_questionnaire_answers(self, cora_client, match):
        # The match's questionnaire page reads open answers only when there are
        # some (evaluation.selectors.match_rows); its view is reached and audited
        # through the same selector, tested in evaluation/tests.
        response = cora_client.get(reverse("evaluation:match", args=[match.pk]))
        assert response.status_code == 200

    def test_claim_page(self, cora, cora_client, noord):
        pays(cora)
        buddy = matchable_buddy(noord)
        claim = km_claim(buddy_membership(buddy))
        response = cora_client.get(reverse("support:claim", args=[claim.pk]))
        assert response.status_code == 200
        assert _reads(claim) == 1

    def test_a_failed_read_writes_nothing(self, olga_client, match):
        assert (
            olga_client.get(reverse("matching:match", args=[match.pk])).status_code
            == 404
        )
        assert _reads(match) == 0


@pytest.mark.django_db
class TestDownloads:
    @pytest.mark.parametrize(
        ("name", "verb"),
        [
            ("intake:export_requests", "request.export"),
            ("casework:export_closed", "match.export_closed"),
            ("support:month_csv", "support.expenses.export"),
            ("support:month_xlsx", "support.expenses.export"),
            ("privacy:audit_log_csv", "privacy.audit.export"),
            ("privacy:register_csv", "privacy.register.export"),
            ("privacy:register_md", "privacy.register.export"),
        ],
    )
    def test_each_download_is_one_audit_event(self, cora, cora_client, name, verb):
        response = cora_client.get(reverse(name))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        events = AuditEvent.objects.filter(verb=verb)
        assert events.count() == 1
        assert events.get().actor_id == cora.user_id
        assert events.get().organisation_id == cora.organisation_id

    def test_the_expenses_event_holds_no_content(self, cora_client):
        cora_client.get(reverse("support:month_csv"), {"maand": "2031-04"})
        event = AuditEvent.objects.get(verb="support.expenses.export")
        assert set(event.data) == {"month", "format"}
