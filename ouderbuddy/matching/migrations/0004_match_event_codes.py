# A match's history as codes (issue 10, item 11): rows stored as a known text (in
# Dutch or English) get its code and parameters; other rows keep their text.

from django.db import migrations, models


def to_codes(apps, schema_editor):
    from ouderbuddy.lib.history import code_stored_rows
    from ouderbuddy.matching.history import MATCH_HISTORY

    code_stored_rows(
        apps.get_model("matching", "MatchEvent"), MATCH_HISTORY, "description"
    )


def to_text(apps, schema_editor):
    """Back: the Dutch text is in `description` already."""


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_languages_and_gender_preference")]

    operations = [
        migrations.AddField(
            model_name="matchevent",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="soort"),
        ),
        migrations.AddField(
            model_name="matchevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="gegevens"),
        ),
        migrations.RunPython(to_codes, to_text),
    ]
