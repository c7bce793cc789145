"""The texts of a buddy's status history (`StatusChange.reason`), by code; rows store
the code and its parameters and are worded in the reader's language (`lib.history`).
A reason a person typed stays as they typed it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import StopReason
from ouderbuddy.lib.history import Choice, Date, History

BUDDY_HISTORY = History(
    texts={
        "applied": _("Aanmelding via het formulier."),
        "applied_again": _("Heeft zich opnieuw aangemeld via het formulier."),
        "pause_over": _("Pauze voorbij"),
        "pause_ended": _("Pauze beëindigd"),
        "paused_until": _("Pauze tot %(date)s"),
        # No words of their own: written with the code, never recognised from text.
        "stopped": _("%(stop_reason)s"),
        "stopped_note": _("%(stop_reason)s: %(note)s"),
    },
    params={"date": Date(), "stop_reason": Choice(StopReason)},
)
