"""The read side of intake: the coordinator's inbox and waiting list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    ProfessionalReferral,
    RequestStatus,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.prepared import Prepared, loaded
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import Municipality, PostcodeArea
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode


def visible_requests(actor: Membership) -> QuerySet[HelpRequest]:
    """The requests of the actor's organisation (coordinators only)."""
    if actor.role != Role.COORDINATOR:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(organisation_id=actor.organisation_id)


# The request's encrypted texts: a page that shows none of them need not decrypt them.
TEXTS = ("question", "intake_note", "information_given")


def get_request_for(
    actor: Membership, request_id: Any, *, texts: bool = True
) -> HelpRequest:
    """One request of the actor's organisation (`texts=False`: its encrypted texts
    left unread until used); 404 when missing or not theirs."""
    found = visible_requests(actor).select_related("postcode__municipality")
    if not texts:
        found = found.defer(*TEXTS)
    try:
        return found.get(pk=request_id)
    except (HelpRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# What the coordinator's page of one request shows of it (views_triage.detail): its
# other columns (timestamps, form key, e-mail language, decided by) are not read.
PAGE_FIELDS = (
    "organisation",
    "reference",
    "status",
    "received_at",
    "source",
    "asker",
    "full_name",
    "email",
    "phone",
    "preferred_contact",
    "languages",
    "child_name",
    "child_birth_year",
    "child_grade",
    "school_name",
    "question",
    "deadline_on",
    "deadline_kind",
    "out_of_school",
    "postcode",
    "contact_modes",
    "buddy_gender",
    "max_distance_km",
    "intake_note",
    "information_given",
    "referral_target",
    "referral_reason",
    "postcode__municipality",
    "postcode__municipality__name",
)


# The request page's read, compiled once per process (`lib/prepared.py`); the rule
# (the organisation, coordinators only) stays in `visible_requests`.
_PAGE_OWN = tuple(f for f in PAGE_FIELDS if not f.startswith("postcode__"))
_PAGE = Prepared(
    lambda organisation_id, request_id: HelpRequest.objects.filter(
        organisation_id=organisation_id, pk=request_id
    ).values("pk", *PAGE_FIELDS)
)


def get_request_page_for(actor: Membership, request_id: Any) -> HelpRequest:
    """`get_request_for` with only the columns the request's page shows (and of its
    place only the municipality's name); 404 when missing or not theirs."""
    if actor.role != Role.COORDINATOR:
        raise Http404
    try:
        rows = _PAGE.rows(actor.organisation_id, request_id)
    except (ValueError, ValidationError) as exc:  # not a key at all
        raise Http404 from exc
    if not rows:
        raise Http404
    row = rows[0]
    found = loaded(HelpRequest, row, {f: f for f in _PAGE_OWN})
    municipality = loaded(
        Municipality,
        row,
        {"name": "postcode__municipality__name"},
        pk="postcode__municipality",
    )
    postcode = loaded(PostcodeArea, row, {}, pk="postcode")
    postcode.municipality = municipality
    found.postcode = postcode
    return found


def _urgency_order(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """Urgent first (a deadline within 14 days, or a child at home), the nearest deadline
    first among those; then everything else, oldest first."""
    soon = timezone.localdate() + dt.timedelta(days=14)
    return queryset.annotate(
        urgent=Case(
            When(deadline_on__lte=soon, then=Value(0)),
            When(out_of_school=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        urgent_deadline=Case(
            When(deadline_on__lte=soon, then=F("deadline_on")), default=None
        ),
    ).order_by("urgent", F("urgent_deadline").asc(nulls_last=True), "received_at")


def inbox(actor: Membership) -> QuerySet[HelpRequest]:
    """New requests, most urgent and oldest first."""
    return _urgency_order(visible_requests(actor).filter(status=RequestStatus.NEW))


# The columns a row of the inbox or the waiting list shows.
ROW_FIELDS = (
    "id",
    "reference",
    "received_at",
    "child_name",
    "child_grade",
    "source",
    "deadline_on",
    "deadline_kind",
    "out_of_school",
)


def waiting_list(actor: Membership) -> QuerySet[HelpRequest]:
    """Requests waiting for a buddy, most urgent and longest waiting first."""
    return _urgency_order(
        visible_requests(actor).filter(status=RequestStatus.WAITING)
    ).prefetch_related("codes")


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Monday to Friday days after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def waiting_too_long(actor: Membership) -> list[HelpRequest]:
    """Waiting-list requests older than the organisation's target in working days."""
    target = actor.organisation.request_wait_target_days
    today = timezone.localdate()
    return [
        request
        for request in visible_requests(actor)
        .filter(status__in=(RequestStatus.NEW, RequestStatus.WAITING))
        .order_by("received_at")
        if working_days_between(timezone.localtime(request.received_at).date(), today)
        > target
    ]


def deadlines_within(actor: Membership, days: int = 14) -> QuerySet[HelpRequest]:
    """Open requests with a deadline in the next `days` days (or already passed)."""
    until = timezone.localdate() + dt.timedelta(days=days)
    return (
        visible_requests(actor)
        .filter(
            status__in=(RequestStatus.NEW, RequestStatus.WAITING),
            deadline_on__lte=until,
        )
        .order_by("deadline_on")
    )


def organisation_referral_targets(
    organisation_id: Any,
) -> QuerySet[OrganisationReferralTarget]:
    """The referral targets a coordinator can choose from: her organisation's own,
    active ones."""
    return OrganisationReferralTarget.objects.filter(
        organisation_id=organisation_id, is_active=True
    )


def referral_targets_for(actor: Membership) -> QuerySet[OrganisationReferralTarget]:
    """Every referral target of the actor's organisation, switched off ones too."""
    if actor.role != Role.COORDINATOR:
        return OrganisationReferralTarget.objects.none()
    return OrganisationReferralTarget.objects.filter(
        organisation_id=actor.organisation_id
    )


def get_referral_target_for(
    actor: Membership, target_id: Any
) -> OrganisationReferralTarget:
    try:
        return referral_targets_for(actor).get(pk=target_id)
    except (OrganisationReferralTarget.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# --- All requests: search, filters, sorting --------------------------------------------

SORTS = ("newest", "oldest", "urgency", "status")
# The order of the lifecycle, for "sort by status".
STATUS_ORDER = [status.value for status in RequestStatus]
REFERENCE_PREFIX = "HV"


def normalise_reference(text: str) -> str:
    """What a parent reads out on the phone, as the stored reference's tail:
    "hv-s4f5mt", "HV S4F5MT", "s4f5 mt" all become "S4F5MT"."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if compact.startswith(REFERENCE_PREFIX) and len(compact) > len(REFERENCE_PREFIX):
        compact = compact[len(REFERENCE_PREFIX) :]
    return compact


def _search(queryset: QuerySet[HelpRequest], text: str) -> QuerySet[HelpRequest]:
    """Reference (forgiving), parent's or child's name, e-mail address or postcode.
    These fields are stored in plain text (only the question and the notes are
    encrypted), so the database searches them within the organisation's rows."""
    text = " ".join(text.split())
    if not text:
        return queryset
    condition = (
        Q(full_name__icontains=text)
        | Q(child_name__icontains=text)
        | Q(email__icontains=text)
    )
    reference = normalise_reference(text)
    if reference:
        condition |= Q(reference__icontains=reference)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 4 and text.replace(" ", "")[:4] == digits:
        # "1012", "1012 AB", "1012ab": the four digits are what is stored.
        condition |= Q(postcode_id=digits)
    return queryset.filter(condition)


def _sorted(queryset: QuerySet[HelpRequest], sort: str) -> QuerySet[HelpRequest]:
    if sort == "oldest":
        return queryset.order_by("received_at", "pk")
    if sort == "urgency":
        return _urgency_order(queryset).order_by(
            "urgent", F("urgent_deadline").asc(nulls_last=True), "received_at", "pk"
        )
    if sort == "status":
        return queryset.annotate(
            status_rank=Case(
                *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
                default=Value(len(STATUS_ORDER)),
                output_field=IntegerField(),
            )
        ).order_by("status_rank", "-received_at", "pk")
    return queryset.order_by("-received_at", "pk")


def search_requests(
    actor: Membership, criteria: dict[str, Any]
) -> QuerySet[HelpRequest]:
    """Every request of the organisation, whatever its status, narrowed by `criteria`
    (the cleaned fields of the search form; a missing key is no filter)."""
    # The list and the download show none of the encrypted texts: not decrypted.
    queryset = (
        visible_requests(actor)
        .select_related("postcode__municipality", "referral_target")
        .defer(*TEXTS)
    )
    queryset = _search(queryset, criteria.get("q") or "")
    if criteria.get("status"):
        queryset = queryset.filter(status=criteria["status"])
    urgency = criteria.get("urgency")
    soon = timezone.localdate() + dt.timedelta(days=14)
    if urgency == "urgent":
        queryset = queryset.filter(Q(deadline_on__lte=soon) | Q(out_of_school=True))
    elif urgency == "deadline":
        queryset = queryset.filter(deadline_on__lte=soon)
    elif urgency == "out_of_school":
        queryset = queryset.filter(out_of_school=True)
    elif urgency == "none":
        queryset = queryset.exclude(deadline_on__lte=soon).filter(out_of_school=False)
    if criteria.get("school"):
        queryset = queryset.filter(codes__code=criteria["school"])
    if criteria.get("municipality"):
        queryset = queryset.filter(postcode__municipality_id=criteria["municipality"])
    this_year = timezone.localdate().year
    if criteria.get("child_age_min") is not None:
        queryset = queryset.filter(
            child_birth_year__lte=this_year - criteria["child_age_min"]
        )
    if criteria.get("child_age_max") is not None:
        queryset = queryset.filter(
            child_birth_year__gte=this_year - criteria["child_age_max"]
        )
    received = criteria.get("received")
    if received:
        now = timezone.now()
        if received.startswith("over-"):
            days = int(received.removeprefix("over-"))
            queryset = queryset.filter(received_at__lt=now - dt.timedelta(days=days))
        else:
            queryset = queryset.filter(
                received_at__gte=now - dt.timedelta(days=int(received))
            )
    return _sorted(queryset, criteria.get("sort") or "newest")


def request_municipalities(actor: Membership) -> list[tuple[str, str]]:
    """The municipalities the organisation's requests come from (code, name): read
    through all its requests, so kept in the organisation's cache."""
    if actor.role != Role.COORDINATOR:
        return []

    def read() -> list[tuple[str, str]]:
        return list(
            visible_requests(actor)
            .order_by("postcode__municipality__name")
            .values_list("postcode__municipality_id", "postcode__municipality__name")
            .distinct()
        )

    return org_cache.remember(actor.organisation_id, "request-municipalities", read)


# --- What the coordinator's inbox and request page read ---------------------------------


def with_school_codes(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """Each request with its school-type codes in `school_codes` (one extra query)."""
    return queryset.prefetch_related(
        Prefetch(
            "codes",
            queryset=ExperienceCode.objects.filter(group=CodeGroup.ROUTE).order_by(
                "order"
            ),
            to_attr="school_codes",
        )
    )


def codes_of(
    request_ids: list[Any], group: str | None = None
) -> dict[Any, list[ExperienceCode]]:
    """The codes (of `group`, or all) of each of these requests, in code order: one
    query of keys; the codes themselves come from the taxonomy's memo."""
    if not request_ids:
        return {}
    pairs = HelpRequest.codes.through.objects.filter(helprequest_id__in=request_ids)
    if group is not None:
        pairs = pairs.filter(experiencecode__group=group)
    keys = list(pairs.values_list("helprequest_id", "experiencecode_id"))
    known = {code.pk: code for code in taxonomy.all_codes()}
    missing = {code for _, code in keys if code not in known}
    if missing:  # added in another process within the memo's minute
        known.update({c.pk: c for c in ExperienceCode.objects.filter(pk__in=missing)})
    # The memo's order: CodeGroup order, then `order`, then the code.
    groups = CodeGroup.values
    place = {
        pk: (groups.index(code.group), code.order, pk) for pk, code in known.items()
    }
    found: dict[Any, list[ExperienceCode]] = {}
    for request_id, code in sorted(keys, key=lambda key: place[key[1]]):
        found.setdefault(request_id, []).append(known[code])
    return found


def school_codes_of(request_ids: list[Any]) -> dict[Any, list[ExperienceCode]]:
    """The school-type codes of each of these requests, in code order."""
    return codes_of(request_ids, CodeGroup.ROUTE)


def status_counts(actor: Membership) -> dict[str, int]:
    """How many visible requests are new and how many wait for a buddy."""
    return dict(
        visible_requests(actor)
        .filter(status__in=(RequestStatus.NEW, RequestStatus.WAITING))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def request_counts(
    actor: Membership, urgent_by: dt.date | None = None
) -> dict[str, int]:
    """`status_counts`, the number of all visible requests and (given `urgent_by`)
    `urgent_count`, in one statement."""
    extra = {}
    if urgent_by is not None:
        extra["urgent"] = Count(
            "id",
            filter=Q(status=RequestStatus.NEW)
            & (Q(deadline_on__lte=urgent_by) | Q(out_of_school=True)),
        )
    return visible_requests(actor).aggregate(
        all=Count("id"),
        **{
            status: Count("id", filter=Q(status=status))
            for status in (RequestStatus.NEW, RequestStatus.WAITING)
        },
        **extra,
    )


# The columns a card of the list of all requests shows.
CARD_FIELDS = (
    "id",
    "reference",
    "status",
    "status_changed_at",
    "full_name",
    "child_name",
    "child_birth_year",
    "received_at",
    "postcode_id",
    "postcode__municipality__name",
    "deadline_on",
    "deadline_kind",
    "out_of_school",
)


def urgent_count(actor: Membership, soon: dt.date) -> int:
    """New requests with a deadline by `soon` or a child at home (the inbox's rule)."""
    return inbox(actor).filter(Q(deadline_on__lte=soon) | Q(out_of_school=True)).count()


def referral_of(help_request: HelpRequest) -> ProfessionalReferral | None:
    return ProfessionalReferral.objects.filter(request=help_request).first()


def active_organisation(organisation_id: Any) -> Organisation | None:
    """The support point a parent's draft names, while it still takes requests."""
    return Organisation.objects.filter(pk=organisation_id, is_active=True).first()


def open_referral(
    referral_id: Any, organisation: Organisation
) -> ProfessionalReferral | None:
    """A professional's referral of this support point that no parent confirmed yet."""
    return ProfessionalReferral.objects.filter(
        pk=referral_id, organisation=organisation, confirmed_at__isnull=True
    ).first()
