"""Erasure on request (AVG art. 17): a coordinator wipes one person's data at once,
after seeing what it does and confirming twice.

The effect is the retention job's anonymisation (rights/retention_job.py), now
instead of later: every name, address and free text goes; codes, dates and amounts
stay for the figures. The law's exceptions stop it and the page says why: a running
match or proposal (close or hand it over first), an open safety signal (it is kept
while it is being handled), and the financial records of a buddy's expenses (kept for
the fiscal seven years, anonymised then). What was done is recorded without the
erased content: a done `RightRequest` and an audit event with the reference only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus, StopReason
from ouderbuddy.buddies.services import stop_buddy
from ouderbuddy.casework.models import SafetySignal
from ouderbuddy.intake.models import OPEN_STATUSES, HelpRequest, RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.models import HOLDS_PLACE, Match, MatchStatus
from ouderbuddy.notifications.models import OutgoingEmail
from ouderbuddy.privacy.models import RightKind, RightRequest, RightStatus
from ouderbuddy.privacy.services import audit_label, record_event
from ouderbuddy.rights import retention_job

CONFIRM_WORD = "WISSEN"


@dataclass
class Check:
    """What erasing would do, and what stops it."""

    blockers: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.blockers


def _same_parent(request: HelpRequest) -> list[HelpRequest]:
    """The person's requests in this organisation (by their e-mail address)."""
    if not request.email:
        return [request]
    return list(
        HelpRequest.objects.filter(
            organisation_id=request.organisation_id,
            email__iexact=request.email,
            anonymised_at__isnull=True,
        ).order_by("received_at")
    )


def check_parent(request: HelpRequest) -> Check:
    check = Check()
    if request.anonymised_at is not None:
        check.blockers.append(_("De gegevens van deze hulpvraag zijn al gewist."))
        return check
    requests = _same_parent(request)
    check.references = [r.reference for r in requests]
    ids = [r.pk for r in requests]
    running = Match.objects.filter(request_id__in=ids, status__in=HOLDS_PLACE)
    for match in running.select_related("request"):
        if match.status == MatchStatus.PROPOSED or match.status == MatchStatus.ACCEPTED:
            check.blockers.append(
                _(
                    "Bij %(ref)s staat een voorstel voor een buddy uit. Trek het voorstel "
                    "eerst in."
                )
                % {"ref": match.request.reference}
            )
        else:
            check.blockers.append(
                _(
                    "Bij %(ref)s loopt een koppeling met een buddy. Sluit de koppeling "
                    "eerst af."
                )
                % {"ref": match.request.reference}
            )
    if SafetySignal.objects.filter(
        match__request_id__in=ids, closed_at__isnull=True
    ).exists():
        check.blockers.append(
            _(
                "Er staat een zorgsignaal open. Dat moet eerst afgehandeld zijn: zolang "
                "het nodig is voor de veiligheid van een kind mag het bewaard blijven."
            )
        )
    check.effects = [
        _(
            "Naam, e-mailadres, telefoonnummer, de naam van het kind en de school "
            "gaan weg."
        ),
        _(
            "De vraag, de notities, de afspraken, de contactnotities en de "
            "zorgsignalen gaan weg."
        ),
        _("E-mails aan deze ouder die nog niet verstuurd zijn, gaan niet meer weg."),
        _("De statuslink werkt niet meer."),
    ]
    if any(r.status in OPEN_STATUSES for r in requests):
        check.effects.append(_("Een hulpvraag die nog open staat, wordt ingetrokken."))
    check.kept = [
        _(
            "De codes (wat er speelt), de datums, de postcode (4 cijfers) en de "
            "uitkomst blijven, zonder naam. Zo blijven de cijfers in de rapportage "
            "kloppen."
        ),
        _(
            "Het auditlog houdt dat er iets is gewist, met het kenmerk en zonder "
            "inhoud."
        ),
    ]
    return check


