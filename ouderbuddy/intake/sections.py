"""Intake's sections of the parent's status page (assembled by casework.views_parent):
when the coordinator will call, what happened to the request, everything that is kept
about it, and the consents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.intake import rows, services
from ouderbuddy.intake.models import Asker, HelpRequest, RequestEvent, RequestStatus
from ouderbuddy.intake.selectors import codes_of
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.prepared import Prepared, loaded
from ouderbuddy.privacy.consent_texts import renewal_for
from ouderbuddy.privacy.models import Consent, ConsentPurpose
from ouderbuddy.taxonomy.models import CodeGroup


def _add_working_days(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    multiline: bool = False


def choice_labels(values: list[str], choices: type[Any]) -> str:
    known = dict(choices.choices)
    return ", ".join(str(known.get(v, v)) for v in values) or _("Niet ingevuld")


def held_data(help_request: HelpRequest) -> list[tuple[str, list[Row]]]:
    """Everything the support point keeps about this request, readable."""
    hr = help_request
    empty = _("Niet ingevuld")
    codes: dict[str, list[str]] = {}
    for code in codes_of([hr.pk]).get(hr.pk, []):
        group = "route" if code.group == CodeGroup.TRANSITION else code.group
        codes.setdefault(group, []).append(code.label)
    area = hr.postcode
    young = hr.asker == Asker.YOUNG_PERSON
    deadline = empty
    if hr.deadline_on:
        deadline = f"{hr.deadline_on:%d-%m-%Y}"
        if hr.deadline_kind:
            deadline += f" ({hr.get_deadline_kind_display()})"
    return [
        (
            _("Uw gegevens"),
            [
                Row(_("Wie vraagt"), hr.get_asker_display()),
                Row(_("Naam"), hr.full_name),
                Row(_("E-mailadres"), hr.email),
                Row(_("Telefoonnummer"), hr.phone or empty),
                Row(_("Liefst contact via"), hr.get_preferred_contact_display()),
                Row(
                    _("Postcode"),
                    f"{area.pc4} ({area.municipality.name})"
                    if area.municipality_id
                    else area.pc4,
                ),
            ],
        ),
        (
            _("Over jezelf") if young else _("Over uw kind"),
            [
                Row(_("Voornaam of voorletters"), hr.child_name),
                Row(
                    _("Geboortejaar"),
                    str(hr.child_birth_year) if hr.child_birth_year else empty,
                ),
                Row(_("Groep of leerjaar"), hr.child_grade or empty),
                Row(_("Naam van de school"), hr.school_name or empty),
                Row(_("Soort school"), ", ".join(codes.get("route", [])) or empty),
            ],
        ),
        (
            _("Wat er speelt"),
            [
                Row(
                    _("Waar de vraag over gaat"),
                    ", ".join(codes.get("issue", [])) or empty,
                ),
                Row(
                    _("Wat het kind nodig heeft"),
                    ", ".join(codes.get("need", [])) or empty,
                ),
                *(
                    [Row(_("Gezinssituatie"), ", ".join(codes["context"]))]
                    if codes.get("context")
                    else []
                ),
                Row(_("Uw vraag"), hr.question, multiline=True),
                Row(_("Belangrijke datum"), deadline),
                Row(
                    _("Langer dan 4 weken thuis"),
                    _("Ja") if hr.out_of_school else _("Nee"),
                ),
            ],
        ),
        (
            _("Voorkeuren"),
            [
                Row(_("Talen"), choice_labels(hr.languages, SpokenLanguage)),
                Row(
                    _("Contact met de buddy"),
                    choice_labels(hr.contact_modes, ContactMode),
                ),
                Row(_("Voorkeur buddy"), hr.get_buddy_gender_display()),
                Row(_("Afstand hoogstens (km)"), str(hr.max_distance_km)),
            ],
        ),
    ]


# The status page's reads, compiled once per process (`lib/prepared.py`): the
# request's consents (what the page shows of them) and its history lines.
_CONSENT_NAMES = {
    f: f for f in ("purpose", "given_at", "withdrawn_at", "text", "text_version")
}
_CONSENTS = Prepared(
    lambda organisation_id, subject_type, subject_id: (
        Consent.objects.filter(
            organisation_id=organisation_id,
            subject_type=subject_type,
            subject_id=subject_id,
        )
        .order_by("given_at")
        .values("pk", *_CONSENT_NAMES)
    )
)
_EVENTS = Prepared(
    lambda request_id: (
        RequestEvent.objects.filter(request_id=request_id)
        .filter(Q(to_status__gt="") | Q(by_parent=True))
        .order_by("at")
        .values("at", "code", "params", "description")
    )
)


def request_status(help_request: HelpRequest) -> dict[str, Any]:
    """Intake's part of the status page: the day the coordinator calls at the latest,
    the request's history for the parent, what is kept, and the consents with those
    that still count."""
    consents = [
        loaded(Consent, row, _CONSENT_NAMES)
        for row in _CONSENTS.rows(
            help_request.organisation_id,
            HelpRequest._meta.label_lower,
            str(help_request.pk),
        )
    ]
    received = timezone.localtime(help_request.received_at).date()
    return {
        "help_request": help_request,
        "statuses": RequestStatus,
        "purposes": ConsentPurpose,
        "contact_by": _add_working_days(received, services.CONTACT_WITHIN_WORKING_DAYS),
        "consents": consents,
        # Those that still count (`services.active_consents`), from the same rows.
        "active_purposes": {c.purpose for c in consents if c.withdrawn_at is None},
        # Active consents whose text changed materially since: asked again.
        "renewals": {
            c.purpose: text
            for c in consents
            if c.withdrawn_at is None
            and (text := renewal_for(c.purpose, c.text_version)) is not None
        },
        "sections": held_data(help_request),
        "events": _event_lines(help_request),
    }


def _event_lines(help_request: HelpRequest) -> list[str]:
    """The request's history for the parent (the status changes and what the parent
    did), oldest first, each line as `{{ event.at|date:"j F Y" }}: {{ event.text }}`
    (plain text: the template escapes it); only the columns worded are read."""
    history = RequestEvent.history()
    day = rows.LongDates()
    return [
        f"{day(e['at'])}: {history.word(e['code'], e['params'], e['description'] or '')}"
        for e in _EVENTS.rows(help_request.pk)
    ]
