"""The write side of an organisation's referral targets: seeding from the platform
defaults and the coordinator's own changes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ouderbuddy.intake.models import OrganisationReferralTarget, ReferralTarget
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.services import record_event

TARGET_FIELDS = ("label_nl", "label_en", "contact", "order", "is_active")


def seed_referral_targets(organisation: Organisation) -> int:
    """Give the organisation its own copy of every platform default it does not have
    yet (a new organisation, or a default the platform admin added later)."""
    have = set(
        OrganisationReferralTarget.objects.filter(
            organisation=organisation, default__isnull=False
        ).values_list("default_id", flat=True)
    )
    new = [
        OrganisationReferralTarget(
            organisation=organisation,
            default=default,
            label_nl=default.label_nl,
            label_en=default.label_en,
            contact=default.contact,
            order=default.order,
            is_active=default.is_active,
        )
        for default in ReferralTarget.objects.exclude(code__in=have)
    ]
    OrganisationReferralTarget.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _check(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR:
        raise DomainError(_("Dit mag alleen een coördinator."))


@transaction.atomic
def save_referral_target(
    *,
    actor: Membership,
    target: OrganisationReferralTarget | None,
    label_nl: str,
    label_en: str = "",
    contact: str = "",
    order: int = 0,
    is_active: bool = True,
) -> OrganisationReferralTarget:
    """Add a referral target to the actor's organisation, or change one of its own."""
    _check(actor)
    if target is None:
        target = OrganisationReferralTarget(organisation=actor.organisation)
        verb = "referral_target.create"
    elif target.organisation_id != actor.organisation_id:
        raise DomainError(_("Dit adres hoort niet bij uw steunpunt."))
    else:
        verb = "referral_target.update"
    label_nl = label_nl.strip()
    if not label_nl:
        raise DomainError(_("Vul de naam in."), field="label_nl")
    duplicate = OrganisationReferralTarget.objects.filter(
        organisation_id=actor.organisation_id, label_nl__iexact=label_nl
    ).exclude(pk=target.pk)
    if duplicate.exists():
        raise DomainError(
            _("Er is al een adres met deze naam. Pas dat adres aan."), field="label_nl"
        )
    target.label_nl = label_nl
    target.label_en = label_en.strip()
    target.contact = contact.strip()
    target.order = order
    target.is_active = is_active
    target.full_clean()
    target.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb=verb,
        target=target,
        data={"active": is_active},
    )
    return target
