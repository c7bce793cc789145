"""The read side of buddies. Coordinators see their organisation's buddies; a buddy sees
only their own record."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from ouderbuddy.buddies.models import AgreementSignature, Buddy, Interview, StatusChange
from ouderbuddy.lib import fixed_reads
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import Consent
from ouderbuddy.regions.models import Municipality, PostcodeArea
from ouderbuddy.taxonomy.models import ExperienceCode
from ouderbuddy.taxonomy.selectors import all_codes


def visible_buddies(actor: Membership) -> QuerySet[Buddy]:
    """All buddies of the actor's organisation (coordinators only; others see none)."""
    if actor.role != Role.COORDINATOR:
        return Buddy.objects.none()
    return Buddy.objects.filter(organisation_id=actor.organisation_id)


def get_buddy_for(actor: Membership, buddy_id: Any) -> Buddy:
    """One buddy of the actor's organisation; 404 when missing or not theirs."""
    try:
        return (
            visible_buddies(actor)
            .select_related("organisation", "user", "postcode__municipality")
            .get(pk=buddy_id)
        )
    except (Buddy.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_buddy_name_for(actor: Membership, buddy_id: Any) -> Buddy:
    """One buddy of the actor's organisation with only the name read, for a page
    that only names the buddy; 404 when missing or not theirs."""
    try:
        return visible_buddies(actor).only("full_name").get(pk=buddy_id)
    except (Buddy.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@functools.cache
def _buddy_page_sql() -> str:
    """The buddy with their postcode area, its municipality and the interview (if
    any), as `select_related("postcode__municipality", "interview")` reads them."""
    c, t, cols = fixed_reads.column, fixed_reads.table, fixed_reads.columns
    municipality_pk = Municipality._meta.pk.name
    return (
        f"SELECT {cols(Buddy, 'b').sql}, {cols(PostcodeArea, 'p').sql},"  # noqa: S608 - names from model metadata
        f" {cols(Municipality, 'mu').sql}, {cols(Interview, 'i').sql}"
        f" FROM {t(Buddy, 'b')}"
        f" JOIN {t(PostcodeArea, 'p')}"
        f" ON {c(PostcodeArea, 'p', 'pc4')} = {c(Buddy, 'b', 'postcode')}"
        f" JOIN {t(Municipality, 'mu')}"
        f" ON {c(Municipality, 'mu', municipality_pk)}"
        f" = {c(PostcodeArea, 'p', 'municipality')}"
        f" LEFT JOIN {t(Interview, 'i')}"
        f" ON {c(Interview, 'i', 'buddy')} = {c(Buddy, 'b', 'id')}"
        f" WHERE {c(Buddy, 'b', 'organisation')} = %s AND {c(Buddy, 'b', 'id')} = %s"
    )


def get_buddy_page_for(actor: Membership, buddy_id: Any) -> Buddy:
    """One buddy of the actor's organisation for the buddy page: with the postcode's
    municipality and the interview in the same read; 404 when missing or not theirs.
    (`visible_buddies` and `select_related`, in a statement built once per process:
    `lib/fixed_reads.py`; the same instances and caches.)"""
    if actor.role != Role.COORDINATOR:
        raise Http404
    try:
        rows = fixed_reads.fetch(
            _buddy_page_sql(),
            [
                fixed_reads.param(Buddy, "organisation", actor.organisation_id),
                fixed_reads.param(Buddy, "id", buddy_id),
            ],
        )
    except ValueError as exc:
        raise Http404 from exc
    if not rows:
        raise Http404
    row, using = rows[0], "default"
    parts = [
        fixed_reads.columns(model, alias)
        for model, alias in (
            (Buddy, "b"),
            (PostcodeArea, "p"),
            (Municipality, "mu"),
            (Interview, "i"),
        )
    ]
    offsets = [0]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + part.width)
    buddy, postcode, municipality = (
        part.build(row, offset, using)
        for part, offset in zip(parts[:3], offsets[:3], strict=True)
    )
    PostcodeArea.municipality.field.set_cached_value(postcode, municipality)
    Buddy.postcode.field.set_cached_value(buddy, postcode)
    interview_part, interview_at = parts[3], offsets[3]
    interview = None
    if row[interview_at + interview_part.attnames.index("id")] is not None:
        interview = interview_part.build(row, interview_at, using)
        Interview.buddy.field.set_cached_value(interview, buddy)
    Buddy.interview.related.set_cached_value(buddy, interview)
    return cast("Buddy", buddy)


def get_own_buddy(actor: Membership, *, only: tuple[str, ...] = ()) -> Buddy:
    """The buddy record of the signed-in buddy in the acting organisation; 404 if none.
    With `only`, just those columns are read (for a page that shows no more)."""
    buddies = Buddy.objects.filter(
        organisation_id=actor.organisation_id, user_id=actor.user_id
    )
    buddy = (buddies.only(*only) if only else buddies).first()
    if buddy is None:
        raise Http404
    return buddy


_OWN_BUDDY_ID = Prepared(
    lambda organisation_id, user_id: Buddy.objects.filter(
        organisation_id=organisation_id, user_id=user_id
    ).values("id")[:1]
)


def own_buddy_id(actor: Membership) -> Any:
    """The key of `get_own_buddy(actor)` (a statement compiled once per process);
    None without a buddy record in the acting organisation."""
    rows = _OWN_BUDDY_ID.rows(actor.organisation_id, actor.user_id)
    return rows[0]["id"] if rows else None


# The pipeline's board shows this many buddies per status, longest in their step
# first (a short board, also on a phone); "show all" opens that status on its own,
# page by page.
COLUMN_LIMIT = 5


# What a card of the board shows (and its key).
CARD_FIELDS = (
    "id",
    "full_name",
    "status",
    "status_changed_at",
    "repeat_application_at",
    "paused_until",
)


def pipeline_buddies(
    actor: Membership, query: str, status: str
) -> QuerySet[Buddy, dict[str, Any]]:
    """The cards of the pipeline page (CARD_FIELDS and the `municipality`): buddies
    searched by name or e-mail address, of one status when `status` is given,
    longest in their status first."""
    buddies = visible_buddies(actor)
    if query:
        buddies = buddies.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    if status:
        buddies = buddies.filter(status=status)
    cards: QuerySet[Buddy, dict[str, Any]] = buddies.order_by(
        "status_changed_at", "pk"
    ).values(*CARD_FIELDS, municipality=F("postcode__municipality__name"))
    return cards


def pipeline_columns(actor: Membership, query: str) -> list[dict[str, Any]]:
    """The first COLUMN_LIMIT cards of every status (of `pipeline_buddies`), in one
    query; each carries `found`, how many of its status match."""
    ranked = pipeline_buddies(actor, query, "").annotate(
        place=Window(
            RowNumber(),
            partition_by=[F("status")],
            order_by=[F("status_changed_at").asc(), F("pk").asc()],
        ),
        found=Window(Count("pk"), partition_by=[F("status")]),
    )
    return list(ranked.filter(place__lte=COLUMN_LIMIT))


def status_counts(actor: Membership) -> dict[str, int]:
    """How many visible buddies each status has."""
    return dict(
        visible_buddies(actor)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def interview_of(buddy: Buddy) -> Interview | None:
    """The buddy's interview, None without one; no query when the buddy was read with
    it (`get_buddy_page_for`)."""
    if Buddy.interview.is_cached(buddy):
        return cast("Interview | None", Buddy.interview.related.get_cached_value(buddy))
    return Interview.objects.filter(buddy=buddy).first()


_EXPERIENCE_KEYS = Prepared(
    lambda buddy_id: Buddy.lived_experience.through.objects.filter(
        buddy_id=buddy_id
    ).values("experiencecode_id")
)


def experience_of(buddy: Buddy) -> list[ExperienceCode]:
    """The buddy's lived experience codes by group and order: only their keys are
    read, the codes come from the process's code list (`all_codes`)."""
    keys = {row["experiencecode_id"] for row in _EXPERIENCE_KEYS.rows(buddy.pk)}
    return sorted(
        (code for code in all_codes() if code.pk in keys),
        key=lambda code: (code.group, code.order, code.pk),
    )


def consents_of(buddy: Buddy) -> QuerySet[Consent]:
    """The consents recorded for the buddy (the buddy page lists them)."""
    return Consent.objects.filter(
        organisation_id=buddy.organisation_id,
        subject_type="buddies.buddy",
        subject_id=str(buddy.pk),
    )


# The buddy page's small reads, compiled once per process (`prepared.py`): the same
# querysets as `buddy.agreements`, `consents_of(buddy)` and `buddy.history`.
_AGREEMENT_ROWS = Prepared(
    lambda buddy_id: AgreementSignature.objects.filter(buddy_id=buddy_id).values(
        "kind", "text_version", "signed_on"
    )
)
_CONSENT_ROWS = Prepared(
    lambda organisation_id, subject_id: Consent.objects.filter(
        organisation_id=organisation_id,
        subject_type="buddies.buddy",
        subject_id=subject_id,
    ).values("purpose", "given_at", "text_version", "withdrawn_at")
)
_HISTORY_ROWS = Prepared(
    lambda buddy_id: StatusChange.objects.filter(buddy_id=buddy_id).values(
        "at",
        "from_status",
        "to_status",
        "code",
        "params",
        "reason",
        "actor__full_name",
        "actor__email",
        "actor_id",
    )[:50]
)


def agreement_rows(buddy: Buddy) -> list[dict[str, Any]]:
    """The buddy's signed agreements (kind, text version, date), newest first."""
    return _AGREEMENT_ROWS.rows(buddy.pk)


def consent_rows(buddy: Buddy) -> list[dict[str, Any]]:
    """`consents_of(buddy)`: purpose, given_at, text_version, withdrawn_at."""
    return _CONSENT_ROWS.rows(buddy.organisation_id, str(buddy.pk))


def history_rows(buddy: Buddy) -> list[dict[str, Any]]:
    """The buddy's newest 50 status changes: the shown columns and the actor's name."""
    return _HISTORY_ROWS.rows(buddy.pk)
