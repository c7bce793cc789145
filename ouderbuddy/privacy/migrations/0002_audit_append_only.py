"""A database trigger refuses every UPDATE of an audit event, on SQLite and PostgreSQL.

DELETE is refused by the ORM only: test databases are emptied with DELETE (SQLite) or
TRUNCATE (PostgreSQL), and a future retention purge must be able to drop old rows.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER privacy_auditevent_no_update
BEFORE UPDATE ON privacy_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS privacy_auditevent_no_update;"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION privacy_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_auditevent_no_update
BEFORE UPDATE ON privacy_auditevent
FOR EACH ROW EXECUTE FUNCTION privacy_auditevent_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS privacy_auditevent_no_update ON privacy_auditevent;
DROP FUNCTION IF EXISTS privacy_auditevent_refuse_update();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
