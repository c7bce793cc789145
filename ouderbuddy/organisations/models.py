"""Organisations (OJS tenants) and the memberships that give people a role in one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib import choices
from ouderbuddy.lib.models import UUIDModel

# The roles live in lib.choices, so that apps below organisations (privacy's audit
# log page) can name them; this is their usual home for everyone else.
Role = choices.Role


# The check-in rhythm when an organisation has not chosen one: days after the start,
# then every month.
DEFAULT_FIRST_CHECK_INS = (7, 21)
DEFAULT_CHECK_IN_INTERVAL_MONTHS = 1


def default_first_check_ins() -> list[int]:
    return list(DEFAULT_FIRST_CHECK_INS)


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
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Hulpvragen die langer wachten, staan op de startpagina."),
    )
    # What parents see: on the confirmation page, the status page and in e-mails.
    contact_phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    contact_hours = models.CharField(
        _("bereikbaar"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld: maandag tot en met donderdag van 9 tot 17 uur."),
    )
    email_signature = models.TextField(
        _("ondertekening van e-mails"), max_length=500, blank=True
    )
    check_in_first_days = models.JSONField(
        _("eerste check-ins (dagen na de start)"), default=default_first_check_ins
    )
    check_in_interval_months = models.PositiveSmallIntegerField(
        _("daarna elke ... maanden"),
        default=DEFAULT_CHECK_IN_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        problem = first_check_ins_problem(self.check_in_first_days)
        if problem:
            raise ValidationError({"check_in_first_days": problem})


MAX_FIRST_CHECK_INS = 4
MAX_FIRST_CHECK_IN_DAY = 60
MAX_FIRST_CHECK_IN_GAP = 31


def first_check_ins_problem(days: object) -> str | None:
    """Why `days` is not a usable list of first check-ins (in Dutch), or None."""
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) for d in days
    ):
        return str(
            _("Vul hele dagen in, gescheiden door komma's. Bijvoorbeeld: 7, 21.")
        )
    if len(days) > MAX_FIRST_CHECK_INS:
        return str(
            _("Kies hoogstens %(count)s eerste check-ins.")
            % {"count": MAX_FIRST_CHECK_INS}
        )
    if any(d < 1 or d > MAX_FIRST_CHECK_IN_DAY for d in days):
        return str(
            _("Kies dagen van 1 tot en met %(max)s na de start.")
            % {"max": MAX_FIRST_CHECK_IN_DAY}
        )
    if days != sorted(set(days)):
        return str(_("Zet de dagen van vroeg naar laat, elke dag één keer."))
    if any(
        b - a > MAX_FIRST_CHECK_IN_GAP for a, b in zip([0, *days], days, strict=False)
    ):
        return str(
            _("Laat tussen twee check-ins hoogstens %(days)s dagen.")
            % {"days": MAX_FIRST_CHECK_IN_GAP}
        )
    return None


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
