"""Closed matches: the read side and the search form of the coordinator's list of
matches that ended (search, filters, sorting; the CSV export uses the same rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.casework.models import CloseReason, Initiator
from ouderbuddy.intake.selectors import normalise_reference
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.lib.views import PER_PAGE
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.organisations.models import Membership, Role


def closed_matches(actor: Membership, criteria: dict[str, Any]) -> QuerySet[Match]:
    """The organisation's closed matches with their closure, narrowed by `criteria`
    (the cleaned fields of `ClosedSearchForm`; a missing key is no filter)."""
    if actor.role != Role.COORDINATOR:
        return Match.objects.none()
    organisation = actor.organisation_id
    # Every joined table is read by the organisation too (a match's request, buddy
    # and closure are its organisation's): whatever plan PostgreSQL picks, no scan
    # reads other organisations' rows (casework.tests.test_closed_list guards it).
    queryset = Match.objects.filter(
        organisation_id=organisation,
        status=MatchStatus.CLOSED,
        closure__isnull=False,
        closure__organisation_id=organisation,
        request__organisation_id=organisation,
        buddy__organisation_id=organisation,
    ).select_related("request", "buddy", "closure")
    # The list and the download show none of the encrypted texts: not decrypted per row.
    queryset = queryset.defer(
        "request__question",
        "request__intake_note",
        "request__information_given",
        "buddy__motivation",
        "closure__note",
    )
    text = " ".join((criteria.get("q") or "").split())
    if text:
        condition = (
            Q(buddy__full_name__icontains=text)
            | Q(request__full_name__icontains=text)
            | Q(request__email__icontains=text)
            | Q(request__child_name__icontains=text)
        )
        reference = normalise_reference(text)
        if reference:
            condition |= Q(request__reference__icontains=reference)
        queryset = queryset.filter(condition)
    if criteria.get("reason"):
        queryset = queryset.filter(closure__reason=criteria["reason"])
    if criteria.get("initiator"):
        queryset = queryset.filter(closure__initiator=criteria["initiator"])
    if criteria.get("rematch") in ("yes", "no"):
        queryset = queryset.filter(closure__rematch=criteria["rematch"] == "yes")
    if criteria.get("closed"):
        since = timezone.localdate() - dt.timedelta(days=int(criteria["closed"]))
        queryset = queryset.filter(closure__closed_on__gte=since)
    sort = criteria.get("sort") or "newest"
    if sort == "oldest":
        return queryset.order_by("closure__closed_on", "pk")
    if sort == "longest":
        length = ExpressionWrapper(
            F("closure__closed_on") - F("started_on"), output_field=DurationField()
        )
        return queryset.annotate(length=length).order_by(
            F("length").desc(nulls_last=True), "pk"
        )
    return queryset.order_by("-closure__closed_on", "pk")


# What the list's cards show of a closed match.
CARD_FIELDS = (
    "id",
    "started_on",
    "request__reference",
    "request__full_name",
    "buddy__full_name",
    "closure__reason",
    "closure__initiator",
    "closure__rematch",
    "closure__closed_on",
)


def windowed(queryset: QuerySet[Any], start: int, per_page: int) -> QuerySet[Any]:
    """The rows of a page of a `values` queryset, each with the count of all rows
    (`_total`, a window over the same rows)."""
    page: QuerySet[Any] = queryset.annotate(_total=Window(Count("pk")))
    return page[start : start + per_page]


def counted_page(
    queryset: QuerySet[Any],
    number: Any,
    per_page: int,
    read: Prepared | None = None,
    args: tuple[Any, ...] = (),
) -> Page[Any]:
    """`Paginator(queryset, per_page).get_page(number)` for a `values` queryset, with
    the count taken in the page's own query (a window over the same rows) instead of
    a COUNT of its own. Only a page past the end or below 1 (shown as the last page,
    as `get_page` does) is counted apart. With `read` (a `Prepared` whose build is
    `windowed(queryset, start, per_page)` of `*args, start, per_page`) the page's
    rows come from the statement compiled once per process."""
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # what get_page makes of a page that is not a number
    if wanted >= 1:
        start = (wanted - 1) * per_page
        if read is not None:
            found = read.rows(*args, start, per_page)
        else:
            found = list(windowed(queryset, start, per_page))
        if found:
            paginator.count = found[0]["_total"]
            for row in found:
                del row["_total"]
            return Page(found, wanted, paginator)
        if wanted == 1:
            paginator.count = 0
            return Page([], 1, paginator)
    return paginator.get_page(number)


def closed_page(actor: Membership, criteria: dict[str, Any], number: Any) -> Page[Any]:
    """The page `number` of the closed matches, as rows of `CARD_FIELDS`."""
    return counted_page(
        closed_matches(actor, criteria).values(*CARD_FIELDS), number, PER_PAGE
    )


class ClosedSearchForm(Form):
    """Search and filters of the closed matches (GET); a bad value is left out."""

    q = forms.CharField(
        label=_("Zoeken"),
        help_text=_(
            "Kenmerk van de hulpvraag, naam van de buddy of de ouder, of e-mailadres."
        ),
        max_length=100,
        required=False,
    )
    reason = forms.ChoiceField(
        label=_("Reden"),
        choices=[("", _("Alle redenen")), *CloseReason.choices],
        required=False,
    )
    initiator = forms.ChoiceField(
        label=_("Wie besloot"),
        choices=[("", _("Iedereen")), *Initiator.choices],
        required=False,
    )
    rematch = forms.ChoiceField(
        label=_("Opnieuw een buddy gezocht"),
        choices=[("", _("Alles")), ("yes", _("Ja")), ("no", _("Nee"))],
        required=False,
    )
    closed = forms.ChoiceField(
        label=_("Afgesloten"),
        choices=[
            ("", _("Altijd")),
            ("30", _("In de laatste 30 dagen")),
            ("90", _("In de laatste 3 maanden")),
            ("365", _("In het laatste jaar")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sorteren"),
        choices=[
            ("newest", _("Laatst afgesloten eerst")),
            ("oldest", _("Eerst afgesloten eerst")),
            ("longest", _("Langste koppeling eerst")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _(
                    "Kies een waarde uit de lijst."
                )

    def criteria(self) -> dict[str, Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in ("", None)}
