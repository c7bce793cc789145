"""Questions privacy asks the apps above it (`lib.hooks`).

The subject-access pages live in privacy, below the apps whose data they show, so
privacy cannot import the status link's check (intake) or the mail path
(notifications). Each of those apps answers here in its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ouderbuddy.lib.hooks import Answer


def _request_for_status_token(token: str) -> Any:
    """The help request behind a parent's status link; raises a `DomainError` when
    the link is tampered with or expired. Intake answers."""
    raise NotImplementedError


request_for_status_token = Answer.like(
    _request_for_status_token, "privacy.request_for_status_token"
)


def _send_templated(
    *,
    to: Iterable[Any],
    subject: Any,
    template: str,
    context: dict[str, Any],
    subject_params: dict[str, Any] | None = None,
    organisation: Any = None,
) -> Any:
    """Send an e-mail through the one mail path (after commit, in each reader's
    language). Notifications answers with `mail.send_templated`."""
    raise NotImplementedError


send_templated = Answer.like(_send_templated, "privacy.send_templated")


def _absolute_url(target: str, *args: Any) -> str:
    """The address of a page for a link in an e-mail. Notifications answers with
    `mail.absolute_url`."""
    raise NotImplementedError


absolute_url = Answer.like(_absolute_url, "privacy.absolute_url")
