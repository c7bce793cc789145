# A buddy's status history as codes (issue 10, item 11): rows stored as a known text
# (in Dutch or English) get its code and parameters; other rows keep their text.

from django.db import migrations, models


def to_codes(apps, schema_editor):
    from ouderbuddy.buddies.history import BUDDY_HISTORY
    from ouderbuddy.lib.history import code_stored_rows

    code_stored_rows(apps.get_model("buddies", "StatusChange"), BUDDY_HISTORY, "reason")


def to_text(apps, schema_editor):
    """Back: the Dutch text is in `reason` already."""


class Migration(migrations.Migration):
    dependencies = [("buddies", "0004_email_language")]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="soort"),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="gegevens"),
        ),
        migrations.RunPython(to_codes, to_text),
    ]
