"""The texts of a request's history (`RequestEvent`), by code. Rows store the code and
its parameters and are worded in the reader's language (`lib.history`).

Writers in other apps (matching, casework) may still pass the text they used to
store; `RequestEvent.save` recognises it (in Dutch or English) and stores the code.
Keep every text a RequestEvent is written with in this list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.history import Choice, History
from ouderbuddy.privacy.models import ConsentPurpose

REQUEST_HISTORY = History(
    texts={
        # intake
        "received": _("Hulpvraag ontvangen."),
        "withdrawn_by_parent": _("Ingetrokken door de ouder."),
        "stopped_without_consent": _("Gestopt: geen toestemming meer."),
        "to_waiting_list": _("Op de wachtlijst voor een buddy gezet."),
        "informed": _("Beantwoord met informatie."),
        "note_updated": _("Notitie van het intakegesprek bijgewerkt."),
        "codes_corrected": _("Codes aangepast."),
        # matching
        "buddy_proposed": _("Buddy voorgesteld; wacht op antwoord van de buddy."),
        "proposal_off": _(
            "Het voorstel gaat niet door; u staat weer op de wachtlijst."
        ),
        "matched": _("Gekoppeld aan een buddy."),
        # casework
        "match_stopped_rematch": _(
            "De koppeling is gestopt; we zoeken een andere buddy."
        ),
        "support_finished": _("De begeleiding is afgerond."),
        # with parameters (after the plain ones: "Ingetrokken: …" is tried last)
        "consent_withdrawn": _("Toestemming ingetrokken: %(what)s"),
        "referred": _("Doorverwezen naar %(target)s."),
        "withdrawn": _("Ingetrokken: %(reason)s"),
    },
    params={"what": Choice(ConsentPurpose)},
)
