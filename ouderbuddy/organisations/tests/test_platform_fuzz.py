"""Fuzzing the platform admin's forms and the settings form (run on PostgreSQL too):
no 500, and a refused post saves nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, signed_in_client
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.organisations.models import Organisation

CONTROL = ["\x00", "\x01", "\x1b", "\x7f", "\x85"]
nasty = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "x" * 5000, "9" * 40, "-1", "NaN", "٣", "1e309"]),
    st.builds(
        lambda a, c, b: a + c + b,
        st.text(max_size=8),
        st.sampled_from(CONTROL),
        st.text(max_size=8),
    ),
    st.sampled_from(["PO2601", "XX9999", "00000000-0000-0000-0000-000000000000"]),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _snapshot() -> tuple:
    return (
        list(
            Organisation.objects.order_by("pk").values_list(
                "pk",
                "name",
                "contact_email",
                "contact_phone",
                "is_active",
                "request_wait_target_days",
                "check_in_first_days",
                "email_signature",
            )
        ),
        Invitation.objects.count(),
    )


def _post(client, url: str, data: dict) -> int:
    sid = transaction.savepoint()
    try:
        before = _snapshot()
        response = client.post(url, data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert _snapshot() == before
        return response.status_code
    finally:
        transaction.savepoint_rollback(sid)


@pytest.fixture
def admin_client(db):
    admin = User.objects.create_superuser(
        "beheer@platform.test", PASSWORD, full_name="P"
    )
    return signed_in_client(admin)


@pytest.mark.django_db
@FUZZ
@given(
    name=nasty,
    email=nasty,
    districts=st.lists(nasty, max_size=3),
    active=st.sampled_from(["", "on", "\x00"]),
)
def test_new_and_edit_organisation(admin_client, noord, name, email, districts, active):
    data = {
        "name": name,
        "contact_email": email,
        "districts": districts,
        "is_active": active,
    }
    _post(admin_client, "/platform/organisaties/nieuw/", data)
    _post(admin_client, f"/platform/organisaties/{noord.pk}/wijzigen/", data)


@pytest.mark.django_db
@FUZZ
@given(name=nasty, email=nasty)
def test_invite_coordinator(admin_client, noord, name, email):
    _post(
        admin_client,
        f"/platform/organisaties/{noord.pk}/",
        {"full_name": name, "email": email},
    )


@pytest.mark.django_db
@FUZZ
@given(
    values=st.fixed_dictionaries(
        {
            "contact_email": nasty,
            "contact_phone": nasty,
            "website": nasty,
            "contact_hours": nasty,
            "request_wait_target_days": nasty,
            "check_in_first_days": nasty,
            "check_in_interval_months": nasty,
            "email_signature": nasty,
        }
    )
)
def test_settings(cora, values):
    _post(signed_in_client(cora.user), "/organisatie/instellingen/", values)
