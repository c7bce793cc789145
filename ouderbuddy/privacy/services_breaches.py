"""The breach register (AVG art. 33 lid 5): recording a data breach and updating it.
Every change writes an audit event that names the changed fields, never what they
hold."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import DataBreach
from ouderbuddy.privacy.services import record_event

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership

WHAT_MAX = 2000
MEASURES_MAX = 2000
SHORT_MAX = 300
REASON_MAX = 500

FIELDS = (
    "discovered_at",
    "what",
    "data_concerned",
    "people_concerned",
    "measures",
    "reported_to_ap_at",
    "not_reported_reason",
    "people_informed_at",
)


def breach_problem(
    *,
    discovered_at: dt.datetime,
    what: str,
    data_concerned: str = "",
    people_concerned: str = "",
    measures: str = "",
    reported_to_ap_at: dt.datetime | None = None,
    not_reported_reason: str = "",
    people_informed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, str] | None:
    """The first broken rule of a breach as (field, Dutch message), or None."""
    now = now or timezone.now()
    if discovered_at > now:
        return "discovered_at", _("Deze datum ligt in de toekomst.")
    if not what.strip():
        return "what", _("Schrijf op wat er is gebeurd.")
    if reported_to_ap_at is None and not not_reported_reason.strip():
        return "not_reported_reason", _(
            "Vul in wanneer u het lek meldde bij de Autoriteit Persoonsgegevens, "
            "of schrijf op waarom u het niet meldde."
        )
    if reported_to_ap_at is not None:
        if reported_to_ap_at > now:
            return "reported_to_ap_at", _("Deze datum ligt in de toekomst.")
        if reported_to_ap_at < discovered_at:
            return "reported_to_ap_at", _(
                "De melding kan niet voor de ontdekking zijn."
            )
    if people_informed_at is not None:
        if people_informed_at > now:
            return "people_informed_at", _("Deze datum ligt in de toekomst.")
        if timezone.localdate(people_informed_at) < timezone.localdate(discovered_at):
            return "people_informed_at", _(
                "Deze datum ligt voor de dag waarop het lek is ontdekt."
            )
    return None


def _check(values: dict[str, Any]) -> None:
    problem = breach_problem(**values)
    if problem is not None:
        field, message = problem
        raise DomainError(message, field=field)


@transaction.atomic
def record_breach(*, actor: Membership, **values: Any) -> DataBreach:
    """Add a data breach to the organisation's register."""
    values = {name: values.get(name) or _empty(name) for name in FIELDS}
    _check(values)
    breach = DataBreach(
        organisation_id=actor.organisation_id, recorded_by_id=actor.user_id, **values
    )
    breach.full_clean()
    breach.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.breach.create",
        target=breach,
        data={"reported": breach.reported_to_ap_at is not None},
    )
    return breach


@transaction.atomic
def update_breach(
    *, actor: Membership, breach: DataBreach, **values: Any
) -> DataBreach:
    """Change a breach of the register (what was found out or done later)."""
    if breach.organisation_id != actor.organisation_id:
        raise DomainError(_("Dit datalek hoort bij een ander steunpunt."))
    values = {name: values.get(name) or _empty(name) for name in FIELDS}
    _check(values)
    changed = sorted(name for name in FIELDS if getattr(breach, name) != values[name])
    if not changed:
        return breach
    for name in changed:
        setattr(breach, name, values[name])
    breach.full_clean()
    breach.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.breach.update",
        target=breach,
        data={"fields": changed},
    )
    return breach


def _empty(name: str) -> Any:
    return None if name.endswith("_at") else ""
