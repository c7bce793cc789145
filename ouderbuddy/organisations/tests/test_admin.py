"""The platform admin's organisation form: bad input is an error at the field."""

from __future__ import annotations

import pytest

from conftest import signed_in_client
from ouderbuddy.accounts.models import User
from ouderbuddy.organisations.models import Membership
from tests.formdata import forms_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    admin = User.objects.create_superuser(
        "beheer@test.nl", "x" * 12, full_name="Beheer"
    )
    return signed_in_client(admin)


def _change_form(admin_client, organisation) -> tuple[str, dict]:
    url = f"/platformbeheer/organisations/organisation/{organisation.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    (form,) = [
        f
        for f in forms_of(page.content.decode())
        if "memberships-TOTAL_FORMS" in f.values
    ]
    data = form.data()
    data["contact_email"] = ["info@noord.test"]
    return url, data


@pytest.mark.parametrize("user", ["niet-een-uuid", "12345", "0" * 40])
def test_a_membership_user_that_is_no_uuid_is_refused_at_the_field(
    admin_client, cora, user
):
    url, data = _change_form(admin_client, cora.organisation)
    extra = data["memberships-INITIAL_FORMS"][0]  # the empty row after the others
    data[f"memberships-{extra}-user"] = user
    data[f"memberships-{extra}-role"] = "coordinator"
    data[f"memberships-{extra}-is_active"] = "on"
    before = Membership.objects.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "errorlist" in response.content.decode()
    assert Membership.objects.count() == before


def test_an_unknown_user_uuid_is_refused_too(admin_client, cora):
    url, data = _change_form(admin_client, cora.organisation)
    extra = data["memberships-INITIAL_FORMS"][0]
    data[f"memberships-{extra}-user"] = "00000000-0000-4000-8000-000000000000"
    data[f"memberships-{extra}-role"] = "coordinator"
    before = Membership.objects.count()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert Membership.objects.count() == before


def test_the_admin_refuses_control_characters_with_the_400_page(admin_client, cora):
    url, data = _change_form(admin_client, cora.organisation)
    for bad in ("Noord\x1b[31m", "Noord\x00", "Noord\x85"):
        response = admin_client.post(url, {**data, "name": bad})
        assert response.status_code == 400
    cora.organisation.refresh_from_db()
    assert cora.organisation.name == data["name"][0]


def test_the_admin_still_saves_a_good_form(admin_client, cora):
    url, data = _change_form(admin_client, cora.organisation)
    response = admin_client.post(url, {**data, "name": "Steunpunt Noord-West"})
    assert response.status_code == 302
    cora.organisation.refresh_from_db()
    assert cora.organisation.name == "Steunpunt Noord-West"
