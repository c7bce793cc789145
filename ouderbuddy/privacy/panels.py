"""The start page's panel of open rights requests (dashboard/panels.py shows it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from ouderbuddy.privacy.selectors_access import open_right_requests

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership


def open_rights_requests(actor: Membership) -> list[dict[str, Any]]:
    """One row: how many requests are open and the nearest legal deadline, in
    words when it has passed (not by colour alone)."""
    requests = open_right_requests(actor)
    first = requests.first()
    if first is None:
        return []
    count = requests.count()
    label = ngettext(
        "%(n)d open verzoek, uiterlijk afhandelen op %(day)s",
        "%(n)d open verzoeken, het eerste uiterlijk op %(day)s",
        count,
    ) % {"n": count, "day": date_format(first.due_on, "j F Y")}
    if first.due_on < timezone.localdate():
        label += " " + gettext("(te laat)")
    return [{"url": reverse("privacy:right_requests"), "label": label}]
