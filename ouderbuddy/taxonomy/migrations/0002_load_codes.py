"""Load the first version of the experience taxonomy from data/experience_codes.csv."""

import datetime

from django.db import migrations

from ouderbuddy.taxonomy.loader import load_codes

# The codes of this first version all count as introduced on the same day, so every
# installation agrees on it, whenever it runs this migration.
FIRST_VERSION = datetime.date(2026, 11, 22)


def load(apps, schema_editor):
    load_codes(apps, introduced=FIRST_VERSION, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [
        # Going back leaves the rows; unapplying 0001 drops the table anyway.
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
