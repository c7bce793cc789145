"""Organisations (OJS tenants) and the memberships that give people a role in one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import UUIDModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coördinator")
    BUDDY = "buddy", _("Ouderbuddy")
    MANAGER = "manager", _("Manager")
    NETWORK_ADMIN = "network_admin", _("Netwerkbeheerder")


# Roles that see more than their own data sign in with a second factor.
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.MANAGER, Role.NETWORK_ADMIN})


class Organisation(UUIDModel):
    """One ouder- en jeugdsteunpunt (OJS), serving one or more SWVs."""

    name = models.CharField(_("naam"), max_length=150, unique=True)
    contact_email = models.EmailField(_("e-mailadres voor ouders"), blank=True)
    districts = models.ManyToManyField(
        "regions.CooperationDistrict",
        related_name="organisations",
        verbose_name=_("samenwerkingsverbanden"),
        blank=True,
    )
    is_active = models.BooleanField(_("actief"), default=True)
    request_wait_target_days = models.PositiveSmallIntegerField(
        _("streeftijd wachtlijst (werkdagen)"),
        default=10,
        help_text=_("Hulpvragen die langer wachten, staan op de startpagina."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class Membership(UUIDModel):
    """A person's role in one organisation; a person may belong to several."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("persoon"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["organisation__name", "created_at"]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="membership_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES
