# Referral targets per organisation (issue 10, item 15): every organisation gets its own
# copy of the platform defaults; a referred request points at its organisation's copy.

import uuid

import django.db.models.deletion
from django.db import migrations, models


def copy_defaults(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Default = apps.get_model("intake", "ReferralTarget")
    Own = apps.get_model("intake", "OrganisationReferralTarget")
    HelpRequest = apps.get_model("intake", "HelpRequest")
    defaults = list(Default.objects.all())
    for organisation in Organisation.objects.all():
        copies = {}
        for default in defaults:
            copies[default.code], _ = Own.objects.get_or_create(
                organisation=organisation,
                default=default,
                defaults={
                    "label_nl": default.label_nl,
                    "label_en": default.label_en,
                    "contact": default.contact,
                    "order": default.order,
                    "is_active": default.is_active,
                },
            )
        referred = HelpRequest.objects.filter(
            organisation=organisation, referral_target__isnull=False
        )
        for request in referred.only("pk", "referral_target_id"):
            HelpRequest.objects.filter(pk=request.pk).update(
                referral_to=copies[request.referral_target_id]
            )


def back_to_defaults(apps, schema_editor):
    HelpRequest = apps.get_model("intake", "HelpRequest")
    for request in HelpRequest.objects.filter(referral_to__isnull=False).select_related(
        "referral_to"
    ):
        HelpRequest.objects.filter(pk=request.pk).update(
            referral_target_id=request.referral_to.default_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_email_language"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="referraltarget",
            options={
                "ordering": ["order"],
                "verbose_name": "standaard doorverwijsadres",
                "verbose_name_plural": "standaard doorverwijsadressen",
            },
        ),
        migrations.CreateModel(
            name="OrganisationReferralTarget",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, verbose_name="aangemaakt op"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="gewijzigd op"),
                ),
                ("label_nl", models.CharField(max_length=100, verbose_name="naam")),
                (
                    "label_en",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="naam in het Engels"
                    ),
                ),
                (
                    "contact",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="contact"
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="volgorde"
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="actief")),
                (
                    "default",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="intake.referraltarget",
                        verbose_name="gemaakt van standaardadres",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisatie",
                    ),
                ),
            ],
            options={
                "verbose_name": "doorverwijsadres",
                "verbose_name_plural": "doorverwijsadressen",
                "ordering": ["order", "label_nl"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "default"),
                        name="referral_target_default_once",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="helprequest",
            name="referral_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="intake.organisationreferraltarget",
            ),
        ),
        migrations.RunPython(copy_defaults, back_to_defaults),
        migrations.RemoveField(model_name="helprequest", name="referral_target"),
        migrations.RenameField(
            model_name="helprequest", old_name="referral_to", new_name="referral_target"
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="referral_target",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="intake.organisationreferraltarget",
                verbose_name="doorverwezen naar",
            ),
        ),
    ]
