"""Background tasks of the notifications app: delivering the stored e-mails.

Each e-mail is an OutgoingEmail row (written in the transaction that decided to send
it); the task gets only the row's id, so no subject, body or link ever sits in the
task queue or its results. Delivery:

1. claim the row (one UPDATE: only when nobody holds it, or the holder is stale), so
   two tasks for the same message never both send it;
2. hand the message to EMAIL_DELIVERY_BACKEND;
3. delete the row. Nothing of the message is left in the database.

A worker killed before step 3 leaves the row behind; `redeliver_stuck_email` (every
scheduler tick) queues a new task for a row that has waited STALE_AFTER without being
delivered, so the message still goes out, once. Only a kill in the instant between the
mail server accepting the message and the delete can send it twice. A message the
mail server refuses is tried again each STALE_AFTER, MAX_ATTEMPTS times in all.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from ouderbuddy.notifications.backends import payload_to_message
from ouderbuddy.notifications.models import OutgoingEmail
from ouderbuddy.notifications.scheduler import frequent_job

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died; a queued message that has
# waited this long without delivery is queued again.
STALE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
REQUEUE_BATCH = 500


def _free(now: dt.datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_AFTER)


@task()
def deliver_email(message_id: str) -> int:
    """Deliver the stored message `message_id` once and delete it; 0 if already done."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=message_id)
        .filter(_free(now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        # Delivered before (the row is gone) or another task is delivering it now.
        return 0
    stored = OutgoingEmail.objects.get(pk=message_id)
    message = payload_to_message(json.loads(stored.payload))
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        sent = connection.send_messages([message]) or 0
    except Exception:
        if stored.attempts >= MAX_ATTEMPTS:
            logger.error(
                "E-mail %s refused %s times; given up and removed.",
                message_id,
                stored.attempts,
            )
            OutgoingEmail.objects.filter(pk=message_id).delete()
        else:
            # Let the next attempt (redeliver_stuck_email) claim it.
            OutgoingEmail.objects.filter(pk=message_id, claimed_at=now).update(
                claimed_at=None
            )
        raise
    OutgoingEmail.objects.filter(pk=message_id).delete()
    return sent


@frequent_job("notifications.redeliver_email")
def redeliver_stuck_email(now: dt.datetime) -> int:
    """Queue a new delivery task for each message left behind; return how many."""
    cutoff = now - STALE_AFTER
    stuck = Q(enqueued_at__lt=cutoff) & _free(now)
    queued = 0
    ids = list(
        OutgoingEmail.objects.filter(stuck).values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    for pk in ids:
        # The conditional update lets one scheduler process queue it, not several.
        if OutgoingEmail.objects.filter(stuck, pk=pk).update(enqueued_at=now):
            deliver_email.enqueue(str(pk))
            queued += 1
    return queued
