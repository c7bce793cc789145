"""Points where accounts starts work in higher apps (`lib.hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ouderbuddy.lib.hooks import Hook

if TYPE_CHECKING:
    from ouderbuddy.accounts.models import User
    from ouderbuddy.organisations.models import Organisation


def _invitation_accepted(*, organisation: Organisation, user: User) -> object:
    """A buddy accepted their invitation: buddies links the account to the buddy
    record (in accounts' transaction)."""


invitation_accepted = Hook.like(_invitation_accepted, "accounts.invitation_accepted")
