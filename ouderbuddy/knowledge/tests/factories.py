"""Articles made through the services, for the tests of any app."""

from __future__ import annotations

from collections.abc import Sequence

from ouderbuddy.knowledge import services
from ouderbuddy.knowledge.models import Article, Audience
from ouderbuddy.organisations.models import Membership


def article(
    actor: Membership,
    title: str = "Wat is een TLV?",
    body: str = "## Uitleg\n\nMet een toelaatbaarheidsverklaring mag een kind naar het speciaal onderwijs.",
    *,
    audience: str = Audience.BOTH,
    codes: Sequence[str] = (),
    keywords: str = "",
    summary: str = "",
    publish: bool = True,
) -> Article:
    made = services.create_article(
        actor=actor,
        title=title,
        body_markdown=body,
        audience=audience,
        codes=codes,
        keywords=keywords,
        summary=summary,
    )
    if publish:
        made = services.publish_article(actor=actor, article=made)
    return made
