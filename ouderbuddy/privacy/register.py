"""The processing register (AVG art. 30) and the privacy statement (art. 13/14) of one
organisation, built from the system itself: the processing activities and their
purposes, the data each one keeps (read from the models' fields), the retention
periods (privacy.retention), who receives what, the processors and the security
measures. Pure reading: no writes, no requests.

The models are found through the app registry by label, so this bottom layer names
what the apps above it keep without importing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.privacy.models import ConsentPurpose, RetentionCategory
from ouderbuddy.privacy.retention import Policy, policies_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

C = RetentionCategory

# Fields every row has and that say nothing about a person.
BOOKKEEPING = frozenset(
    {"id", "organisation", "created_at", "updated_at", "anonymised_at"}
)
# Fields that hold special-category data (AVG art. 9): health and support needs of a
# child, or of the buddy's own child. They are kept as coarse codes, never as text.
SPECIAL = frozenset(
    {
        ("intake.helprequest", "codes"),
        ("buddies.buddy", "lived_experience"),
        ("evaluation.subject", "codes"),
        ("casework.contact", "topics"),
    }
)

# Keys that are data about a person themselves: where they live (four digits).
PLACES = frozenset({"regions.postcodearea"})


@dataclass(frozen=True)
class ActivityDef:
    key: str
    name: StrOrPromise
    purpose: StrOrPromise
    basis: StrOrPromise
    people: StrOrPromise
    models: tuple[str, ...]
    retention: tuple[str, ...]
    recipients: StrOrPromise
    consent: tuple[str, ...] = ()
    plain: StrOrPromise = ""  # what it means for a parent or buddy (the statement)


ACTIVITIES: tuple[ActivityDef, ...] = (
    ActivityDef(
        "intake",
        gettext_lazy("Aanmelding en intake van een hulpvraag"),
        gettext_lazy(
            "Een ouder (of jongere vanaf 16) vraagt hulp; de coördinator bekijkt de "
            "vraag en besluit wat past: een buddy, informatie of een doorverwijzing."
        ),
        gettext_lazy(
            "Toestemming (art. 6 lid 1a AVG); voor de codes over het kind "
            "uitdrukkelijke toestemming (art. 9 lid 2a AVG)."
        ),
        gettext_lazy("Ouders, jongeren vanaf 16, hun kinderen, verwijzers"),
        ("intake.helprequest", "intake.professionalreferral"),
        (C.ENDED_REQUEST, C.INFORMATION_REQUEST),
        gettext_lazy("Alleen de coördinatoren van het steunpunt."),
        (ConsentPurpose.REQUEST_PROCESSING,),
        gettext_lazy(
            "Uw naam, hoe we u bereiken, uw vraag en wat er speelt bij uw kind. "
            "Zo kunnen we u helpen."
        ),
    ),
    ActivityDef(
        "matching",
        gettext_lazy("Koppelen van ouder en buddy"),
        gettext_lazy(
            "De coördinator zoekt een buddy die past bij de vraag, de plek en de "
            "taal van de ouder, en stelt die voor."
        ),
        gettext_lazy("Toestemming (art. 6 lid 1a en art. 9 lid 2a AVG)."),
        gettext_lazy("Ouders en buddy's"),
        ("matching.match", "matching.conflict"),
        (C.CLOSED_MATCH,),
        gettext_lazy(
            "De voorgestelde buddy ziet eerst alleen een samenvatting zonder naam; "
            "meer alleen als de ouder daarvoor toestemming gaf."
        ),
        (ConsentPurpose.SHARE_WITH_BUDDY,),
        gettext_lazy(
            "We zoeken een buddy die bij u past. De buddy ziet alleen wat u goed vindt."
        ),
    ),
    ActivityDef(
        "casework",
        gettext_lazy("Begeleiding van een koppeling"),
        gettext_lazy(
            "De buddy en de coördinator houden bij hoe de begeleiding gaat: afspraken, "
            "contactmomenten, schoolgesprekken, check-ins en zorgsignalen."
        ),
        gettext_lazy("Toestemming (art. 6 lid 1a en art. 9 lid 2a AVG)."),
        gettext_lazy("Ouders en buddy's"),
        (
            "casework.agreement",
            "casework.contact",
            "casework.schoolmeeting",
            "casework.checkin",
            "casework.fitanswer",
            "casework.safetysignal",
            "casework.closure",
        ),
        (C.CLOSED_MATCH, C.CONTACT_LOG),
        gettext_lazy("De buddy van de koppeling en de coördinatoren."),
        (),
        gettext_lazy(
            "Afspraken met uw buddy en wanneer u contact had. Zo kan de coördinator "
            "zien of het goed gaat."
        ),
    ),
    ActivityDef(
        "buddies",
        gettext_lazy("Werving, screening en training van buddy's"),
        gettext_lazy(
            "Iemand meldt zich aan als buddy; het steunpunt voert gesprekken, "
            "beoordeelt de geschiktheid, ziet de VOG en traint de buddy."
        ),
        gettext_lazy(
            "Toestemming (art. 6 lid 1a AVG); voor de eigen ervaring uitdrukkelijke "
            "toestemming (art. 9 lid 2a AVG)."
        ),
        gettext_lazy("Buddy's en mensen die zich aanmelden"),
        (
            "buddies.buddy",
            "buddies.interview",
            "buddies.agreementsignature",
            "training.enrolment",
            "training.qualification",
        ),
        (C.STOPPED_BUDDY,),
        gettext_lazy("Alleen de coördinatoren van het steunpunt."),
        (ConsentPurpose.BUDDY_APPLICATION,),
        gettext_lazy(
            "Als u buddy wordt: uw gegevens, uw ervaring, het gesprek en uw "
            "trainingen. Van de VOG alleen de datum, nooit een kopie."
        ),
    ),
    ActivityDef(
        "support",
        gettext_lazy("Ondersteuning van buddy's en onkosten"),
        gettext_lazy(
            "Intervisie, de vraagbaak, berichten aan buddy's, de "
            "vrijwilligersvergoeding en het terugbetalen van onkosten."
        ),
        gettext_lazy(
            "Uitvoering van de vrijwilligersovereenkomst (art. 6 lid 1b AVG); "
            "de financiële gegevens ook wettelijke plicht (art. 6 lid 1c AVG)."
        ),
        gettext_lazy("Buddy's"),
        (
            "support.participation",
            "support.question",
            "support.reply",
            "support.expenseclaim",
            "support.flatallowance",
        ),
        (C.QUESTION_THREAD, C.EXPENSES),
        gettext_lazy(
            "De coördinatoren; de administratie krijgt de onkosten van de maand."
        ),
        (),
        gettext_lazy(
            "Als u buddy bent: uw vragen, uw intervisie en uw onkosten. Onkosten "
            "bewaren we zeven jaar, omdat de wet dat vraagt."
        ),
    ),
    ActivityDef(
        "evaluation",
        gettext_lazy("Evaluatie met vragenlijsten"),
        gettext_lazy(
            "Ouders en buddy's vullen vragenlijsten in over de begeleiding, zodat het "
            "steunpunt weet wat het oplevert."
        ),
        gettext_lazy("Toestemming (art. 6 lid 1a AVG), apart gevraagd."),
        gettext_lazy("Ouders en buddy's"),
        ("evaluation.subject", "evaluation.response", "evaluation.textanswer"),
        (C.QUESTIONNAIRE,),
        gettext_lazy(
            "Coördinatoren zien alleen cijfers over vijf of meer mensen; open "
            "antwoorden alleen bij de eigen koppeling."
        ),
        (ConsentPurpose.RESEARCH,),
        gettext_lazy(
            "Als u meedoet: uw antwoorden op de vragenlijst, onder een nummer in "
            "plaats van uw naam."
        ),
    ),
    ActivityDef(
        "reports",
        gettext_lazy("Rapportage en signalering aan het bestuur van het SWV"),
        gettext_lazy(
            "Het steunpunt telt hoeveel mensen het hielp en meldt knelpunten aan het "
            "bestuur van het samenwerkingsverband."
        ),
        gettext_lazy("Taak van algemeen belang (art. 6 lid 1e AVG)."),
        gettext_lazy("Geen: alleen getelde, anonieme cijfers"),
        ("reports.boardreport",),
        (),
        gettext_lazy(
            "Het bestuur van het samenwerkingsverband krijgt alleen getelde cijfers; "
            "een aantal onder de vijf wordt niet getoond."
        ),
        (),
        gettext_lazy(
            "Het bestuur van het samenwerkingsverband krijgt alleen cijfers, nooit "
            "namen of verhalen."
        ),
    ),
    ActivityDef(
        "security",
        gettext_lazy("Beveiliging en verantwoording"),
        gettext_lazy(
            "Inloggen met twee stappen en een auditlog van wie wat deed of las, om "
            "de gegevens te beschermen en bij een klacht of datalek te kunnen "
            "nagaan wat er gebeurde."
        ),
        gettext_lazy("Wettelijke plicht (art. 5 lid 2 en art. 32 AVG)."),
        gettext_lazy("Medewerkers en buddy's met een account"),
        ("accounts.user", "privacy.auditevent"),
        (C.AUDIT_LOG, C.SESSIONS, C.EMAIL),
        gettext_lazy("Alleen de coördinatoren (het auditlog)."),
        (),
        gettext_lazy(
            "Wie uw dossier opende en wanneer. Daar staat geen naam van u in."
        ),
    ),
)

RECIPIENTS: tuple[tuple[StrOrPromise, StrOrPromise], ...] = (
    (
        gettext_lazy("Buddy's"),
        gettext_lazy(
            "Zien van een hulpvraag alleen een samenvatting, en alleen als de ouder "
            "daarvoor toestemming gaf. Contactgegevens pas na de koppeling."
        ),
    ),
    (
        gettext_lazy("Het bestuur van het samenwerkingsverband (SWV)"),
        gettext_lazy(
            "Krijgt alleen getelde cijfers. Een aantal onder de vijf wordt niet "
            "getoond, zodat niemand herkenbaar is. Medewerkers van het SWV die over "
            "toelaatbaarheid beslissen, zien geen dossiers."
        ),
    ),
    (
        gettext_lazy("Scholen en andere hulpverleners"),
        gettext_lazy(
            "Krijgen niets, tenzij de ouder dat zelf wil en toestemming geeft."
        ),
    ),
    (
        gettext_lazy("Samenwerkende steunpunten (later)"),
        gettext_lazy(
            "Als steunpunten later buddy's delen, gebeurt dat alleen met een "
            "afspraak tussen de steunpunten en de toestemming van de mensen zelf. "
            "Nu wordt er niets gedeeld."
        ),
    ),
)

PROCESSORS: tuple[tuple[StrOrPromise, StrOrPromise], ...] = (
    (
        gettext_lazy("Hosting en beheer van de software"),
        gettext_lazy(
            "De leverancier die de servers en de database draait. Bij voorkeur in "
            "de Europese Unie, met een verwerkersovereenkomst (art. 28 AVG), "
            "bijvoorbeeld het Model Verwerkersovereenkomst 4.0 van het "
            "Privacyconvenant."
        ),
    ),
    (
        gettext_lazy("E-mail"),
        gettext_lazy(
            "De dienst die de e-mails van het systeem verstuurt (uitnodigingen, de "
            "statuslink, herinneringen). In een e-mail staan geen gegevens over het "
            "kind."
        ),
    ),
)
PROCESSORS_NOTE = gettext_lazy(
    "Vul de naam van elke verwerker, het land waar de gegevens staan en de datum "
    "van de verwerkersovereenkomst zelf in: download het register als Markdown en "
    "vul het aan. Het systeem gebruikt geen analysediensten of tracking."
)

SECURITY: tuple[StrOrPromise, ...] = (
    gettext_lazy(
        "Vrije tekst over mensen (de vraag, notities, gespreksverslagen, open "
        "antwoorden) staat versleuteld in de database; de sleutels kunnen worden "
        "vervangen."
    ),
    gettext_lazy(
        "Medewerkers loggen in met een wachtwoord en een tweede stap (een code uit "
        "een app). Na een aantal foute pogingen gaat het account op slot; na 30 "
        "minuten zonder gebruik wordt de sessie beëindigd."
    ),
    gettext_lazy(
        "Iedere medewerker heeft een rol en ziet alleen wat bij die rol en het eigen "
        "steunpunt hoort; buddy's zien alleen hun eigen koppelingen."
    ),
    gettext_lazy(
        "Een auditlog houdt bij wie wat deed en welk dossier las. Het kan niet "
        "worden gewijzigd en bevat geen namen."
    ),
    gettext_lazy(
        "Over kinderen worden alleen grove codes bewaard, geen diagnoses of "
        "documenten. Geen BSN en geen kopie van een identiteitsbewijs of VOG."
    ),
    gettext_lazy(
        "Gegevens worden na de bewaartermijn automatisch geanonimiseerd of verwijderd."
    ),
)


@dataclass(frozen=True)
class DataItem:
    label: str
    encrypted: bool
    special: bool


@dataclass
class Activity:
    key: str
    name: str
    purpose: str
    basis: str
    people: str
    recipients: str
    plain: str
    consents: list[str]
    data: list[DataItem] = field(default_factory=list)
    retention: list[Policy] = field(default_factory=list)

    @property
    def has_special(self) -> bool:
        return any(item.special for item in self.data)


def _data_of(label: str) -> list[DataItem]:
    """What one model keeps about people: its fields' names, without bookkeeping
    and keys to other records."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return []
    found = []
    for model_field in model._meta.get_fields():
        if model_field.auto_created or model_field.name in BOOKKEEPING:
            continue
        special = (label, model_field.name) in SPECIAL
        related = getattr(model_field, "related_model", None)
        related_label = (
            related._meta.label_lower
            if isinstance(related, type) and issubclass(related, models.Model)
            else ""
        )
        if (
            isinstance(model_field, models.ForeignKey | models.OneToOneField)
            and not special
            and related_label not in PLACES
        ):
            continue  # a key to another record, described there
        name = capfirst(str(getattr(model_field, "verbose_name", model_field.name)))
        found.append(
            DataItem(
                label=name,
                encrypted=isinstance(model_field, EncryptedTextField),
                special=special,
            )
        )
    return found


