"""The audit log is append-only and records reads of sensitive records."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.privacy.services import record_event, record_read


@pytest.mark.django_db
def test_record_event_keeps_who_when_where_what(cora, ben):
    event = record_event(
        actor=cora, organisation=cora.organisation, verb="x.test", target=ben
    )
    assert event.actor == cora.user
    assert event.organisation == cora.organisation
    assert event.target_type == "organisations.membership"
    assert event.target_id == str(ben.pk)
    assert event.at is not None


@pytest.mark.django_db
def test_record_read_uses_the_target_organisation(cora, ben):
    event = record_read(actor=cora, target=ben)
    assert event.verb == "read"
    assert event.organisation_id == ben.organisation_id


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_orm(cora, ben):
    event = record_read(actor=cora, target=ben)
    event.verb = "iets anders"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_the_database_refuses_updates_too(cora, ben):
    event = record_read(actor=cora, target=ben)
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET verb = %s WHERE id = %s",  # noqa: S608 - fixed table name
            ["x", event.pk.hex if connection.vendor == "sqlite" else event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).verb == "read"


@pytest.mark.django_db
def test_services_write_audit_events(cora, ben):
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    # Building Ben through the services left a trail.
    assert {"invitation.create", "invitation.accept"} <= verbs


@pytest.mark.django_db
class TestAuditLogPage:
    url = "/privacy/auditlog/"

    def test_access(self, client, ben_client, mia_client, cora_client):
        assert client.get(self.url)["Location"].startswith(reverse("accounts:login"))
        assert ben_client.get(self.url).status_code == 403
        assert mia_client.get(self.url).status_code == 403
        assert cora_client.post(self.url).status_code == 405
        assert cora_client.get(self.url).status_code == 200

    def test_shows_only_own_organisation(self, cora_client, olga_client, ben):
        assert (
            ">Uitnodiging aangenomen</td>" in cora_client.get(self.url).content.decode()
        )
        body = olga_client.get(self.url).content.decode()
        assert ">Uitnodiging aangenomen</td>" not in body
        assert "Er staat nog niets in het auditlog" in body

    def test_rows_show_when_who_what_in_local_time(self, cora_client, cora):
        import datetime as dt

        import time_machine

        # 08:05 UTC is 10:05 in Amsterdam (summer time).
        with time_machine.travel(dt.datetime(2054, 7, 1, 8, 5, tzinfo=dt.UTC)):
            record_event(
                actor=cora,
                organisation=cora.organisation_id,
                verb="test.verb",
                target=cora,
            )
        body = cora_client.get(self.url).content.decode()
        assert ">1 juli 2054 10:05</td>" in body
        assert f">{cora.user.full_name}</td>" in body
        # A verb without a label still reads as words, with its code.
        assert ">Andere handeling (test.verb)</td>" in body

    def test_bad_page_number_does_not_crash(self, cora_client):
        assert cora_client.get(self.url + "?pagina=abc").status_code == 200
        assert cora_client.get(self.url + "?pagina=99999").status_code == 200
