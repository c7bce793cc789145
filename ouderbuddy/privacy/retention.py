"""Retention periods (bewaartermijnen): how long each category of data is kept, why,
and the legal minimum where the law sets one (DOMAIN.md §3.4).

The AVG sets no fixed periods: keep data no longer than needed, and document the period
and the reason. Each category has a default below; an organisation may set its own
period (a `RetentionPolicy` row), never below the legal minimum. The retention job
(rights/retention_job.py) anonymises or deletes what is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from ouderbuddy.privacy.models import RetentionCategory, RetentionPolicy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

C = RetentionCategory


@dataclass(frozen=True)
class Rule:
    """The default for one category."""

    category: str
    months: int
    minimum: int  # the legal minimum in months (0: none)
    starts: StrOrPromise  # from which moment the period runs
    effect: StrOrPromise  # what happens when it has passed
    reason: StrOrPromise  # why this long


ANONYMISED = _(
    "Geanonimiseerd: namen, adressen, telefoonnummers en alle vrije tekst gaan weg. "
    "De codes, datums en duur blijven, zodat de cijfers kloppen."
)

RULES: tuple[Rule, ...] = (
    Rule(
        C.CLOSED_MATCH,
        12,
        0,
        _("na het afsluiten van de koppeling"),
        ANONYMISED,
        _(
            "In het eerste jaar kan de ouder terugkomen en kan de begeleiding weer "
            "worden opgepakt. Daarna is het dossier niet meer nodig."
        ),
    ),
    Rule(
        C.CONTACT_LOG,
        12,
        0,
        _("na het afsluiten van de koppeling"),
        _(
            "De notitie gaat weg. Datum, duur, manier en onderwerpen blijven, voor de "
            "cijfers over de begeleiding."
        ),
        _(
            "De notities helpen de coördinator zolang de begeleiding loopt en kort "
            "daarna."
        ),
    ),
    Rule(
        C.ENDED_REQUEST,
        3,
        0,
        _("nadat de hulpvraag is ingetrokken"),
        ANONYMISED,
        _(
            "Een ingetrokken hulpvraag is niet meer nodig. Drie maanden geeft de ouder "
            "tijd om zich te bedenken."
        ),
    ),
    Rule(
        C.INFORMATION_REQUEST,
        6,
        0,
        _("nadat het steunpunt informatie gaf of doorverwees"),
        ANONYMISED,
        _(
            "Zo kan het steunpunt een vervolgvraag van dezelfde ouder beantwoorden "
            "zonder alles opnieuw te vragen."
        ),
    ),
    Rule(
        C.STOPPED_BUDDY,
        24,
        0,
        _("nadat de buddy is gestopt"),
        _(
            "Geanonimiseerd: naam, adres, motivatie, de gespreksnotities van de "
            "screening en het account gaan weg. Ervaringen, datums en trainingen "
            "blijven als codes."
        ),
        _(
            "Zo kan het steunpunt vragen over eerdere begeleiding beantwoorden. Dit "
            "staat ook in de toestemming die de buddy gaf (uiterlijk twee jaar)."
        ),
    ),
    Rule(
        C.QUESTIONNAIRE,
        12,
        0,
        _("na het afsluiten van de koppeling"),
        _(
            "De antwoorden zijn niet meer aan de koppeling te verbinden en open "
            "antwoorden gaan weg. De scores blijven anoniem in de cijfers."
        ),
        _(
            "Binnen een jaar kan de coördinator met de uitkomsten de begeleiding "
            "verbeteren; daarna tellen ze alleen nog anoniem mee."
        ),
    ),
    Rule(
        C.QUESTION_THREAD,
        24,
        0,
        _("nadat de vraag is afgesloten"),
        _("Het onderwerp en de tekst van de vraag en de antwoorden gaan weg."),
        _(
            "Een antwoord kan later nog helpen bij dezelfde buddy; goede antwoorden "
            "gaan zonder namen naar de kennisbank."
        ),
    ),
    Rule(
        C.EXPENSES,
        84,
        84,
        _("na het einde van het jaar van de declaratie"),
        _(
            "Omschrijving, plaatsen en de bon gaan weg. Bedrag, datum en soort blijven "
            "niet langer dan nodig."
        ),
        _(
            "Financiële gegevens moeten zeven jaar bewaard worden (fiscale "
            "bewaarplicht, art. 52 Algemene wet inzake rijksbelastingen)."
        ),
    ),
    Rule(
        C.AUDIT_LOG,
        36,
        12,
        _("na het moment van de regel"),
        _("De regel wordt verwijderd."),
        _(
            "Zo kan het steunpunt bij een klacht of een datalek laten zien wie een "
            "dossier heeft gelezen. De regels bevatten geen namen."
        ),
    ),
    Rule(
        C.EMAIL,
        3,
        0,
        _("nadat de e-mail is verstuurd"),
        _("De e-mail en het resultaat van de taak worden verwijderd."),
        _("Lang genoeg om te kunnen nagaan of een e-mail is aangekomen."),
    ),
    Rule(
        C.SESSIONS,
        0,
        0,
        _("nadat de sessie is verlopen"),
        _("De sessie wordt verwijderd."),
        _("Een verlopen sessie heeft geen doel meer."),
    ),
)

RULE_OF: dict[str, Rule] = {rule.category: rule for rule in RULES}
# Kept for the whole platform, not per organisation (e-mails and sessions belong to no
# organisation): their period is the default, and an organisation cannot change it.
PLATFORM_WIDE = frozenset({C.EMAIL, C.SESSIONS})


@dataclass(frozen=True)
class Policy:
    """One category as it applies to one organisation."""

    category: str
    label: StrOrPromise
    months: int
    minimum: int
    starts: StrOrPromise
    effect: StrOrPromise
    reason: StrOrPromise
    own: bool  # the organisation set its own period

    @property
    def adjustable(self) -> bool:
        return self.category not in PLATFORM_WIDE

    @property
    def period_label(self) -> str:
        return period_label(self.months)


def period_label(months: int) -> str:
    """ "12 maanden", "2 jaar", "bij het verlopen"."""
    if months == 0:
        return str(_("meteen"))
    if months % 12 == 0:
        years = months // 12
        return str(_("1 jaar")) if years == 1 else str(_("%(n)s jaar") % {"n": years})
    return str(_("1 maand")) if months == 1 else str(_("%(n)s maanden") % {"n": months})


def policies_for(organisation_id: Any) -> list[Policy]:
    """Every category with the organisation's period (its own or the default)."""
    own = {
        p.category: p
        for p in RetentionPolicy.objects.filter(organisation_id=organisation_id)
    }
    found = []
    for rule in RULES:
        row = None if rule.category in PLATFORM_WIDE else own.get(rule.category)
        found.append(
            Policy(
                category=rule.category,
                label=RetentionCategory(rule.category).label,
                months=max(row.months, rule.minimum) if row else rule.months,
                minimum=rule.minimum,
                starts=rule.starts,
                effect=rule.effect,
                reason=(row.reason or rule.reason) if row else rule.reason,
                own=row is not None,
            )
        )
    return found


def months_for(organisation_id: Any) -> dict[str, int]:
    """Category → months, for the organisation."""
    return {p.category: p.months for p in policies_for(organisation_id)}


def due_on(start: dt.date | dt.datetime | None, months: int) -> dt.date | None:
    """The day a period of `months` from `start` has passed (None without a start)."""
    if start is None:
        return None
    day = start.date() if isinstance(start, dt.datetime) else start
    due: dt.date = day + relativedelta(months=months)
    return due
