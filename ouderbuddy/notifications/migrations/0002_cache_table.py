"""The shared cache (settings.CACHES, DatabaseCache) needs its table. Creating it in a
migration means `migrate` alone gives a working app: no separate `createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Creates the table of every DatabaseCache in settings.CACHES that does not exist
    # yet; a table made earlier by `createcachetable` is left as it is.
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        # Nothing to undo: a cache table holds nothing that must be kept.
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