def activities_for(organisation_id: Any) -> list[Activity]:
    """Every processing activity with its data and the organisation's periods."""
    policies = {p.category: p for p in policies_for(organisation_id)}
    labels = dict(ConsentPurpose.choices)
    found = []
    for spec in ACTIVITIES:
        items: list[DataItem] = []
        seen: set[str] = set()
        for label in spec.models:
            for item in _data_of(label):
                if item.label not in seen:
                    seen.add(item.label)
                    items.append(item)
        found.append(
            Activity(
                key=spec.key,
                name=str(spec.name),
                purpose=str(spec.purpose),
                basis=str(spec.basis),
                people=str(spec.people),
                recipients=str(spec.recipients),
                plain=str(spec.plain),
                consents=[str(labels[c]) for c in spec.consent],
                data=items,
                retention=[policies[c] for c in spec.retention if c in policies],
            )
        )
    return found


@dataclass
class Register:
    organisation: Any
    activities: list[Activity]
    policies: list[Policy]
    recipients: list[tuple[str, str]]
    processors: list[tuple[str, str]]
    processors_note: str
    security: list[str]


def register_for(organisation: Any) -> Register:
    """The organisation's processing register, in the active language (without an
    organisation: the defaults every support point starts from)."""
    organisation_id = getattr(organisation, "pk", None)
    return Register(
        organisation=organisation,
        activities=activities_for(organisation_id),
        policies=policies_for(organisation_id),
        recipients=[(str(a), str(b)) for a, b in RECIPIENTS],
        processors=[(str(a), str(b)) for a, b in PROCESSORS],
        processors_note=str(PROCESSORS_NOTE),
        security=[str(s) for s in SECURITY],
    )


