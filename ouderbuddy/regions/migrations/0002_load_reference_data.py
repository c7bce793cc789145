"""Load gemeenten, SWVs and PC4 areas from the CSVs in ouderbuddy/regions/data/."""

from django.db import migrations

from ouderbuddy.regions.loader import load_reference_data


def load(apps, schema_editor):
    # Historical models, so this migration keeps working when the models change.
    load_reference_data(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        # Reversing leaves the rows: 0001's reverse drops the tables anyway.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
