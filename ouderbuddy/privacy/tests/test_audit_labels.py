"""Issue 10, item 4: the append-only audit log names no person, and the rows written
before the fix are rewritten by a migration (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from ouderbuddy.intake import services as intake_services
from ouderbuddy.matching import services as matching_services
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.privacy.services import audit_label, record_event

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "ouderbuddy.privacy.migrations.0004_audit_labels_without_names"
)


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def audit_text() -> str:
    """Everything the audit log holds, as one text."""
    return "\n".join(
        f"{e.verb} {e.target_type} {e.target_id} {e.target_label} {json.dumps(e.data)}"
        for e in AuditEvent.objects.all()
    )


def test_a_referral_is_logged_without_the_parents_name(cora):
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = intake_services.submit_professional_referral(
            organisation=cora.organisation,
            referrer_name="Karin Smit",
            referrer_organisation="Wijkteam Oost",
            referrer_role="Wijkcoach",
            referrer_email="karin@wijkteam.test",
            parent_name="Petra de Vries",
            parent_email="petra@example.nl",
            reason="Zoon zit thuis.",
            parent_agreed=True,
        )
    event = AuditEvent.objects.get(verb="referral.create")
    assert event.target_id == str(referral.pk)
    assert event.target_label == f"Verwijzing door professional {str(referral.pk)[:8]}"
    text = audit_text()
    for personal in ("Petra", "Vries", "petra@", "Karin", "karin@", "Wijkteam"):
        assert personal not in text


def test_a_whole_match_leaves_no_name_in_the_log(cora):
    bea = matchable_buddy(cora.organisation, "Beatrix Bakker")
    request = waiting_request(cora, full_name="Sanne Jansen", child_name="Noor")
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = matching_services.propose(
            actor=cora, request=request, buddy=bea, reason="Zelfde ervaring"
        )
    labels = set(AuditEvent.objects.values_list("target_label", flat=True))
    assert request.reference in labels
    assert f"Koppeling {str(match.pk)[:8]} ({request.reference})" in labels
    assert audit_label(bea) == f"Buddy {str(bea.pk)[:8]}"
    text = audit_text()
    for personal in ("Beatrix", "Bakker", "Sanne", "Jansen", "Noor", "@"):
        assert personal not in text


def test_people_and_memberships_are_named_by_kind_and_id(cora, ben):
    user_event = record_event(actor=cora, organisation=None, verb="x", target=cora.user)
    membership_event = record_event(
        actor=cora, organisation=cora.organisation, verb="x", target=ben
    )
    assert user_event.target_label == f"Persoon {str(cora.user.pk)[:8]}"
    assert membership_event.target_label.startswith("Lidmaatschap ") or (
        membership_event.target_label.split()[-1] == str(ben.pk)[:8]
    )
    assert ben.user.email not in membership_event.target_label
    assert cora.user.full_name not in user_event.target_label


def test_non_personal_records_keep_their_name(cora):
    event = record_event(
        actor=cora, organisation=cora.organisation, verb="x", target=cora.organisation
    )
    assert event.target_label == cora.organisation.name


def old_row(**fields):
    """A row as record_event wrote it before the fix (str(target) as its label)."""
    return AuditEvent.objects.create(verb="old", **fields)


class Editor:
    """What RunPython passes in, inside this test's own transaction (SQLite cannot
    open a real schema editor there); the real `migrate` run is tested below."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def run_migration():
    migration.forwards(django_apps, Editor())


def test_the_migration_rewrites_old_rows_and_keeps_the_log_append_only(cora):
    referral = old_row(
        target_type="intake.professionalreferral",
        target_id="0b6f2f3e-1111-4222-8333-444455556666",
        target_label="Wijkteam Oost → Petra de Vries",
    )
    buddy = old_row(
        target_type="buddies.buddy",
        target_id="aa11bb22-0000-4000-8000-000000000000",
        target_label="Beatrix Bakker",
    )
    match = old_row(
        target_type="matching.match",
        target_id="cc33dd44-0000-4000-8000-000000000000",
        target_label="HV-S4F5MT – Beatrix Bakker",
    )
    member = old_row(
        target_type="organisations.membership",
        target_id="ee55ff66-0000-4000-8000-000000000000",
        target_label="ben@buddy.test (Buddy) · Steunpunt Noord",
    )
    request = old_row(
        target_type="intake.helprequest",
        target_id="11223344-0000-4000-8000-000000000000",
        target_label="HV-S4F5MT",
    )
    organisation = old_row(
        target_type="organisations.organisation",
        target_id=str(cora.organisation.pk),
        target_label="Steunpunt Noord",
    )
    gone = old_row(
        target_type="vanished.model",
        target_id="99",
        target_label="Iemand Anders",
    )
    run_migration()
    labels = {row.pk: row.target_label for row in AuditEvent.objects.filter(verb="old")}
    assert labels == {
        referral.pk: "Verwijzing door professional 0b6f2f3e",
        buddy.pk: "Buddy aa11bb22",
        match.pk: "Koppeling cc33dd44 (HV-S4F5MT)",
        member.pk: "Lidmaatschap ee55ff66",
        request.pk: "HV-S4F5MT",
        organisation.pk: "Steunpunt Noord",
        gone.pk: "vanished.model 99",
    }
    # The trigger is back: the database refuses an update again.
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET verb = %s WHERE id = %s",  # noqa: S608 - fixed table name
            ["x", buddy.pk.hex if connection.vendor == "sqlite" else buddy.pk],
        )
    # Running it again changes nothing.
    run_migration()
    assert AuditEvent.objects.get(pk=buddy.pk).target_label == "Buddy aa11bb22"


def test_new_rows_match_what_the_migration_writes(cora):
    bea = matchable_buddy(cora.organisation, "Beatrix Bakker")
    new = record_event(actor=cora, organisation=cora.organisation, verb="x", target=bea)
    assert (
        migration.new_label(django_apps, "buddies.buddy", str(bea.pk), "Beatrix Bakker")
        == new.target_label
    )
    assert migration.new_label(
        django_apps, "organisations.membership", str(cora.pk), "cora@x (Coördinator)"
    ) == audit_label(cora)


# A flush without serialized_rollback runs post_migrate again (new content type
# ids), after which the serialized rollback of the concurrency tests fails.
@pytest.mark.django_db(
    transaction=True, serialized_rollback=connection.vendor == "postgresql"
)
def test_migrate_itself_rewrites_an_old_row():
    from django.core.management import call_command

    call_command("migrate", "privacy", "0003", verbosity=0)
    row = old_row(
        target_type="buddies.buddy",
        target_id="aa11bb22-0000-4000-8000-000000000000",
        target_label="Beatrix Bakker",
    )
    call_command("migrate", "privacy", verbosity=0)
    assert AuditEvent.objects.get(pk=row.pk).target_label == "Buddy aa11bb22"
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_auditevent SET verb = %s",  # fixed SQL, no input
            ["x"],
        )