def _data_text(item: DataItem) -> str:
    marks = []
    if item.special:
        marks.append(_("bijzonder persoonsgegeven, als code"))
    if item.encrypted:
        marks.append(_("versleuteld"))
    return f"{item.label} ({', '.join(marks)})" if marks else item.label


def register_rows(register: Register) -> list[list[str]]:
    """The register as table rows (one per activity) for the CSV download."""
    return [
        [
            activity.name,
            activity.purpose,
            activity.basis,
            activity.people,
            "; ".join(_data_text(item) for item in activity.data),
            "; ".join(
                f"{p.label}: {p.period_label} {p.starts}" for p in activity.retention
            ),
            activity.recipients,
        ]
        for activity in register.activities
    ]


def register_header() -> list[str]:
    return [
        _("Verwerking"),
        _("Doel"),
        _("Grondslag"),
        _("Van wie"),
        _("Welke gegevens"),
        _("Bewaartermijn"),
        _("Wie ontvangt het"),
    ]


def register_markdown(register: Register) -> str:
    """The register as a Markdown document the organisation can complete and keep."""
    lines = [
        "# " + _("Verwerkingsregister van %(name)s") % {"name": register.organisation},
        "",
        _("Register van verwerkingsactiviteiten (artikel 30 AVG)."),
        "",
    ]
    for activity in register.activities:
        lines += [
            f"## {activity.name}",
            "",
            f"- **{_('Doel')}:** {activity.purpose}",
            f"- **{_('Grondslag')}:** {activity.basis}",
            f"- **{_('Van wie')}:** {activity.people}",
            f"- **{_('Wie ontvangt het')}:** {activity.recipients}",
        ]
        if activity.consents:
            lines.append(f"- **{_('Toestemming')}:** {'; '.join(activity.consents)}")
        for policy in activity.retention:
            lines.append(
                f"- **{_('Bewaartermijn')}:** {policy.label}: {policy.period_label} "
                f"{policy.starts}"
            )
        lines += ["", f"**{_('Welke gegevens')}:**", ""]
        lines += [f"- {_data_text(item)}" for item in activity.data]
        lines.append("")
    lines += [f"## {_('Ontvangers')}", ""]
    lines += [f"- **{who}:** {what}" for who, what in register.recipients]
    lines += ["", f"## {_('Verwerkers')}", ""]
    lines += [
        f"- **{who}:** {what} " + _("Naam: …, land: …, overeenkomst van: …")
        for who, what in register.processors
    ]
    lines += ["", register.processors_note, "", f"## {_('Beveiliging')}", ""]
    lines += [f"- {measure}" for measure in register.security]
    lines.append("")
    return "\n".join(lines)
