"""Changing retention: an organisation's own periods, and keeping one case longer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy import retention
from ouderbuddy.privacy.models import RetentionHold, RetentionPolicy
from ouderbuddy.privacy.services import record_event
from ouderbuddy.rights import retention_job

# A hold adds one more period of the category, but never more than a year.
MAX_HOLD_MONTHS = 12


def set_policy(
    actor: Any, *, category: str, months: int, reason: str
) -> RetentionPolicy:
    """The organisation's own period for `category` (never below the legal minimum)."""
    rule = retention.RULE_OF.get(category)
    if rule is None:
        raise DomainError(_("Deze soort gegevens bestaat niet."))
    if category in retention.PLATFORM_WIDE:
        raise DomainError(
            _("Deze termijn geldt voor het hele platform en kan hier niet veranderen.")
        )
    if months < rule.minimum:
        raise DomainError(
            _("De wet vraagt minstens %(n)s maanden.") % {"n": rule.minimum},
            field="months",
        )
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.update_or_create(
            organisation_id=actor.organisation_id,
            category=category,
            defaults={
                "months": months,
                "reason": reason,
                "changed_by_id": actor.user_id,
            },
        )
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="privacy.retention_policy",
            target=policy,
            data={"category": category, "months": months},
        )
    return policy


def hold(actor: Any, *, category: str, target_id: Any, reason: str) -> RetentionHold:
    """Keep one case that is due within 30 days longer, once, with a reason."""
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError(
            _("Schrijf in een paar woorden waarom dit langer bewaard moet worden."),
            field="reason",
        )
    today = timezone.localdate()
    due = next(
        (
            d
            for d in retention_job.upcoming(actor.organisation_id, today=today)
            if d.category == category and str(d.pk) == str(target_id)
        ),
        None,
    )
    if due is None:
        raise DomainError(_("Dit wordt de komende 30 dagen niet geanonimiseerd."))
    if due.held_until is not None:
        raise DomainError(_("Dit wordt al langer bewaard. Dat kan maar één keer."))
    months = retention.months_for(actor.organisation_id)[category]
    until: dt.date = max(due.due_on, today) + relativedelta(
        months=max(1, min(months, MAX_HOLD_MONTHS))
    )
    try:
        with transaction.atomic():
            held = RetentionHold.objects.create(
                organisation_id=actor.organisation_id,
                category=category,
                target_type=retention_job.TARGET_TYPE[category],
                target_id=str(due.pk),
                until=until,
                reason=reason[:300],
                held_by_id=actor.user_id,
            )
            record_event(
                actor=actor,
                organisation=actor.organisation_id,
                verb="privacy.retention_hold",
                target=held,
                data={"category": category, "until": until.isoformat()},
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Dit wordt al langer bewaard. Dat kan maar één keer.")
        ) from exc
    return held
