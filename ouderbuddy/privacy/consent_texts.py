"""The consent texts people agree to. A changed text gets a new version; old versions
stay here, because each stored consent points at the version that was shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ouderbuddy.privacy.models import ConsentPurpose

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: StrOrPromise
    # The change from the version before is material (more data, another purpose,
    # another recipient): who agreed to an older version is asked again. A rewording
    # in plainer words is not.
    asks_again: bool = False


BUDDY_APPLICATION_V1 = ConsentText(
    ConsentPurpose.BUDDY_APPLICATION,
    "buddy-aanmelding-2026-11",
    _(
        "Ik geef het steunpunt toestemming om mijn aanmelding te gebruiken om te kijken of "
        "ik buddy kan worden. Mijn aanmelding bevat ook informatie over de gezondheid en de "
        "school van mijn eigen kind. Die gebruikt het steunpunt alleen om mij te koppelen "
        "aan een ouder met een vraag die daarbij past. Ik kan deze toestemming altijd "
        "intrekken. Als ik stop, verwijdert het steunpunt mijn gegevens uiterlijk twee jaar "
        "later."
    ),
)

REQUEST_PROCESSING_V1 = ConsentText(
    ConsentPurpose.REQUEST_PROCESSING,
    "hulpvraag-verwerken-2026-11",
    _(
        "Ik geef het steunpunt toestemming om mijn hulpvraag te gebruiken om mij te helpen. "
        "Mijn hulpvraag bevat ook informatie over de gezondheid en de school van mijn kind "
        "(of van mijzelf, als ik 16 jaar of ouder ben en voor mezelf vraag). "
        "Het steunpunt gebruikt die alleen hiervoor. Ik kan deze toestemming altijd "
        "intrekken; dan stopt het steunpunt met mijn hulpvraag."
    ),
)

SHARE_WITH_BUDDY_V1 = ConsentText(
    ConsentPurpose.SHARE_WITH_BUDDY,
    "delen-met-buddy-2026-11",
    _(
        "Het steunpunt mag een korte samenvatting van mijn vraag delen met een buddy die "
        "mij misschien kan helpen: het soort school, wat er speelt en de voornaam van het "
        "kind. Niet onze achternaam, ons adres of de naam van de school."
    ),
)

RESEARCH_V1 = ConsentText(
    ConsentPurpose.RESEARCH,
    "onderzoek-2026-11",
    _(
        "Ik krijg later een korte vragenlijst. Mijn antwoorden mogen zonder mijn naam "
        "gebruikt worden om het buddyprogramma beter te maken."
    ),
)

# Issue 10: the same consents in short sentences (B1), the 16+ case on its own.
BUDDY_APPLICATION_V2 = ConsentText(
    ConsentPurpose.BUDDY_APPLICATION,
    "buddy-aanmelding-2026-12",
    _(
        "Het steunpunt mag mijn aanmelding gebruiken. Zo kijkt het steunpunt of ik buddy "
        "kan worden. In mijn aanmelding staat ook iets over de gezondheid en de school "
        "van mijn eigen kind. Het steunpunt gebruikt dat alleen om mij te koppelen aan "
        "een ouder met een vraag die daarbij past. Ik mag deze toestemming altijd "
        "intrekken. Stop ik als buddy? Dan wist het steunpunt mijn gegevens binnen "
        "twee jaar."
    ),
)

REQUEST_PROCESSING_V2 = ConsentText(
    ConsentPurpose.REQUEST_PROCESSING,
    "hulpvraag-verwerken-2026-12",
    _(
        "Het steunpunt mag mijn hulpvraag gebruiken om mij te helpen. In mijn hulpvraag "
        "staat ook iets over de gezondheid en de school van mijn kind. "
        "Ben ik 16 jaar of ouder en vraag ik hulp voor mezelf? Dan gaat het over mijn "
        "eigen gezondheid en school. "
        "Het steunpunt gebruikt dit alleen om mij te helpen. Ik mag deze toestemming "
        "altijd intrekken. Dan stopt het steunpunt met mijn hulpvraag."
    ),
)

SHARE_WITH_BUDDY_V2 = ConsentText(
    ConsentPurpose.SHARE_WITH_BUDDY,
    "delen-met-buddy-2026-12",
    _(
        "Het steunpunt mag een korte samenvatting van mijn vraag aan een buddy geven. "
        "Dat is een buddy die mij misschien kan helpen. In de samenvatting staan het "
        "soort school, wat er speelt en de voornaam van het kind. Onze achternaam, ons "
        "adres en de naam van de school staan er niet in."
    ),
)

RESEARCH_V2 = ConsentText(
    ConsentPurpose.RESEARCH,
    "onderzoek-2026-12",
    _(
        "Ik krijg later een korte vragenlijst. Het steunpunt mag mijn antwoorden "
        "gebruiken om het buddyprogramma beter te maken. Mijn naam staat er niet bij."
    ),
)

# The texts shown now. Forms show these, and record_consent stores the same text.
BUDDY_APPLICATION = BUDDY_APPLICATION_V2
REQUEST_PROCESSING = REQUEST_PROCESSING_V2
SHARE_WITH_BUDDY = SHARE_WITH_BUDDY_V2
RESEARCH = RESEARCH_V2

CURRENT = {
    text.purpose: text
    for text in (BUDDY_APPLICATION, REQUEST_PROCESSING, SHARE_WITH_BUDDY, RESEARCH)
}

# Every version per purpose, oldest first (a new version goes at the end).
HISTORY: dict[str, list[ConsentText]] = {
    ConsentPurpose.BUDDY_APPLICATION: [BUDDY_APPLICATION_V1, BUDDY_APPLICATION_V2],
    ConsentPurpose.REQUEST_PROCESSING: [REQUEST_PROCESSING_V1, REQUEST_PROCESSING_V2],
    ConsentPurpose.SHARE_WITH_BUDDY: [SHARE_WITH_BUDDY_V1, SHARE_WITH_BUDDY_V2],
    ConsentPurpose.RESEARCH: [RESEARCH_V1, RESEARCH_V2],
}


def renewal_for(purpose: str, version: str) -> ConsentText | None:
    """The current text to ask again for, when a consent given to `version` predates
    a material change of `purpose`'s text; None when the consent still holds."""
    current = CURRENT.get(purpose)
    if current is None or version == current.version:
        return None
    versions = HISTORY.get(purpose, [])
    known = [t.version for t in versions]
    later = versions[known.index(version) + 1 :] if version in known else versions
    return current if any(t.asks_again for t in later) else None
