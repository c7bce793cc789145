from django.db import migrations

TARGETS = [
    (
        "education_consultant",
        "Onderwijsconsulent",
        "Education consultant",
        "onderwijsconsulenten.nl",
        10,
    ),
    (
        "confidential_counsellor",
        "Vertrouwenspersoon",
        "Confidential counsellor",
        "",
        20,
    ),
    (
        "ouders_onderwijs",
        "Ouders & Onderwijs",
        "Ouders & Onderwijs (parents and education helpline)",
        "088-605 01 01",
        30,
    ),
    (
        "youth_care",
        "Jeugdhulp / wijkteam van de gemeente",
        "Youth care / municipal team",
        "",
        40,
    ),
    (
        "ojs_professional",
        "Professional van het ouder- en jeugdsteunpunt",
        "Professional of the support point",
        "",
        50,
    ),
    ("other", "Ergens anders", "Somewhere else", "", 90),
]


def load(apps, schema_editor):
    Target = apps.get_model("intake", "ReferralTarget")
    for code, nl, en, contact, order in TARGETS:
        Target.objects.update_or_create(
            code=code,
            defaults={
                "label_nl": nl,
                "label_en": en,
                "contact": contact,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
