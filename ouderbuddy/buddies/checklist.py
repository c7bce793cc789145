"""The buddy checklist and the status gates: pure functions over plain facts.

A buddy is matchable only when every required item is done and the status is active.
The same facts decide which status change is allowed, so the coordinator's page, the
buddy's portal and the services never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import BuddyStatus


@dataclass(frozen=True)
class Facts:
    """What the checklist needs to know about one buddy."""

    status: str
    introduction_held: bool
    interview_outcome: str | None
    vog_requested: bool
    vog_valid_until: dt.date | None
    volunteer_agreement: bool
    confidentiality_agreement: bool
    basic_training: bool
    has_account: bool
    today: dt.date


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    done: bool
    detail: str = ""


def items(facts: Facts) -> list[Item]:
    """The checklist, in the order a buddy goes through it."""
    vog_ok = facts.vog_valid_until is not None and facts.vog_valid_until >= facts.today
    if vog_ok and facts.vog_valid_until is not None:
        vog_detail = _("Geldig tot %(date)s") % {
            "date": date_format(facts.vog_valid_until)
        }
    elif facts.vog_valid_until is not None:
        vog_detail = _("Verlopen; vraag een nieuwe VOG aan")
    elif facts.vog_requested:
        vog_detail = _("Aangevraagd, nog niet binnen")
    else:
        vog_detail = _("Nog niet aangevraagd")
    interview_detail = {
        None: _("Nog niet gehouden"),
        "suitable": _("Geschikt"),
        "not_yet": _("Nog niet geschikt"),
        "not_suitable": _("Niet geschikt"),
    }.get(facts.interview_outcome, "")
    return [
        Item("introduction", _("Kennismakingsgesprek"), facts.introduction_held),
        Item(
            "interview",
            _("Screeningsgesprek met beoordeling"),
            facts.interview_outcome == "suitable",
            interview_detail,
        ),
        Item("vog", _("VOG (Verklaring Omtrent het Gedrag)"), vog_ok, vog_detail),
        Item(
            "volunteer_agreement",
            _("Vrijwilligersovereenkomst getekend"),
            facts.volunteer_agreement,
        ),
        Item(
            "confidentiality",
            _("Geheimhoudingsverklaring getekend"),
            facts.confidentiality_agreement,
        ),
        Item(
            "account",
            _("Account aangemaakt (uitnodiging geaccepteerd)"),
            facts.has_account,
        ),
        Item("basic_training", _("Basistraining gevolgd"), facts.basic_training),
    ]


def missing(facts: Facts, drawn: list[Item] | None = None) -> list[Item]:
    """The items not done (of `drawn`, the page's `items(facts)`, when given)."""
    return [
        item for item in (items(facts) if drawn is None else drawn) if not item.done
    ]


def is_matchable(facts: Facts, drawn: list[Item] | None = None) -> bool:
    """Active, and every checklist item done."""
    return facts.status == BuddyStatus.ACTIVE and not missing(facts, drawn)


# The forward path. Pausing, resuming and stopping have services of their own.
FORWARD = {
    BuddyStatus.APPLIED: BuddyStatus.INTRODUCTION,
    BuddyStatus.INTRODUCTION: BuddyStatus.SCREENING,
    BuddyStatus.SCREENING: BuddyStatus.TRAINING,
    BuddyStatus.TRAINING: BuddyStatus.ACTIVE,
}


def forward_problem(
    facts: Facts, to_status: str, drawn: list[Item] | None = None
) -> str | None:
    """Why the buddy cannot move to `to_status` now, or None when the step is allowed."""
    if facts.status == BuddyStatus.STOPPED:
        return _("Deze buddy is gestopt.")
    expected = FORWARD.get(BuddyStatus(facts.status))
    if expected is None or to_status != expected:
        if expected is None:
            return _(
                "Er is geen volgende stap: de buddy is al actief, gepauzeerd of gestopt."
            )
        return _("Deze stap kan niet: eerst volgt %(next)s.") % {
            "next": BuddyStatus(expected).label
        }
    if to_status == BuddyStatus.SCREENING and not facts.introduction_held:
        return _("Leg eerst het kennismakingsgesprek vast.")
    if to_status == BuddyStatus.TRAINING and facts.interview_outcome != "suitable":
        return _("Eerst moet het screeningsgesprek de uitkomst 'geschikt' hebben.")
    if to_status == BuddyStatus.ACTIVE:
        open_items = [item.label for item in missing(facts, drawn)]
        if open_items:
            return _("Nog niet alles is klaar: %(items)s.") % {
                "items": ", ".join(open_items)
            }
    return None


def next_step(facts: Facts, *, for_buddy: bool, drawn: list[Item] | None = None) -> str:
    """One sentence: what happens next, for the buddy or for the coordinator."""
    if facts.status == BuddyStatus.STOPPED:
        return _("U bent gestopt als buddy.") if for_buddy else _("Gestopt.")
    if facts.status == BuddyStatus.PAUSED:
        return (
            _("U heeft een pauze. Daarna krijgt u weer nieuwe ouders.")
            if for_buddy
            else _("Gepauzeerd.")
        )
    if is_matchable(facts, drawn):
        return (
            _("U bent klaar om gekoppeld te worden aan een ouder.")
            if for_buddy
            else _("Kan gekoppeld worden.")
        )
    open_items = missing(facts, drawn)
    if not open_items:
        return (
            _("Alles is klaar. De coördinator zet u op actief.")
            if for_buddy
            else _("Alles is klaar: zet de buddy op actief.")
        )
    first = open_items[0]
    if for_buddy:
        buddy_texts = {
            "introduction": _("De coördinator plant een kennismakingsgesprek met u."),
            "interview": _(
                "De coördinator plant een screeningsgesprek: een gesprek over uw "
                "ervaring en over wat een buddy doet."
            ),
            "vog": _("Vraag uw VOG aan via de link die u van het steunpunt krijgt."),
            "volunteer_agreement": _("Teken de vrijwilligersovereenkomst."),
            "confidentiality": _("Teken de geheimhoudingsverklaring."),
            "account": _("Accepteer de uitnodiging in uw e-mail."),
            "basic_training": _("Schrijf u in voor de basistraining."),
        }
        return buddy_texts[first.key]
    return _("Volgende stap: %(item)s.") % {"item": first.label}
