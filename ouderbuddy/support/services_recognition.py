"""The write side of recognition: a coordinator sends a buddy their year summary
with a personal thank-you note."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import emails, recognition
from ouderbuddy.support.checks import clean_text
from ouderbuddy.support.models import ThankYou

NOTE_MAX = 2000


@transaction.atomic
def send_thank_you(
    *, actor: Membership, buddy: Buddy, year: int, note: str
) -> ThankYou:
    """E-mail the buddy the summary of `year` with the coordinator's own words."""
    if actor.role != Role.COORDINATOR or buddy.organisation_id != actor.organisation_id:
        raise DomainError(_("Alleen een coördinator van dit steunpunt kan dit doen."))
    if buddy.status == BuddyStatus.STOPPED and not buddy.email:
        raise DomainError(_("Deze buddy heeft geen e-mailadres meer."))
    if year not in recognition.years_of(buddy):
        raise DomainError(_("Kies een jaar waarin de buddy bij ons was."), field="year")
    note = clean_text(
        note,
        "note",
        limit=NOTE_MAX,
        empty=_("Schrijf een paar persoonlijke woorden voor de buddy."),
        multiline=True,
    )
    thanks = ThankYou(
        organisation_id=actor.organisation_id,
        buddy=buddy,
        year=year,
        note=note,
        sent_by_id=actor.user_id,
    )
    thanks.full_clean()
    thanks.save()
    emails.thank_you(buddy, thanks, recognition.year_summary(buddy, year))
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.thank_you.send",
        target=buddy,
        data={"year": year, "on": timezone.localdate().isoformat()},
    )
    return thanks
