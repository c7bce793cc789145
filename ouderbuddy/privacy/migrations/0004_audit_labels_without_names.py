"""Audit rows written before issue 10 named people ("Wijkteam Oost → Petra de Vries",
a buddy's or user's name, an e-mail address). The log is append-only, so a parent's
erasure never reaches it: this rewrites each such label into the non-personal
reference record_event now stores (privacy.services.audit_label).

The table refuses UPDATE through a database trigger (0002). The migration runs in one
transaction on SQLite and PostgreSQL: the trigger is dropped (SQLite) or disabled
(PostgreSQL) for the rewrite and back before the commit, so a failure leaves both the
rows and the trigger as they were, and no other write can slip in meanwhile (SQLite
holds the database lock; PostgreSQL's ALTER TABLE holds the table lock).
"""

import re

from django.db import migrations

# Kept in this file, not imported: a migration must keep doing what it did.
NON_PERSONAL_LABELS = {
    "organisations.organisation",
    "intake.referraltarget",
    "intake.organisationreferraltarget",
    "taxonomy.experiencecode",
    "training.course",
    "training.session",
    "regions.municipality",
    "regions.cooperationdistrict",
    "regions.postcodearea",
}
REFERENCE = re.compile(r"^(HV-[A-Z0-9]+)\b")

SQLITE_DROP = "DROP TRIGGER IF EXISTS privacy_auditevent_no_update;"
SQLITE_CREATE = """
CREATE TRIGGER privacy_auditevent_no_update
BEFORE UPDATE ON privacy_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
POSTGRES_DISABLE = (
    "ALTER TABLE privacy_auditevent DISABLE TRIGGER privacy_auditevent_no_update;"
)
POSTGRES_ENABLE = (
    "ALTER TABLE privacy_auditevent ENABLE TRIGGER privacy_auditevent_no_update;"
)


def _short(target_id):
    return str(target_id).replace("-", "")[:8]


def _verbose_name(apps, target_type):
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return ""
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def new_label(apps, target_type, target_id, old_label):
    """The label record_event would write today, from what the row already holds."""
    if not target_type or target_type in NON_PERSONAL_LABELS:
        return old_label
    if target_type == "intake.helprequest":
        found = REFERENCE.match(old_label or "")
        return found.group(1) if found else _short(target_id)
    if target_type == "buddies.buddy":
        return f"Buddy {_short(target_id)}"
    if target_type == "matching.match":
        label = f"Koppeling {_short(target_id)}"
        found = REFERENCE.match(old_label or "")
        return f"{label} ({found.group(1)})" if found else label
    name = _verbose_name(apps, target_type) or target_type
    return f"{name} {_short(target_id)}"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, target_type, target_id, target_label FROM privacy_auditevent"
        )
        changes = []
        for row_id, target_type, target_id, old_label in cursor.fetchall():
            label = new_label(apps, target_type, target_id, old_label)[:200]
            if label != old_label:
                changes.append((label, row_id))
    if not changes:
        return
    vendor = connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DISABLE)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE privacy_auditevent SET target_label = %s WHERE id = %s", changes
        )
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_ENABLE)


class Migration(migrations.Migration):
    # Every app whose models can be an audit target comes first, so their names are
    # known (a missing one falls back to its type).
    dependencies = [
        ("privacy", "0003_consent"),
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
        ("buddies", "0001_initial"),
        ("training", "0001_initial"),
        ("intake", "0001_initial"),
        ("matching", "0001_initial"),
        ("casework", "0001_initial"),
    ]

    # The names are gone on purpose: nothing to undo.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
