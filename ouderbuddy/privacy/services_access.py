"""The write side of subject access (AVG art. 15 and 20): a parent's request from the
status page with its e-mailed download link, the download that answers it, a
buddy's own export on the portal and the coordinator's export for anyone of the
organisation. Every export that is shown or downloaded leaves an audit event with
its format and channel, never its content."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from types import SimpleNamespace
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ouderbuddy.privacy import access, hooks
from ouderbuddy.privacy.models import RightKind, RightRequest, RightStatus
from ouderbuddy.privacy.services import record_event

LINK_DAYS = 30
# A parent may ask for a new link this often an hour (each one replaces the last).
REQUESTS_PER_HOUR = 5
FORMATS = ("html", "pdf", "json")

STATUS_LINK = "status_link"
PORTAL = "portal"
COORDINATOR = "coordinator"


def token_hash(token: str) -> str:
    """What is stored of a download link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def legal_deadline(received_at: dt.datetime) -> dt.date:
    """One month after receipt (AVG art. 12 lid 3)."""
    day: dt.date = timezone.localdate(received_at) + relativedelta(months=1)
    return day


def _new_request(person: access.Person, *, channel: str, **fields: Any) -> RightRequest:
    now = timezone.now()
    right = RightRequest(
        organisation_id=person.organisation_id,
        kind=RightKind.ACCESS,
        subject_type=access.SUBJECT_MODEL[person.kind],
        subject_id=str(person.subject.pk),
        subject_label=person.label,
        received_at=now,
        due_on=legal_deadline(now),
        channel=channel,
        **fields,
    )
    right.full_clean()
    right.save()
    return right


def _throttled(key: str) -> bool:
    """True once `key` was used REQUESTS_PER_HOUR times this hour."""
    cache.add(key, 0, 3600)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        used = 1
    return used > REQUESTS_PER_HOUR


@transaction.atomic
def request_access_by_parent(*, help_request: Any) -> RightRequest | None:
    """The parent asks for a copy of their data on the status page: a rights request
    (channel status_link) and an e-mail with a download link valid LINK_DAYS days,
    queued in this transaction. An open request of the last LINK_DAYS days gets the
    new link instead of a second request. None when asked too often (nothing
    happens; the page says the same)."""
    if _throttled(f"privacy:access:{help_request.pk}"):
        return None
    person = access.find_person(
        access.PARENT, help_request.pk, help_request.organisation_id
    )
    token = secrets.token_urlsafe(32)
    since = timezone.now() - dt.timedelta(days=LINK_DAYS)
    right = (
        RightRequest.objects.select_for_update()
        .filter(
            organisation_id=person.organisation_id,
            kind=RightKind.ACCESS,
            subject_type=access.SUBJECT_MODEL[access.PARENT],
            subject_id=str(help_request.pk),
            channel=STATUS_LINK,
            status=RightStatus.OPEN,
            received_at__gte=since,
        )
        .first()
    )
    if right is None:
        right = _new_request(person, channel=STATUS_LINK, token_hash=token_hash(token))
        verb = "privacy.access_request"
    else:
        right.token_hash = token_hash(token)
        right.save(update_fields=["token_hash"])
        verb = "privacy.access_link"
    record_event(
        actor=None,
        organisation=person.organisation_id,
        verb=verb,
        target=help_request,
        data={"right_request": str(right.pk), "channel": STATUS_LINK},
    )
    hooks.send_templated(
        to=[
            SimpleNamespace(
                email=help_request.email,
                language=getattr(help_request, "email_language", "") or "nl",
            )
        ],
        subject=gettext_lazy("Uw gegevens: de link om ze te downloaden"),
        template="privacy/email/access_link.txt",
        context={
            "link": hooks.absolute_url("privacy:download", token),
            "days": LINK_DAYS,
            "reference": help_request.reference,
            "organisation": help_request.organisation,
        },
        organisation=help_request.organisation,
    )
    return right


def right_request_for_token(token: str) -> RightRequest | None:
    """The parent's access request behind a download link, if the link is real and
    younger than LINK_DAYS days (read-only)."""
    if not token or len(token) > 100:
        return None
    since = timezone.now() - dt.timedelta(days=LINK_DAYS)
    return (
        RightRequest.objects.filter(
            token_hash=token_hash(token),
            kind=RightKind.ACCESS,
            channel=STATUS_LINK,
            received_at__gte=since,
        )
        .exclude(status=RightStatus.REFUSED)
        .first()
    )


def _event(
    *, actor: Any, person: access.Person, fmt: str, channel: str, right: Any = None
) -> None:
    data = {"format": fmt, "channel": channel, "kind": person.kind}
    if right is not None:
        data["right_request"] = str(right.pk)
    record_event(
        actor=actor,
        organisation=person.organisation_id,
        verb="privacy.export",
        target=person.subject,
        data=data,
    )


@transaction.atomic
def download_by_parent(*, right_request: RightRequest, fmt: str) -> access.Person:
    """The parent opens or downloads their export through the e-mailed link: the
    first time answers the request (done)."""
    right = RightRequest.objects.select_for_update().get(pk=right_request.pk)
    person = access.find_person(access.PARENT, right.subject_id, right.organisation_id)
    if right.status == RightStatus.OPEN:
        right.status = RightStatus.DONE
        right.done_at = timezone.now()
        right.outcome = "Export gedownload via de link in de e-mail."
        right.save(update_fields=["status", "done_at", "outcome"])
    _event(actor=None, person=person, fmt=fmt, channel=STATUS_LINK, right=right)
    return person


@transaction.atomic
def export_for_buddy(*, actor: Any, buddy_id: Any, fmt: str) -> access.Person:
    """A buddy looks at or downloads their own data on the portal: recorded as an
    answered rights request (channel portal)."""
    person = access.find_person(access.BUDDY, buddy_id, actor.organisation_id)
    now = timezone.now()
    right = _new_request(
        person,
        channel=PORTAL,
        status=RightStatus.DONE,
        done_at=now,
        done_by_id=actor.user_id,
        outcome="Export bekeken of gedownload in het buddyportaal.",
    )
    _event(actor=actor, person=person, fmt=fmt, channel=PORTAL, right=right)
    return person


@transaction.atomic
def make_export(*, actor: Any, kind: str, subject_id: Any) -> tuple[access.Person, int]:
    """The coordinator makes the export of a parent, buddy or staff member of the
    organisation: every open access request for that person is answered. Returns
    the person and how many requests that answered."""
    person = access.find_person(kind, subject_id, actor.organisation_id)
    subject_ids = [str(person.subject.pk)]
    if kind == access.PARENT:
        subject_ids = [str(r.pk) for r in access.anchors(person)]
    open_requests = list(
        RightRequest.objects.select_for_update().filter(
            organisation_id=actor.organisation_id,
            kind=RightKind.ACCESS,
            status=RightStatus.OPEN,
            subject_type=access.SUBJECT_MODEL[kind],
            subject_id__in=subject_ids,
        )
    )
    now = timezone.now()
    for right in open_requests:
        right.status = RightStatus.DONE
        right.done_at = now
        right.done_by_id = actor.user_id
        right.outcome = "Inzage-export gemaakt door de coördinator."
        right.save(update_fields=["status", "done_at", "done_by", "outcome"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.export_made",
        target=person.subject,
        data={"kind": kind, "answered": len(open_requests)},
    )
    return person, len(open_requests)


def record_export(*, actor: Any, person: access.Person, fmt: str) -> None:
    """The coordinator opens or downloads an export (audited, nothing else)."""
    _event(actor=actor, person=person, fmt=fmt, channel=COORDINATOR)
