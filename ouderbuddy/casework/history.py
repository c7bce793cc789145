"""The steps casework writes into a match's history (`matching.history`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouderbuddy.casework.models import CloseReason, Initiator
from ouderbuddy.lib.history import Choice
from ouderbuddy.matching.history import MATCH_HISTORY


def register() -> None:
    MATCH_HISTORY.extend(
        {"closed": _("Afgesloten: %(close_reason)s (besloten door: %(who)s)")},
        {"close_reason": Choice(CloseReason), "who": Choice(Initiator)},
    )
