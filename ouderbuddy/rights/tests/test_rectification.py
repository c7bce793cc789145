"""Rectification on request: the coordinator corrects a parent's or a buddy's
details; the audit line names the fields, not the values; bad input saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.privacy.models import AuditEvent, RightRequest

pytestmark = pytest.mark.django_db


def _parent_url(request):
    return reverse("privacy:correct_parent", kwargs={"request_id": request.pk})


def _values(**changes):
    values = {
        "full_name": "Sanne Jansen",
        "email": "sanne@example.nl",
        "phone": "",
        "child_name": "Noor",
        "child_birth_year": "2015",
        "child_grade": "groep 6",
        "school_name": "",
    }
    values.update(changes)
    return values


def test_a_parents_details_are_corrected_and_only_the_fields_are_logged(
    cora_client, noord
):
    request = submit(noord)
    page = cora_client.get(_parent_url(request))
    assert page.status_code == 200 and 'value="Sanne Jansen"' in page.content.decode()
    done = cora_client.post(
        _parent_url(request), _values(full_name="Sanne de Jong", phone="06 12345678")
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.full_name == "Sanne de Jong" and request.phone == "06 12345678"
    event = AuditEvent.objects.get(verb="privacy.rectification")
    assert event.data == {"fields": ["full_name", "phone"]}
    assert "Sanne" not in str(event.data) and "Sanne" not in event.target_label
    assert RightRequest.objects.get().kind == "rectification"


@pytest.mark.parametrize(
    "bad",
    [
        {"email": "sanne@"},
        {"phone": "bel me"},
        {"full_name": ""},
        {"full_name": "x" * 151},
        {"child_birth_year": "twintig"},
        {"child_name": "Noor\x00"},
    ],
)
def test_bad_input_saves_nothing(cora_client, noord, bad):
    request = submit(noord)
    refused = cora_client.post(_parent_url(request), _values(**bad))
    assert refused.status_code == 400
    request.refresh_from_db()
    assert request.full_name == "Sanne Jansen" and request.email == "sanne@example.nl"
    assert not AuditEvent.objects.filter(verb="privacy.rectification").exists()


def test_nothing_changed_is_said(cora_client, noord):
    request = submit(noord)
    same = cora_client.post(_parent_url(request), _values())
    assert same.status_code == 400
    assert "niets veranderd" in same.content.decode()


def test_a_buddys_details_and_account_are_corrected(cora_client, noord):
    buddy = matchable_buddy(noord)
    url = reverse("privacy:correct_buddy", kwargs={"buddy_id": buddy.pk})
    done = cora_client.post(
        url, {"full_name": "Bea de Buddy", "email": "bea.nieuw@buddy.test", "phone": ""}
    )
    assert done.status_code == 302
    buddy.refresh_from_db()
    buddy.user.refresh_from_db()
    assert buddy.full_name == "Bea de Buddy"
    assert buddy.user.email == "bea.nieuw@buddy.test"


def test_a_buddy_cannot_take_another_accounts_address(cora, cora_client, noord):
    buddy = matchable_buddy(noord)
    url = reverse("privacy:correct_buddy", kwargs={"buddy_id": buddy.pk})
    taken = cora_client.post(
        url, {"full_name": buddy.full_name, "email": cora.user.email, "phone": ""}
    )
    assert taken.status_code == 400
    assert "ander account" in taken.content.decode()
    buddy.refresh_from_db()
    assert buddy.email != cora.user.email


def test_access(olga_client, ben_client, client, noord):
    request = submit(noord)
    buddy = matchable_buddy(noord)
    urls = [
        _parent_url(request),
        reverse("privacy:correct_buddy", kwargs={"buddy_id": buddy.pk}),
    ]
    for url in urls:
        assert olga_client.get(url).status_code == 404
        assert olga_client.post(url, _values()).status_code == 404
        assert ben_client.get(url).status_code == 403
        assert client.get(url).status_code == 302
    request.refresh_from_db()
    assert request.full_name == "Sanne Jansen"
