"""The write side of organisations: memberships, the organisation's own settings, and
the platform admin's organisations with their first coordinator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.services import record_event

# What a coordinator may change on her organisation's settings page.
SETTINGS_FIELDS = (
    "contact_email",
    "contact_phone",
    "website",
    "contact_hours",
    "request_wait_target_days",
    "check_in_first_days",
    "check_in_interval_months",
    "email_signature",
)


def _domain_error(exc: ValidationError) -> DomainError:
    """The first message of a model's ValidationError, on its field."""
    errors = getattr(exc, "message_dict", None) or {}
    for field, messages in errors.items():
        if messages:
            return DomainError(messages[0], field=None if field == "__all__" else field)
    return DomainError(" ".join(exc.messages))


@transaction.atomic
def update_settings(
    *, actor: Membership, organisation: Organisation, **values: Any
) -> list[str]:
    """Change the organisation's own settings; returns the names of changed fields.
    The audit event names the fields, not their values (a signature may hold a name)."""
    if actor.role != Role.COORDINATOR or organisation.pk != actor.organisation_id:
        raise DomainError(
            _("Alleen een coördinator van dit steunpunt mag dit wijzigen.")
        )
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a setting: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = []
    for field, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(field)
    if not changed:
        return []
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise _domain_error(exc) from exc
    organisation.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor,
        organisation=organisation,
        verb="organisation.settings",
        target=organisation,
        data={"fields": changed},
    )
    return changed


# --- The platform admin -----------------------------------------------------------------


def _platform_admin(user: Any) -> None:
    if not (user.is_authenticated and user.is_staff and user.is_superuser):
        raise DomainError(_("Alleen een platformbeheerder mag dit."))


def _save_organisation(
    organisation: Organisation, districts: Iterable[Any], fields: list[str] | None
) -> None:
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise _domain_error(exc) from exc
    try:
        with transaction.atomic():
            if fields is None:
                organisation.save()
            else:
                organisation.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        # Two admins saving the same name at the same moment.
        raise DomainError(
            _("Er is al een steunpunt met deze naam."), field="name"
        ) from exc
    organisation.districts.set(list(districts))


@transaction.atomic
def create_organisation(
    *,
    admin: Any,
    name: str,
    contact_email: str = "",
    districts: Iterable[Any] = (),
    is_active: bool = True,
) -> Organisation:
    """A new support point with its region (the SWVs whose postcodes it serves)."""
    _platform_admin(admin)
    organisation = Organisation(
        name=name.strip(), contact_email=contact_email.strip(), is_active=is_active
    )
    districts = list(districts)
    _save_organisation(organisation, districts, None)
    record_event(
        actor=admin,
        organisation=organisation,
        verb="organisation.create",
        target=organisation,
        data={"districts": sorted(str(d.pk) for d in districts)},
    )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    admin: Any,
    organisation: Organisation,
    name: str,
    contact_email: str = "",
    districts: Iterable[Any] = (),
    is_active: bool = True,
) -> Organisation:
    """Change a support point's name, address, region or whether it is active."""
    _platform_admin(admin)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = sorted(organisation.districts.values_list("pk", flat=True))
    organisation.name = name.strip()
    organisation.contact_email = contact_email.strip()
    organisation.is_active = is_active
    districts = list(districts)
    _save_organisation(organisation, districts, ["name", "contact_email", "is_active"])
    record_event(
        actor=admin,
        organisation=organisation,
        verb="organisation.update",
        target=organisation,
        data={
            "districts_before": before,
            "districts": sorted(str(d.pk) for d in districts),
            "is_active": is_active,
        },
    )
    return organisation


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
