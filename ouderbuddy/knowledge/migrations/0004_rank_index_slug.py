"""SQLite's covering index of the search gets the slug, the ranking's tie-break
(knowledge/fts.py), so ties are broken without reading the article's row."""

from django.db import migrations

from ouderbuddy.knowledge import fts


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_search_lead")]

    operations = [
        migrations.RunPython(
            fts.run({"sqlite": fts.SQLITE_INDEX}), migrations.RunPython.noop
        )
    ]
