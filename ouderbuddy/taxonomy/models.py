"""The experience taxonomy: codes that buddies, help requests, articles and reports share.

The codes themselves are data (``data/experience_codes.csv``, loaded by
``loader.load_codes``); this module only describes their shape. A code is a stable,
public identifier such as ``need.autism``: it is never renumbered or deleted, only
deactivated, because other rows keep referring to it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodeGroup(models.TextChoices):
    ROUTE = "route", _("Onderwijsroute")
    TRANSITION = "transition", _("Overgang")
    ISSUE = "issue", _("Procedure of probleem met school")
    NEED = "need", _("Ondersteuningsbehoefte van het kind")
    CONTEXT = "context", _("Gezinssituatie")


# Groups whose codes are special-category data (AVG art. 9): about a child's health or
# development, or about the family. Every code in them must be marked sensitive.
SENSITIVE_GROUPS: frozenset[str] = frozenset({CodeGroup.NEED, CodeGroup.CONTEXT})

# Subgroups are used for the need.* codes only; slug -> Dutch label.
SUBGROUP_LABELS = {
    "development": _("Ontwikkeling"),
    "learning": _("Leren"),
    "giftedness": _("Begaafdheid"),
    "social_emotional": _("Sociaal-emotioneel en psychisch"),
    "physical_medical": _("Lichamelijk en medisch"),
    "sensory": _("Zintuiglijk"),
    "complex": _("Meervoudig of complex"),
    "unknown": _("Onbekend of liever niet zeggen"),
}


# Lower-case ASCII: "<group>.<name>", e.g. "need.adhd_add".
CODE_REGEX = r"^[a-z]+\.[a-z0-9_]+\Z"
code_validator = RegexValidator(
    CODE_REGEX,
    _("Gebruik kleine letters, cijfers en _, in de vorm groep.naam (need.autism)."),
)


def _prefers_english() -> bool:
    return (get_language() or "").lower().startswith("en")


class ExperienceCode(models.Model):
    """One item of the taxonomy, e.g. ``need.autism`` or ``issue.tlv``."""

    code = models.CharField(
        _("code"),
        max_length=60,
        primary_key=True,
        validators=[code_validator],
        help_text=_(
            "Vaste, openbare sleutel zoals need.autism. Begint met de groep en een punt."
        ),
    )
    group = models.CharField(_("groep"), max_length=20, choices=CodeGroup.choices)
    subgroup = models.CharField(
        _("subgroep"),
        max_length=30,
        blank=True,
        choices=list(SUBGROUP_LABELS.items()),
    )
    label_nl = models.CharField(_("naam (Nederlands)"), max_length=150)
    label_en = models.CharField(_("naam (Engels)"), max_length=150)
    description_nl = models.TextField(_("uitleg (Nederlands)"), blank=True)
    description_en = models.TextField(_("uitleg (Engels)"), blank=True)
    is_sensitive = models.BooleanField(
        _("bijzonder persoonsgegeven"),
        default=False,
        help_text=_(
            "Gegevens over gezondheid, ontwikkeling of gezin (AVG artikel 9). "
            "Alleen vastleggen met uitdrukkelijke toestemming."
        ),
    )
    is_opt_out = models.BooleanField(
        _("keuze om niets te zeggen"),
        default=False,
        help_text=_("Bijvoorbeeld 'zeg ik liever niet' of 'nog geen diagnose'."),
    )
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(
        _("in gebruik"),
        default=True,
        help_text=_("Codes worden nooit verwijderd; zet een code uit als hij vervalt."),
    )
    introduced = models.DateField(
        _("ingevoerd op"),
        default=timezone.localdate,
        help_text=_("Datum waarop de code aan de lijst is toegevoegd."),
    )

    class Meta:
        ordering = ["group", "order"]
        verbose_name = _("ervaringscode")
        verbose_name_plural = _("ervaringscodes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(group="route", code__startswith="route.")
                    | models.Q(group="transition", code__startswith="transition.")
                    | models.Q(group="issue", code__startswith="issue.")
                    | models.Q(group="need", code__startswith="need.")
                    | models.Q(group="context", code__startswith="context.")
                ),
                name="taxonomy_code_starts_with_group",
                violation_error_message=_(
                    "De code moet beginnen met de groep en een punt."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    ~models.Q(group__in=["need", "context"])
                    | models.Q(is_sensitive=True)
                ),
                name="taxonomy_need_context_sensitive",
                violation_error_message=_(
                    "Codes over ondersteuningsbehoefte en gezinssituatie zijn altijd "
                    "bijzondere persoonsgegevens."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (English for "en*", otherwise Dutch)."""
        if _prefers_english() and self.label_en:
            return self.label_en
        return self.label_nl

    @property
    def description(self) -> str:
        """The explanation in the active language, falling back to Dutch."""
        if _prefers_english() and self.description_en:
            return self.description_en
        return self.description_nl

    @property
    def subgroup_label(self) -> str:
        return str(SUBGROUP_LABELS.get(self.subgroup, ""))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.code and self.group and not self.code.startswith(f"{self.group}."):
            errors["code"] = _("De code moet beginnen met '%(prefix)s'.") % {
                "prefix": f"{self.group}."
            }
        if self.group in SENSITIVE_GROUPS and not self.is_sensitive:
            errors["is_sensitive"] = _(
                "Codes in deze groep zijn altijd bijzondere persoonsgegevens."
            )
        if errors:
            raise ValidationError(errors)
