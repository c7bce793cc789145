"""Referral targets per organisation: seeded from the platform defaults, kept by the
coordinator on her own page, offered by the triage "refer" decision; the data
migration moves existing referrals onto the organisation's own copy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TestCase
from django.urls import reverse

from ouderbuddy.intake import services
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    ReferralTarget,
)
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "intake:referral_targets"


def _own(organisation, code="education_consultant") -> OrganisationReferralTarget:
    return OrganisationReferralTarget.objects.get(
        organisation=organisation, default_id=code
    )


def _new(**overrides):
    data = {
        "new-label_nl": "Wijkteam Oost",
        "new-label_en": "District team East",
        "new-contact": "020-123 45 67",
        "new-order": "5",
        "new-is_active": "on",
    }
    data.update(overrides)
    return data


class TestSeeding:
    def test_a_new_organisation_gets_its_own_copy_of_every_default(self, noord, zuid):
        defaults = ReferralTarget.objects.count()
        assert defaults >= 5
        for organisation in (noord, zuid):
            own = OrganisationReferralTarget.objects.filter(organisation=organisation)
            assert own.count() == defaults
        assert _own(noord).pk != _own(zuid).pk

    def test_seeding_again_adds_only_new_defaults(self, noord):
        from ouderbuddy.intake.services_targets import seed_referral_targets

        assert seed_referral_targets(noord) == 0
        ReferralTarget.objects.create(code="new_one", label_nl="Nieuw", label_en="New")
        assert seed_referral_targets(noord) == 1
        assert _own(noord, "new_one").label_nl == "Nieuw"


class TestAccess:
    def test_anonymous_goes_to_login(self, noord):
        login = reverse("accounts:login")
        for url in (
            reverse(LIST),
            reverse("intake:referral_target", args=[_own(noord).pk]),
        ):
            assert Client().get(url)["Location"].startswith(login)
            assert Client().post(url, _new())["Location"].startswith(login)

    def test_buddy_and_manager_get_403(self, ben_client, mia_client, noord):
        for client in (ben_client, mia_client):
            for url in (
                reverse(LIST),
                reverse("intake:referral_target", args=[_own(noord).pk]),
            ):
                assert client.get(url).status_code == 403
                assert client.post(url, _new()).status_code == 403
        assert not OrganisationReferralTarget.objects.filter(
            label_nl="Wijkteam Oost"
        ).exists()

    def test_wrong_method_is_405(self, cora_client, noord):
        for url in (
            reverse(LIST),
            reverse("intake:referral_target", args=[_own(noord).pk]),
        ):
            assert cora_client.put(url).status_code == 405
            assert cora_client.delete(url).status_code == 405

    def test_olga_sees_and_changes_only_her_own(self, olga_client, cora, noord):
        target = _own(noord)
        url = reverse("intake:referral_target", args=[target.pk])
        assert olga_client.get(url).status_code == 404
        data = {
            k.removeprefix("new-"): v
            for k, v in _new(**{"new-label_nl": "Gekaapt"}).items()
        }
        assert olga_client.post(url, data).status_code == 404
        target.refresh_from_db()
        assert target.label_nl == "Onderwijsconsulent"
        body = olga_client.get(reverse(LIST)).content.decode()
        assert str(target.pk) not in body

    def test_another_organisations_target_is_refused_in_the_referral(
        self, cora, cora_client, zuid
    ):
        noor = submit(cora.organisation)
        response = cora_client.post(
            reverse("intake:refer", args=[noor.pk]),
            {"refer-target": str(_own(zuid).pk), "refer-reason": "Omdat."},
        )
        assert response.status_code == 400
        assert "Kies een adres uit de lijst." in response.content.decode()
        noor.refresh_from_db()
        assert noor.referral_target_id is None


class TestManage:
    def test_add_change_and_switch_off(self, cora, cora_client):
        response = cora_client.post(reverse(LIST), _new())
        assert response.status_code == 302
        target = OrganisationReferralTarget.objects.get(label_nl="Wijkteam Oost")
        assert target.organisation_id == cora.organisation_id
        assert target.default_id is None
        assert AuditEvent.objects.filter(
            verb="referral_target.create", target_id=str(target.pk)
        ).exists()
        body = cora_client.get(reverse(LIST)).content.decode()
        assert "Wijkteam Oost" in body

        noor = submit(cora.organisation)
        detail = cora_client.get(
            reverse("intake:detail", args=[noor.pk])
        ).content.decode()
        assert "Wijkteam Oost (020-123 45 67)" in detail

        url = reverse("intake:referral_target", args=[target.pk])
        assert cora_client.get(url).status_code == 200
        data = {k.removeprefix("new-"): v for k, v in _new().items()}
        data.pop("is_active")
        data["contact"] = "wijkteam@oost.example"
        assert cora_client.post(url, data).status_code == 302
        target.refresh_from_db()
        assert not target.is_active and target.contact == "wijkteam@oost.example"
        detail = cora_client.get(
            reverse("intake:detail", args=[noor.pk])
        ).content.decode()
        assert "Wijkteam Oost" not in detail

    def test_a_switched_off_target_stays_on_an_earlier_referral(self, cora):
        noor = submit(cora.organisation)
        target = _own(cora.organisation)
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.decide_referral(
                actor=cora, request=noor, target=target, reason="Past."
            )
        OrganisationReferralTarget.objects.filter(pk=target.pk).update(is_active=False)
        noor.refresh_from_db()
        assert noor.referral_target.label_nl == "Onderwijsconsulent"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"new-label_nl": "  "}, "Vul de naam in."),
            ({"new-label_nl": "x" * 101}, "100"),
            ({"new-order": "abc"}, "Vul een getal in, bijvoorbeeld 10."),
            ({"new-order": "-1"}, "Vul een getal van 0 tot 999 in."),
            (
                {"new-label_nl": "onderwijsconsulent"},
                "Er is al een adres met deze naam.",
            ),
        ],
    )
    def test_bad_input_is_refused_in_dutch_and_saves_nothing(
        self, cora_client, data, message
    ):
        before = OrganisationReferralTarget.objects.count()
        response = cora_client.post(reverse(LIST), _new(**data))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert OrganisationReferralTarget.objects.count() == before
        assert mail.outbox == []


# A flush without serialized_rollback runs post_migrate again (new content type
# ids), after which the serialized rollback of the concurrency tests fails.
@pytest.mark.django_db(
    transaction=True, serialized_rollback=connection.vendor == "postgresql"
)
def test_the_migration_moves_existing_referrals_onto_the_organisations_copy():
    from django.core.management import call_command

    call_command("migrate", "intake", "0005", verbosity=0)
    old = (
        MigrationExecutor(connection)
        .loader.project_state(("intake", "0005_email_language"))
        .apps
    )
    Default = old.get_model("intake", "ReferralTarget")
    default, _ = Default.objects.get_or_create(
        code="education_consultant",
        defaults={"label_nl": "Onderwijsconsulent", "label_en": "Consultant"},
    )
    Municipality = old.get_model("regions", "Municipality")
    Postcode = old.get_model("regions", "PostcodeArea")
    town, _ = Municipality.objects.get_or_create(
        code="GM9990",
        defaults={"name": "Proefstad", "province_code": "PV99", "province": "Proef"},
    )
    postcode, _ = Postcode.objects.get_or_create(
        pc4="9990", defaults={"latitude": 52.0, "longitude": 5.0, "municipality": town}
    )
    # Today's model (the organisations app is not rolled back), without the signal
    # that would seed the not yet existing table.
    from ouderbuddy.organisations.models import Organisation

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=name) for name in ("Migratie Noord", "Migratie Zuid")]
    )
    Request = old.get_model("intake", "HelpRequest")
    referred = Request.objects.create(
        organisation_id=organisations[0].pk,
        reference="HV-MIGR01",
        asker="parent",
        full_name="Test",
        email="t@example.nl",
        child_name="K",
        question="",
        postcode=postcode,
        status="referred",
        referral_target=default,
    )

    call_command("migrate", "intake", verbosity=0)

    request = HelpRequest.objects.get(pk=referred.pk)
    assert request.referral_target.organisation_id == organisations[0].pk
    assert request.referral_target.default_id == "education_consultant"
    assert request.referral_target.label_nl == default.label_nl
    for organisation in organisations:
        own = OrganisationReferralTarget.objects.filter(organisation_id=organisation.pk)
        assert own.count() == Default.objects.count()
