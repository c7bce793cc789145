"""The read side of organisations. Every query is scoped to the actor's organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import PostcodeArea, Sector
from ouderbuddy.regions.selectors import get_postcode_area


def _team(actor: Membership) -> QuerySet[Membership]:
    """The memberships of the actor's organisation's team. A network admin works for
    the network, not for one support point, so is not listed (a platform admin
    manages that access)."""
    return (
        Membership.objects.filter(organisation_id=actor.organisation_id)
        .exclude(role=Role.NETWORK_ADMIN)
        .select_related("user")
    )


def visible_memberships(actor: Membership) -> QuerySet[Membership]:
    """The members of the actor's organisation's team (see `_team`), as the team page
    lists them: of each person only the name and e-mail address are read."""
    return (
        _team(actor)
        .only("role", "is_active", "user__full_name", "user__email")
        .order_by("-is_active", "role", "user__full_name")
    )


def get_membership_for(actor: Membership, membership_id: Any) -> Membership:
    """One membership of the actor's organisation's team; 404 when missing or not
    theirs."""
    try:
        return _team(actor).get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def can_manage_team(actor: Membership) -> bool:
    return actor.role == Role.COORDINATOR


def can_change_settings(actor: Membership) -> bool:
    """Coordinators change their organisation's settings; a manager only reads them."""
    return actor.role == Role.COORDINATOR


# --- The platform admin: organisations and accounts, never case content ----------------


def is_platform_admin(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.is_superuser
    )


def platform_organisations() -> QuerySet[Organisation]:
    """Every organisation with the number of its active coordinators and districts."""
    return Organisation.objects.annotate(
        coordinator_count=Count(
            "memberships",
            filter=Q(memberships__role=Role.COORDINATOR, memberships__is_active=True),
            distinct=True,
        ),
        district_count=Count("districts", distinct=True),
    ).order_by("name")


def get_platform_organisation(organisation_id: Any) -> Organisation:
    try:
        return Organisation.objects.get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def platform_members(organisation: Organisation) -> QuerySet[Membership]:
    """Who has access (name, e-mail, role): accounts, not case content."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "role", "user__full_name")
    )


def served_postcode_count(organisation: Organisation) -> int:
    """How many four-digit postcodes the organisation's SWVs cover."""

    district_ids = list(organisation.districts.values_list("pk", flat=True))
    if not district_ids:
        return 0
    return (
        PostcodeArea.objects.filter(
            Q(po_district_id__in=district_ids) | Q(vo_district_id__in=district_ids)
        )
        .distinct()
        .count()
    )


def organisations_serving(value: str, sector: str | None = None) -> list[Organisation]:
    """Active organisations serving the postcode's SWVs (optionally one sector)."""
    if sector is not None and sector not in Sector.values:
        # A programming error, not something a parent typed: no Dutch message.
        raise ValueError(f"Unknown sector {sector!r}; use one of {Sector.values}.")
    area = get_postcode_area(value)
    district_ids = [
        district_id
        for district_sector, district_id in (
            (Sector.PO, area.po_district_id),
            (Sector.VO, area.vo_district_id),
        )
        if district_id is not None and sector in (None, district_sector)
    ]
    if not district_ids:
        # Europoort has no SWV; callers explain where to go instead.
        return []
    return list(
        Organisation.objects.filter(is_active=True, districts__in=district_ids)
        .distinct()
        .order_by("name")
    )
