"""E-mail backends: every message is sent by a background task, after the commit."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import transaction


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    """A JSON-safe copy of a message, to pass through the task queue."""
    alternatives = [
        [content, mimetype]
        for content, mimetype in getattr(message, "alternatives", [])
        if isinstance(content, str)
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": alternatives,
    }


def payload_to_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


class TaskEmailBackend(BaseEmailBackend):
    """Stores each message and queues its delivery task once the transaction commits.

    A rolled-back transaction therefore sends nothing (the stored message goes with
    it), and a slow mail server never slows a page down. The task gets only the id of
    the stored message: the text never enters the task queue, and the stored row is
    deleted on delivery (see notifications.tasks).
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from ouderbuddy.notifications.models import OutgoingEmail  # noqa: PLC0415  the e-mail backend loads before the app registry is ready
        from ouderbuddy.notifications.tasks import deliver_email  # noqa: PLC0415  the e-mail backend loads before the app registry is ready

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stored = OutgoingEmail.objects.create(
                payload=json.dumps(message_to_payload(message))
            )
            transaction.on_commit(
                lambda pk=str(stored.pk): deliver_email.enqueue(pk)  # type: ignore[misc]
            )
            count += 1
        return count


class ConsoleAndFileBackend(BaseEmailBackend):
    """Development: print each message and keep a copy in var/mail/."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.console = ConsoleBackend(stream=sys.stdout, **kwargs)
        self.file = FileBackend(file_path=str(settings.EMAIL_FILE_PATH), **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.file.send_messages(email_messages)
        return self.console.send_messages(email_messages)
