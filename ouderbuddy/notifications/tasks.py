"""Background tasks of the notifications app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django_tasks import task

from ouderbuddy.notifications.backends import payload_to_message


@task()
def deliver_email(payload: dict[str, Any]) -> int:
    """Hand one queued message to the real mail backend."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    return connection.send_messages([payload_to_message(payload)]) or 0
