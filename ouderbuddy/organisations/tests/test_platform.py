"""The platform admin's pages: support points, their region, their first coordinator.
Accounts and organisations only, never case content."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, signed_in_client
from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.models import AuditEvent

LIST = "/platform/organisaties/"
NEW = "/platform/organisaties/nieuw/"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(
        "beheer@platform.test", PASSWORD, full_name="Piet Platform"
    )


@pytest.fixture
def admin_client(admin_user):
    return signed_in_client(admin_user)


def _detail(organisation: Organisation) -> str:
    return reverse("platform:organisation", args=[organisation.pk])


def _edit(organisation: Organisation) -> str:
    return reverse("platform:edit_organisation", args=[organisation.pk])


def test_the_urls():
    assert reverse("platform:organisations") == LIST
    assert reverse("platform:new_organisation") == NEW


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self, noord):
        for url in (LIST, NEW, _detail(noord), _edit(noord)):
            for method in ("get", "post"):
                response = getattr(Client(), method)(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:login"))

    def test_every_role_of_an_organisation_gets_403(
        self, cora_client, mia_client, ben_client, nina, olga_client, noord
    ):
        clients = [cora_client, mia_client, ben_client, olga_client]
        clients.append(signed_in_client(nina.user))
        for client in clients:
            for url in (LIST, NEW, _detail(noord), _edit(noord)):
                assert client.get(url).status_code == 403, url
            assert client.post(NEW, {"name": "Steunpunt X"}).status_code == 403
        assert not Organisation.objects.filter(name="Steunpunt X").exists()

    def test_platform_admin_without_the_second_step_gets_no_page(self, admin_user):
        client = signed_in_client(admin_user, verified=False)
        response = client.get(LIST)
        assert response.status_code in (302, 403)
        assert "Steunpunten" not in response.content.decode()

    def test_wrong_method_is_405(self, admin_client, noord):
        assert admin_client.post(LIST).status_code == 405
        assert admin_client.put(NEW).status_code == 405
        assert admin_client.delete(_detail(noord)).status_code == 405
        assert admin_client.patch(_edit(noord)).status_code == 405

    def test_unknown_organisation_is_404(self, admin_client):
        url = reverse("platform:organisation", args=[uuid.uuid4()])
        assert admin_client.get(url).status_code == 404
        url = reverse("platform:edit_organisation", args=[uuid.uuid4()])
        assert admin_client.post(url, {"name": "X"}).status_code == 404


@pytest.mark.django_db
def test_the_menu_leads_to_the_product_pages_not_the_django_admin(admin_client):
    response = admin_client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="{LIST}"' in body
    assert 'href="/platformbeheer/' not in body


@pytest.mark.django_db
def test_admin_creates_an_organisation_with_its_region_and_first_coordinator(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    response = admin_client.post(
        NEW,
        {
            "name": "Steunpunt West",
            "contact_email": "info@west.test",
            "districts": ["PO2601", "VO2601"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    west = Organisation.objects.get(name="Steunpunt West")
    assert response["Location"] == _detail(west)
    assert set(west.districts.values_list("pk", flat=True)) == {"PO2601", "VO2601"}
    assert AuditEvent.objects.filter(
        verb="organisation.create", actor=admin_user, organisation=west
    ).exists()
    # The postcodes of those SWVs now find the new support point.
    from ouderbuddy.organisations.selectors import organisations_serving

    assert west in organisations_serving("3511 AB")
    page = admin_client.get(_detail(west)).content.decode()
    assert "postcodegebied" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _detail(west), {"full_name": "Wim West", "email": "Wim@West.test"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=west)
    assert invitation.role == Role.COORDINATOR
    assert invitation.email == "wim@west.test"
    assert invitation.invited_by == admin_user
    [message] = mail.outbox
    assert message.to == ["wim@west.test"]
    token = re.search(r"/account/uitnodiging/([^/\s]+)/", message.body).group(1)
    accepted = account_services.accept_invitation(token=token, password=PASSWORD)
    assert accepted.membership.organisation == west
    assert accepted.membership.role == Role.COORDINATOR
    page = admin_client.get(_detail(west)).content.decode()
    assert "Wim West" in page


@pytest.mark.django_db
def test_admin_edits_name_region_and_deactivates(admin_client, admin_user, noord):
    response = admin_client.post(
        _edit(noord), {"name": "Steunpunt Noord-Holland", "districts": ["PO2707"]}
    )
    assert response.status_code == 302
    noord.refresh_from_db()
    assert noord.name == "Steunpunt Noord-Holland"
    assert noord.is_active is False
    assert list(noord.districts.values_list("pk", flat=True)) == ["PO2707"]
    event = AuditEvent.objects.get(verb="organisation.update")
    assert event.actor == admin_user
    assert event.data["districts"] == ["PO2707"]


@pytest.mark.django_db
def test_the_platform_admin_sees_accounts_but_no_case_content(admin_client, cora):
    from ouderbuddy.intake.tests.factories import submit

    help_request = submit(cora.organisation)
    body = admin_client.get(_detail(cora.organisation)).content.decode()
    assert cora.user.email in body
    assert help_request.reference not in body
    assert help_request.full_name not in body
    assert help_request.email not in body
    assert admin_client.get(
        reverse("intake:detail", args=[help_request.pk])
    ).status_code in (
        403,
        404,
    )


BAD_NEW = [
    ({"name": ""}, "name"),
    ({"name": "x" * 151}, "name"),
    ({"name": "Steunpunt Noord"}, "name"),  # taken
    ({"name": "Steunpunt Y", "contact_email": "geen adres"}, "contact_email"),
    ({"name": "Steunpunt Y", "districts": ["XX9999"]}, "districts"),
    ({"name": "Steunpunt Y", "districts": ["' OR 1=1 --"]}, "districts"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), BAD_NEW)
def test_bad_input_on_a_new_organisation_is_refused(admin_client, noord, data, field):
    before = Organisation.objects.count()
    response = admin_client.post(NEW, data)
    assert response.status_code == 400
    assert f"id_{field}" in response.content.decode()
    assert Organisation.objects.count() == before


BAD_INVITE = [
    {"full_name": "", "email": "a@b.test"},
    {"full_name": "Wim", "email": "geen adres"},
    {"full_name": "Wim", "email": ""},
    {"full_name": "x" * 151, "email": "a@b.test"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", BAD_INVITE)
def test_bad_invitation_is_refused(admin_client, noord, data):
    response = admin_client.post(_detail(noord), data)
    assert response.status_code == 400
    assert not Invitation.objects.filter(organisation=noord).exists()


@pytest.mark.django_db
def test_an_existing_member_or_open_invitation_is_not_invited_again(
    admin_client, cora, django_capture_on_commit_callbacks
):
    noord = cora.organisation
    response = admin_client.post(
        _detail(noord), {"full_name": "Cora", "email": cora.user.email}
    )
    assert response.status_code == 400
    assert "hoort al bij dit steunpunt" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_detail(noord), {"full_name": "Kees", "email": "kees@n.test"})
    response = admin_client.post(
        _detail(noord), {"full_name": "Kees", "email": "kees@n.test"}
    )
    assert response.status_code == 400
    assert Invitation.objects.filter(email="kees@n.test").count() == 1


@pytest.mark.django_db
def test_the_service_refuses_someone_who_is_not_platform_admin(cora, noord):
    from ouderbuddy.lib.errors import DomainError
    from ouderbuddy.organisations import services

    with pytest.raises(DomainError):
        services.create_organisation(admin=cora.user, name="Steunpunt Z")
    with pytest.raises(DomainError):
        account_services.invite_coordinator(
            admin=cora.user, organisation=noord, email="x@y.test", full_name="X"
        )
    assert not Membership.objects.filter(user__email="x@y.test").exists()


@pytest.mark.django_db
def test_the_header_does_not_show_the_admin_as_acting_in_the_support_point(
    admin_client, noord
):
    for url in (_detail(noord), _edit(noord)):
        body = admin_client.get(url).content.decode()
        assert "ob-brand__org" not in body, url
        assert "Steunpunt Noord" in body
