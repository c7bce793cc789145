"""What the search ranks, and a cheaper SQLite index.

`search_lead`: title, keywords, summary, the start of the text and the codes'
labels, which the ranking reads (the whole text is only matched). `search_key`: a
random integer that is the article's rowid in a new FTS5 table (0002's was keyed by
the article's UUID, so every match read that key back from the index). Changing the
table rebuilds it on SQLite, which drops its triggers: they are made again
(knowledge/fts.py). PostgreSQL's generated column needs nothing."""

import secrets

from django.db import migrations, models

import ouderbuddy.knowledge.models
from ouderbuddy.knowledge import engine, fts

LEAD_CHARACTERS = 600  # services.LEAD_CHARACTERS when this was written


def fill(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    for article in Article.objects.all():
        labels = " ".join(
            article.codes.order_by("code").values_list("label_nl", flat=True)
        )
        article.search_lead = engine.document(
            article.title,
            article.keywords,
            article.summary,
            article.body_text[:LEAD_CHARACTERS],
            labels,
        )
        article.search_key = secrets.randbits(62) + 1
        article.save(update_fields=["search_lead", "search_key"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_lead",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_key",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="search_key",
            field=models.BigIntegerField(
                default=ouderbuddy.knowledge.models.new_search_key,
                editable=False,
                unique=True,
            ),
        ),
        migrations.RunPython(
            fts.run(
                {"sqlite": fts.SQLITE_TABLE + fts.SQLITE_TRIGGERS + fts.SQLITE_INDEX}
            ),
            migrations.RunPython.noop,
        ),
    ]
