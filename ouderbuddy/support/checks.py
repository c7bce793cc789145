"""Checks the support services share: a text typed by a person, and the signed-in
buddy's own record."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.control_characters import has_control_characters
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role


def clean_text(
    value: str, field: str, *, limit: int, empty: str | None, multiline: bool = False
) -> str:
    """The text without surrounding space; refused (on `field`) with a control
    character, longer than `limit`, or empty when `empty` (its message) is given."""
    if has_control_characters(value, multiline=multiline):
        raise DomainError(_("Deze tekst bevat tekens die niet kunnen."), field=field)
    text = value.strip()
    if not text and empty is not None:
        raise DomainError(empty, field=field)
    if len(text) > limit:
        raise DomainError(
            _("Schrijf hoogstens %(n)s tekens.") % {"n": limit}, field=field
        )
    return text


def own_buddy(actor: Membership, refusal: str, *, active: bool = True) -> Buddy:
    """The acting buddy's record in the organisation; `refusal` for anyone else, and
    (with `active`) a refusal for a buddy who stopped."""
    buddy = Buddy.objects.filter(
        organisation_id=actor.organisation_id, user_id=actor.user_id
    ).first()
    if actor.role != Role.BUDDY or buddy is None:
        raise DomainError(refusal)
    if active and buddy.status == BuddyStatus.STOPPED:
        raise DomainError(_("U bent gestopt als buddy."))
    return buddy
