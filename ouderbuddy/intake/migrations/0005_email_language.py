# The language of the parent's and the professional's e-mails (issue 10, item 11).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_alter_helprequest_status_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="email_language",
            field=models.CharField(
                choices=[("nl", "Nederlands"), ("en", "English")],
                default="nl",
                max_length=5,
                verbose_name="taal van de e-mails",
            ),
        ),
        migrations.AddField(
            model_name="professionalreferral",
            name="email_language",
            field=models.CharField(
                choices=[("nl", "Nederlands"), ("en", "English")],
                default="nl",
                max_length=5,
                verbose_name="taal van de e-mails",
            ),
        ),
    ]
