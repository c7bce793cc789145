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

CURRENT = {
    text.purpose: text
    for text in (
        BUDDY_APPLICATION_V1,
        REQUEST_PROCESSING_V1,
        SHARE_WITH_BUDDY_V1,
        RESEARCH_V1,
    )
}
