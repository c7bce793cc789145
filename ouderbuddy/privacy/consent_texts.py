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

CURRENT = {BUDDY_APPLICATION_V1.purpose: BUDDY_APPLICATION_V1}
