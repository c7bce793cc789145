"""What every app's e-mails share: addresses, the site's language, sending after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from ouderbuddy.organisations.models import Membership, Role


def absolute_url(path: str) -> str:
    """`path` on the site's public address (for links in e-mails)."""
    return settings.SITE_URL.rstrip("/") + path


def first_name(full_name: str) -> str:
    return (full_name.split() or [""])[0]


def render(template: str, context: dict[str, Any]) -> str:
    """An e-mail body in the site's language (Dutch), whatever the request's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context)


def send_after_commit(subject: str, body: str, recipients: list[str]) -> None:
    """Send only when the transaction that caused the mail is committed."""
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def coordinator_addresses(organisation_id: Any) -> list[str]:
    """The e-mail addresses of the organisation's active coordinators."""
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.COORDINATOR, is_active=True
        ).values_list("user__email", flat=True)
    )
