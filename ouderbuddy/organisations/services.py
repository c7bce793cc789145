"""The write side of organisations: memberships."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event


@transaction.atomic
def deactivate_membership(*, actor: Membership, membership: Membership) -> Membership:
    """End someone's access to the organisation; their history stays."""
    if membership.organisation_id != actor.organisation_id:
        raise DomainError(_("Deze persoon hoort niet bij uw organisatie."))
    if membership.pk == actor.pk:
        raise DomainError(_("U kunt uzelf niet uitschakelen. Vraag een collega."))
    if not membership.is_active:
        raise DomainError(_("Deze persoon is al uitgeschakeld."))
    if (
        membership.role == Role.COORDINATOR
        and not Membership.objects.filter(
            organisation_id=actor.organisation_id, role=Role.COORDINATOR, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise DomainError(_("Er moet altijd minstens één coördinator overblijven."))
    membership.is_active = False
    membership.full_clean()
    membership.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="membership.deactivate",
        target=membership,
        data={"role": membership.role},
    )
    return membership


@transaction.atomic
def reactivate_membership(*, actor: Membership, membership: Membership) -> Membership:
    """Give a former member access again."""
    if membership.organisation_id != actor.organisation_id:
        raise DomainError(_("Deze persoon hoort niet bij uw organisatie."))
    if membership.is_active:
        raise DomainError(_("Deze persoon heeft al toegang."))
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="membership.reactivate",
        target=membership,
        data={"role": membership.role},
    )
    return membership
