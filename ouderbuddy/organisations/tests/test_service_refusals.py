"""The refusals of the membership and settings services, called directly (the team
and settings pages reach only some of them): another organisation's person, oneself,
a second switch-off or switch-on, someone who is no coordinator, an unknown setting.
Each refusal changes nothing and writes no audit event."""

from __future__ import annotations

import pytest

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations import services
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def _refused(call, match: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError, match=match):
        call()
    assert AuditEvent.objects.count() == events


def test_deactivate_refuses_another_organisations_person(cora, olga):
    _refused(
        lambda: services.deactivate_membership(actor=cora, membership=olga),
        "hoort niet bij uw organisatie",
    )
    olga.refresh_from_db()
    assert olga.is_active


def test_deactivate_refuses_oneself_and_a_second_time(cora, ben):
    _refused(
        lambda: services.deactivate_membership(actor=cora, membership=cora),
        "uzelf niet uitschakelen",
    )
    services.deactivate_membership(actor=cora, membership=ben)
    _refused(
        lambda: services.deactivate_membership(
            actor=cora, membership=Membership.objects.get(pk=ben.pk)
        ),
        "al uitgeschakeld",
    )


def test_reactivate_refuses_another_organisation_and_an_active_person(cora, ben, olga):
    olga.is_active = False
    olga.save(update_fields=["is_active"])
    _refused(
        lambda: services.reactivate_membership(actor=cora, membership=olga),
        "hoort niet bij uw organisatie",
    )
    _refused(
        lambda: services.reactivate_membership(actor=cora, membership=ben),
        "heeft al toegang",
    )


def test_settings_only_by_a_coordinator_of_the_organisation(cora, mia, olga):
    noord = cora.organisation
    for actor, organisation in ((mia, noord), (olga, noord), (cora, olga.organisation)):
        _refused(
            lambda actor=actor, organisation=organisation: services.update_settings(
                actor=actor, organisation=organisation, email_signature="Groet"
            ),
            "Alleen een coördinator",
        )
    assert Organisation.objects.get(pk=noord.pk).email_signature != "Groet"


def test_settings_refuse_a_field_that_is_no_setting(cora):
    with pytest.raises(ValueError, match="Not a setting"):
        services.update_settings(
            actor=cora, organisation=cora.organisation, name="Overgenomen"
        )
    assert Organisation.objects.get(pk=cora.organisation_id).name == "Steunpunt Noord"


def test_settings_unchanged_values_change_nothing_and_write_no_event(cora):
    current = cora.organisation.email_signature
    events = AuditEvent.objects.count()
    assert (
        services.update_settings(
            actor=cora, organisation=cora.organisation, email_signature=current
        )
        == []
    )
    assert AuditEvent.objects.count() == events
