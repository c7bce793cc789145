"""The team page: access rules, inviting, revoking, stopping access."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ouderbuddy.accounts.models import Invitation
from ouderbuddy.organisations.models import Membership

TEAM = "/organisatie/team/"


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self):
        response = Client().get(TEAM)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_buddy_and_manager_get_403(self, ben_client, mia_client):
        assert ben_client.get(TEAM).status_code == 403
        assert mia_client.get(TEAM).status_code == 403

    def test_wrong_method_is_405(self, cora_client, ben):
        assert cora_client.put(TEAM).status_code == 405
        url = reverse("organisations:deactivate_membership", args=[ben.pk])
        assert cora_client.get(url).status_code == 405

    def test_olga_gets_404_for_noord_members_and_invitations(
        self, olga_client, ben, cora
    ):
        url = reverse("organisations:deactivate_membership", args=[ben.pk])
        assert olga_client.post(url).status_code == 404
        invitation = Invitation.objects.filter(organisation=cora.organisation).first()
        url = reverse("organisations:revoke_invitation", args=[invitation.pk])
        assert olga_client.post(url).status_code == 404
        ben.refresh_from_db()
        assert ben.is_active

    def test_coordinator_sees_own_team_only(self, cora_client, ben, olga):
        body = cora_client.get(TEAM).content.decode()
        assert ben.user.email in body
        assert olga.user.email not in body


@pytest.mark.django_db
def test_invite_through_the_page(cora_client, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = cora_client.post(
            TEAM,
            {
                "full_name": "Fatima El Amrani",
                "email": "fatima@noord.test",
                "role": "buddy",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(email="fatima@noord.test").exists()


@pytest.mark.django_db
def test_bad_invite_input_shows_errors_and_saves_nothing(cora_client):
    response = cora_client.post(
        TEAM, {"full_name": "x" * 151, "email": "geen-adres", "role": "baas"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er is iets niet goed ingevuld" in body
    assert 'aria-invalid="true"' in body
    assert not Invitation.objects.filter(full_name__startswith="xxx").exists()


@pytest.mark.django_db
def test_deactivate_and_reactivate(cora_client, ben):
    cora_client.post(reverse("organisations:deactivate_membership", args=[ben.pk]))
    ben.refresh_from_db()
    assert not ben.is_active
    # Ben no longer acts for Noord.
    from conftest import signed_in_client

    assert signed_in_client(ben.user, verified=False).get("/start/").status_code == 200
    cora_client.post(reverse("organisations:reactivate_membership", args=[ben.pk]))
    ben.refresh_from_db()
    assert ben.is_active


@pytest.mark.django_db
def test_each_member_has_the_button_of_their_access(cora_client, ben, mia, settings):
    mia.user.full_name = "Mia <de> Manager"
    mia.user.save()
    cora_client.post(reverse("organisations:deactivate_membership", args=[ben.pk]))
    body = cora_client.get(TEAM).content.decode()
    stop = reverse("organisations:deactivate_membership", args=[mia.pk])
    restore = reverse("organisations:reactivate_membership", args=[ben.pk])
    assert f'action="{stop}"' in body
    assert "Toegang van Mia &lt;de&gt; Manager stoppen</button>" in body
    assert f'action="{restore}"' in body
    assert f"{ben.user.full_name} weer toegang geven</button>" in body
    cora_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = cora_client.get(TEAM).content.decode()
    assert "Stop access for Mia &lt;de&gt; Manager</button>" in body


@pytest.mark.django_db
def test_coordinator_cannot_stop_herself(cora_client, cora):
    response = cora_client.post(
        reverse("organisations:deactivate_membership", args=[cora.pk]), follow=True
    )
    assert "U kunt uzelf niet uitschakelen" in response.content.decode()
    assert Membership.objects.get(pk=cora.pk).is_active


@pytest.mark.django_db
def test_the_network_admin_is_not_listed_as_a_member_of_the_team(
    cora_client, nina, ben
):
    body = cora_client.get(TEAM).content.decode()
    assert ben.user.email in body
    assert nina.user.email not in body
    assert "Nina Netwerk" not in body
    # Nor can the coordinator stop the network admin's access from here.
    url = reverse("organisations:deactivate_membership", args=[nina.pk])
    assert cora_client.post(url).status_code == 404
    nina.refresh_from_db()
    assert nina.is_active


@pytest.mark.django_db
def test_the_team_does_not_become_an_organisation_switch(cora_client, ben, mia):
    # The page's member list once took the place of the person's own memberships:
    # the footer offered "U werkt nu voor" with the organisation once per member, at
    # one organisation query per member.
    body = cora_client.get(TEAM).content.decode()
    assert "U werkt nu voor" not in body
    assert ben.user.full_name in body and "Ouderbuddy" in body


@pytest.mark.django_db
def test_the_team_page_takes_the_same_queries_for_more_members(cora, cora_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import invite_and_accept
    from ouderbuddy.organisations.models import Role

    cora_client.get(TEAM)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert cora_client.get(TEAM).status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        invite_and_accept(cora, f"lid{n}@noord.test", f"Lid {n}", Role.BUDDY)
    assert count() == few


def test_the_team_is_shown_page_by_page(cora, cora_client):
    from ouderbuddy.accounts.models import User
    from ouderbuddy.lib.views import PER_PAGE
    from ouderbuddy.organisations.models import Role

    for n in range(PER_PAGE + 3):
        user = User.objects.create(
            email=f"lid{n:02d}@noord.test", full_name=f"Lid {n:02d}"
        )
        Membership.objects.create(
            organisation=cora.organisation, user=user, role=Role.BUDDY
        )
    first = cora_client.get(TEAM).content.decode()
    second = cora_client.get(TEAM + "?pagina=2").content.decode()
    everyone = Membership.objects.filter(organisation=cora.organisation).count()
    shown = [f"lid{n:02d}@noord.test" for n in range(PER_PAGE + 3)]
    on_first = [email for email in shown if email in first]
    on_second = [email for email in shown if email in second]
    assert "Pagina 1 van 2" in first and "Pagina 2 van 2" in second
    assert not set(on_first) & set(on_second)
    assert len(on_first) + len(on_second) == len(shown)
    assert first.count("utrecht-table__row") - 1 == PER_PAGE  # rows besides the head
    assert everyone > PER_PAGE
    # Nonsense page numbers show a page, never an error.
    assert cora_client.get(TEAM + "?pagina=abc").status_code == 200
    assert cora_client.get(TEAM + "?pagina=999").status_code == 200
