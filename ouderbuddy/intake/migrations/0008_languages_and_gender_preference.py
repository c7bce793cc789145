"""A parent names one or more languages (`languages`, was one `language`); a gender
preference is "liefst" (a score) or "alleen" (a rule). Existing "female"/"male" rows
already read "Liefst een vrouw/man" and keep that meaning."""

from django.db import migrations, models


def languages_from_language(apps, schema_editor):
    HelpRequest = apps.get_model("intake", "HelpRequest")
    for pk, language in HelpRequest.objects.values_list("pk", "language").iterator():
        HelpRequest.objects.filter(pk=pk).update(languages=[language or "nl"])


def language_from_languages(apps, schema_editor):
    HelpRequest = apps.get_model("intake", "HelpRequest")
    for pk, languages in HelpRequest.objects.values_list("pk", "languages").iterator():
        first = languages[0] if languages else "nl"
        HelpRequest.objects.filter(pk=pk).update(language=first[:5])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0007_request_event_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="languages",
            field=models.JSONField(blank=True, default=list, verbose_name="talen"),
        ),
        migrations.RunPython(languages_from_language, language_from_languages),
        migrations.RemoveField(
            model_name="helprequest",
            name="language",
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="buddy_gender",
            field=models.CharField(
                choices=[
                    ("any", "Maakt niet uit"),
                    ("female", "Liefst een vrouw"),
                    ("female_only", "Alleen een vrouw"),
                    ("male", "Liefst een man"),
                    ("male_only", "Alleen een man"),
                ],
                default="any",
                max_length=12,
                verbose_name="voorkeur buddy",
            ),
        ),
    ]
