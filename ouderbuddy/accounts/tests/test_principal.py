"""The reads of every signed-in request: the same user, device and memberships as the
ORM gives, in fewer and cheaper statements, and nothing more let through."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import add_totp, make_organisation, signed_in_client
from ouderbuddy.accounts import principal
from ouderbuddy.accounts.models import User
from ouderbuddy.lib.sessions import SessionStore
from ouderbuddy.organisations.models import Membership, Role


def _values(instance):
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


@pytest.mark.django_db
def test_user_by_id_is_the_orm_user_with_whether_it_has_a_device(cora):
    user = principal.user_by_id(cora.user_id)
    assert _values(user) == _values(User.objects.get(pk=cora.user_id))
    assert getattr(user, principal.HAS_DEVICE) is False
    add_totp(cora.user)
    assert (
        getattr(principal.user_by_id(str(cora.user_id)), principal.HAS_DEVICE) is True
    )


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", ["", "geen-uuid", "12345", None])
def test_a_malformed_or_unknown_id_is_nobody(user_id):
    assert principal.user_by_id(user_id) is None


@pytest.mark.django_db
def test_an_unconfirmed_device_does_not_count(cora):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=cora.user, name="half", confirmed=False)
    assert getattr(principal.user_by_id(cora.user_id), principal.HAS_DEVICE) is False


@pytest.mark.django_db
def test_memberships_equal_the_orm_and_skip_inactive(cora, olga):
    zuid = olga.organisation
    second = Membership.objects.create(
        organisation=zuid, user=cora.user, role=Role.BUDDY
    )
    closed = make_organisation("Gesloten steunpunt")
    closed.is_active = False
    closed.save()
    Membership.objects.create(organisation=closed, user=cora.user, role=Role.BUDDY)
    gone = make_organisation("Oud steunpunt")
    Membership.objects.create(
        organisation=gone, user=cora.user, role=Role.BUDDY, is_active=False
    )
    ours = principal.memberships_of(cora.user)
    orm = list(
        Membership.objects.filter(
            user=cora.user, is_active=True, organisation__is_active=True
        ).order_by("created_at")
    )
    assert [m.pk for m in ours] == [m.pk for m in orm] == [cora.pk, second.pk]
    assert [_values(m) for m in ours] == [_values(m) for m in orm]
    assert [_values(m.organisation) for m in ours] == [
        _values(m.organisation) for m in orm
    ]
    with CaptureQueriesContext(connection) as queries:
        assert ours[1].organisation.name == zuid.name
        assert ours[0].user is cora.user
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_an_inactive_user_has_no_memberships(cora):
    cora.user.is_active = False
    assert principal.memberships_of(cora.user) == []


@pytest.mark.django_db
def test_the_session_store_reads_the_row_and_its_expiry():
    store = SessionStore()
    store["x"] = 1
    store.create()
    again = SessionStore(store.session_key)
    assert again["x"] == 1
    row = Session.objects.get(session_key=store.session_key)
    assert again.loaded_expiry == row.expire_date


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_empty():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("x") is None and expired.session_key is None
    unknown = SessionStore("z" * 32)
    assert unknown.get("x") is None and unknown.loaded_expiry is None


@pytest.mark.django_db
def test_a_signed_in_page_runs_the_fixed_reads(cora):
    client = signed_in_client(cora.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:start"))
    assert response.status_code == 200
    assert response.wsgi_request.user == cora.user
    assert response.wsgi_request.user.is_verified()
    assert response.wsgi_request.membership == cora
    sql = [q["sql"] for q in queries.captured_queries]
    assert 'FROM "django_session" "s"' in sql[0]
    assert getattr(response.wsgi_request.user, principal.HAS_DEVICE) is True


@pytest.mark.django_db
def test_a_device_of_someone_else_does_not_verify(cora, olga):
    client = signed_in_client(cora.user)
    other = add_totp(olga.user)
    session = client.session
    session["otp_device_id"] = other.persistent_id
    session.save()
    response = client.get(reverse("dashboard:start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out(cora):
    client = signed_in_client(cora.user)
    User.objects.filter(pk=cora.user_id).update(is_active=False)
    response = client.get(reverse("dashboard:start"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
