# Request history as codes (issue 10, item 11): existing rows that match a known text
# (in Dutch or in English) get its code and parameters; other rows keep their text.

from django.db import migrations, models


def to_codes(apps, schema_editor):
    from django.utils import translation

    from ouderbuddy.intake.history import REQUEST_HISTORY

    Event = apps.get_model("intake", "RequestEvent")
    changed = []
    for event in Event.objects.filter(code="").only("pk", "description").iterator():
        found = REQUEST_HISTORY.recognise(event.description)
        if not found:
            continue
        event.code, event.params = found
        with translation.override("nl"):
            event.description = REQUEST_HISTORY.word(
                event.code, event.params, event.description
            )[:300]
        changed.append(event)
    Event.objects.bulk_update(
        changed, ["code", "params", "description"], batch_size=1000
    )


def to_text(apps, schema_editor):
    """Back: the Dutch text is in `description` already."""


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_referral_targets_per_organisation")]

    operations = [
        migrations.AddField(
            model_name="requestevent",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="soort"),
        ),
        migrations.AddField(
            model_name="requestevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="gegevens"),
        ),
        migrations.AlterField(
            model_name="requestevent",
            name="description",
            field=models.CharField(blank=True, max_length=300, verbose_name="wat"),
        ),
        migrations.RunPython(to_codes, to_text),
    ]