def check_buddy(buddy: Buddy) -> Check:
    check = Check()
    if buddy.anonymised_at is not None:
        check.blockers.append(_("De gegevens van deze buddy zijn al gewist."))
        return check
    check.references = [audit_label(buddy)]
    if Match.objects.filter(buddy=buddy, status__in=HOLDS_PLACE).exists():
        check.blockers.append(
            _(
                "Deze buddy heeft nog een lopende koppeling of een voorstel. Sluit die "
                "eerst af of draag de ouder over aan een andere buddy. Daarna kunt u "
                "de gegevens wissen."
            )
        )
    if SafetySignal.objects.filter(match__buddy=buddy, closed_at__isnull=True).exists():
        check.blockers.append(
            _("Er staat een zorgsignaal open bij een koppeling van deze buddy.")
        )
    check.effects = [
        _(
            "Naam, e-mailadres, telefoonnummer, motivatie en de notities van het "
            "kennismakings- en screeningsgesprek gaan weg."
        ),
        _("Het account wordt gesloten: de buddy kan niet meer inloggen."),
    ]
    if buddy.status != BuddyStatus.STOPPED:
        check.effects.append(_("De buddy wordt eerst op 'gestopt' gezet."))
    check.kept = [
        _(
            "Onkostendeclaraties blijven zeven jaar bewaard (fiscale bewaarplicht), "
            "daarna worden ze anoniem."
        ),
        _(
            "Ervaringen als codes, trainingen en datums blijven, zonder naam, voor de "
            "cijfers."
        ),
        _(
            "Wat de buddy bij een ouder noteerde, hoort bij het dossier van die ouder "
            "en volgt diens bewaartermijn."
        ),
    ]
    return check


def _unsent_mail_to(addresses: set[str]) -> None:
    """Delete waiting e-mails to these addresses (their text names the person)."""
    wanted = {a.lower() for a in addresses if a}
    if not wanted:
        return
    for message in OutgoingEmail.objects.all().iterator():
        try:
            payload = json.loads(message.payload)
        except ValueError:
            continue
        to = {str(a).lower() for a in payload.get("to", [])}
        if to & wanted:
            OutgoingEmail.objects.filter(pk=message.pk).delete()


def _confirmed(word: str) -> None:
    if word.strip().upper() != CONFIRM_WORD:
        raise DomainError(
            _("Typ het woord %(word)s om te bevestigen.") % {"word": CONFIRM_WORD},
            field="confirm",
        )


def _done(actor: Any, target: Any, label: str) -> None:
    now = timezone.now()
    RightRequest.objects.create(
        organisation_id=actor.organisation_id,
        kind=RightKind.ERASURE,
        subject_type=target._meta.label_lower,
        subject_id=str(target.pk),
        subject_label=label,
        received_at=now,
        due_on=(now + relativedelta(months=1)).date(),
        channel="coordinator",
        status=RightStatus.DONE,
        done_at=now,
        done_by_id=actor.user_id,
    )


def erase_parent(actor: Any, request: HelpRequest, *, confirm: str) -> int:
    """Wipe the parent of `request` (all their requests here); the number wiped."""
    _confirmed(confirm)
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(
            pk=request.pk, organisation_id=actor.organisation_id
        )
        check = check_parent(request)
        if not check.possible:
            raise DomainError(check.blockers[0])
        requests = _same_parent(request)
        now = timezone.now()
        ids = [r.pk for r in requests]
        HelpRequest.objects.filter(pk__in=ids, status__in=OPEN_STATUSES).update(
            status=RequestStatus.WITHDRAWN, status_changed_at=now
        )
        _unsent_mail_to({r.email for r in requests})
        # A download link of the parent's export that is still out stops working.
        RightRequest.objects.filter(
            organisation_id=actor.organisation_id,
            subject_type="intake.helprequest",
            subject_id__in=[str(pk) for pk in ids],
        ).exclude(token_hash="").update(token_hash="")
        count = retention_job.anonymise_cases(ids, now)
        for found in requests:
            record_event(
                actor=actor,
                organisation=actor.organisation_id,
                verb="privacy.erasure",
                target=found,
            )
        _done(actor, request, request.reference)
    return count


def erase_buddy(actor: Any, buddy: Buddy, *, confirm: str) -> None:
    """Wipe a buddy (stopped first when not yet); expenses stay their seven years."""
    _confirmed(confirm)
    with transaction.atomic():
        buddy = Buddy.objects.select_for_update().get(
            pk=buddy.pk, organisation_id=actor.organisation_id
        )
        check = check_buddy(buddy)
        if not check.possible:
            raise DomainError(check.blockers[0])
        if buddy.status != BuddyStatus.STOPPED:
            buddy = stop_buddy(
                actor=actor, buddy=buddy, reason_code=StopReason.WITHDRAWN
            )
        _unsent_mail_to({buddy.email})
        label = audit_label(buddy)
        retention_job.anonymise_buddies([buddy.pk], timezone.now())
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="privacy.erasure",
            target=buddy,
        )
        _done(actor, buddy, label)
