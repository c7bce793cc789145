"""The texts of a match's history (`MatchEvent`), by code; rows store the code and
its parameters and are worded in the reader's language (`lib.history`).

Casework adds the steps it writes (closing a match) from its `ready`
(`MATCH_HISTORY.extend`). Keep every text a MatchEvent is written with in a list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.history import Choice, History
from ouderbuddy.matching.models import DeclineReason

MATCH_HISTORY = History(
    texts={
        "accepted": _("De buddy zegt ja."),
        "parent_agreed": _("De ouder is akkoord met de buddy."),
        "parent_declined": _("De ouder wil liever een andere buddy."),
        "started": _("Kennismaking gehouden; de koppeling loopt."),
        "request_withdrawn": _("De ouder heeft de hulpvraag ingetrokken."),
        "request_stopped": _("De coördinator heeft de hulpvraag gestopt."),
        "buddy_paused": _("De buddy heeft een pauze genomen."),
        "buddy_stopped": _("De buddy is gestopt."),
        # with parameters (after the plain ones); "with a reason" before "without",
        # or "Voorgesteld aan Bea: ..." would read as a name "Bea: ...".
        "proposed_because": _("Voorgesteld aan %(name)s: %(reason)s"),
        "proposed": _("Voorgesteld aan %(name)s."),
        "declined": _("De buddy zegt nee: %(decline_reason)s"),
        "expired": _("Geen antwoord van de buddy binnen %(days)s dagen."),
        "introduction_planned": _("Kennismaking gepland op %(at)s."),
        "cancelled": _("Gestopt door de coördinator: %(reason)s"),
    },
    params={"decline_reason": Choice(DeclineReason)},
)
