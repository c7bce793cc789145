# The language of an applicant's e-mails until they have an account (issue 10, item 11).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buddies", "0003_buddy_conflict_schools_buddy_introduction"),
    ]

    operations = [
        migrations.AddField(
            model_name="buddy",
            name="email_language",
            field=models.CharField(
                choices=[("nl", "Nederlands"), ("en", "English")],
                default="nl",
                max_length=5,
                verbose_name="taal van de e-mails",
            ),
        ),
    ]
