"""Reads of the evaluation app: one match's questionnaires for its coordinator, and
the organisation's results, in aggregate only (`evaluation.stats` suppresses every
figure over fewer than five people)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from ouderbuddy.casework.models import CloseReason
from ouderbuddy.evaluation import defaults, instrument, stats
from ouderbuddy.evaluation.models import (
    Audience,
    Invitation,
    InvitationStatus,
    MatchKey,
    Moment,
    QuestionnaireVersion,
    Response,
    Score,
    Subject,
    TextAnswer,
)
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.privacy.services import record_read
from ouderbuddy.regions.models import CooperationDistrict
from ouderbuddy.taxonomy.models import ExperienceCode

if TYPE_CHECKING:
    from ouderbuddy.matching.models import Match
    from ouderbuddy.organisations.models import Membership


# --- One match -------------------------------------------------------------------------------


@dataclass
class InvitationRow:
    invitation: Invitation
    can_resend: bool
    texts: list[tuple[str, str]] = field(default_factory=list)
    """(question, answer) of the open answers, for the match's coordinator."""


def match_questionnaires(actor: Membership, match: Match) -> list[InvitationRow]:
    """The questionnaires of one match of the actor's organisation: who was asked
    when, and what happened; the open answers (the only answers shown per match)."""
    key = MatchKey.objects.filter(
        match=match, organisation_id=actor.organisation_id
    ).first()
    if key is None:
        return []
    invitations = list(
        Invitation.objects.filter(subject_id=key.subject_id).order_by("sent_at")
    )
    responses = {
        r.invitation_id: r
        for r in Response.objects.filter(
            invitation__in=invitations, submitted_at__isnull=False
        ).select_related("version")
    }
    texts: dict[Any, list[TextAnswer]] = defaultdict(list)
    for answer in TextAnswer.objects.filter(response__in=responses.values()):
        texts[answer.response_id].append(answer)
    language = translation.get_language() or "nl"
    rows = []
    for invitation in invitations:
        row = InvitationRow(
            invitation,
            can_resend=invitation.resent_at is None
            and invitation.audience in (Audience.PARENT, Audience.BUDDY)
            and invitation.status
            in (
                InvitationStatus.SENT,
                InvitationStatus.STARTED,
                InvitationStatus.EXPIRED,
            ),
        )
        response = responses.get(invitation.pk)
        if response is not None and texts.get(response.pk):
            items = instrument.parse(response.version.definition).items
            for answer in sorted(texts[response.pk], key=lambda a: a.item):
                item = items.get(answer.item)
                question = (
                    instrument.text_in(item.text, language) if item else answer.item
                )
                row.texts.append((question, answer.text))
        rows.append(row)
    if any(row.texts for row in rows):
        record_read(actor=actor, target=match)
    return rows


def get_invitation_for(actor: Membership, invitation_id: Any) -> Invitation:
    return get_or_404(
        Invitation.objects.filter(organisation_id=actor.organisation_id), invitation_id
    )


def match_of_invitation(invitation: Invitation) -> Any:
    key = MatchKey.objects.filter(subject_id=invitation.subject_id).first()
    return key.match_id if key else None


# --- The questionnaires ------------------------------------------------------------------------


def version_list(actor: Membership) -> list[QuestionnaireVersion]:
    """Every version the organisation may see: the shared defaults and its own, by
    moment and audience, newest first."""
    return sorted(
        QuestionnaireVersion.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=actor.organisation_id)
        ).select_related("questionnaire"),
        key=lambda v: (
            v.questionnaire.moment,
            v.questionnaire.audience,
            v.questionnaire.organisation_id is not None,
            -v.number,
        ),
    )


def get_version_for(actor: Membership, version_id: Any) -> QuestionnaireVersion:
    visible = QuestionnaireVersion.objects.select_related("questionnaire").filter(
        Q(organisation__isnull=True) | Q(organisation_id=actor.organisation_id)
    )
    return get_or_404(visible, version_id)


# --- Results ---------------------------------------------------------------------------------

CORE = defaults.CORE_SCALES
PARENT_T1 = ["usefulness", "satisfaction"]
BUDDY_SCALES = ["usefulness", "satisfaction", "backing"]
SCHOOL_SCALES = ["communication", "voice", "usefulness"]


@dataclass(frozen=True)
class Filters:
    school_year: str = ""
    district: str = ""
    route: str = ""
    code: str = ""
    scale: str = "voice"
    by: str = "closure_reason"


@dataclass
class ScaleRow:
    code: str
    name: str
    means: dict[str, stats.Mean | None]
    change_end: stats.Change | None
    change_later: stats.Change | None


@dataclass
class GroupRow:
    label: str
    change: stats.Change | None


@dataclass
class Results:
    subjects: int
    rates: list[tuple[str, str, stats.Rate | None]]
    parent: list[ScaleRow]
    buddy: list[tuple[str, stats.Mean | None]]
    school: list[tuple[str, stats.Mean | None]]
    groups: list[GroupRow]
    escalation: list[tuple[str, str]]
    options: dict[str, list[tuple[str, str]]]


def scale_name(code: str) -> str:
    entry = defaults.SCALES.get(code)
    return str(entry[0]) if entry else code


def _of(organisation_id: Any) -> dict[str, Any]:
    """One organisation's rows, or (a tuple of ids) a network's rows together."""
    if isinstance(organisation_id, tuple):
        return {"organisation_id__in": organisation_id}
    return {"organisation_id": organisation_id}


def _subjects(organisation_id: Any, filters: Filters) -> QuerySet[Subject]:
    subjects = Subject.objects.filter(**_of(organisation_id))
    if filters.school_year:
        subjects = subjects.filter(school_year=filters.school_year)
    if filters.district:
        subjects = subjects.filter(district=filters.district)
    if filters.route:
        subjects = subjects.filter(route=filters.route)
    return subjects


def filter_options(organisation_id: Any) -> dict[str, list[tuple[str, str]]]:
    rows = list(
        Subject.objects.filter(**_of(organisation_id)).values_list(
            "school_year", "district", "route", "codes"
        )
    )
    years = sorted({r[0] for r in rows}, reverse=True)
    districts = sorted({r[1] for r in rows if r[1]})
    routes = sorted({r[2] for r in rows if r[2]})
    codes = sorted({c for r in rows for c in r[3]})
    labels = {
        c.code: c.label
        for c in ExperienceCode.objects.filter(code__in={*routes, *codes})
    }
    district_names = {
        d.code: d.name or d.display_code
        for d in CooperationDistrict.objects.filter(code__in=districts)
    }
    return {
        "school_year": [(y, y) for y in years],
        "district": [(d, district_names.get(d, d)) for d in districts],
        "route": [(r, labels.get(r, r)) for r in routes],
        "code": [(c, labels.get(c, c)) for c in codes if not c.startswith("route.")],
    }


MIN_CELL = stats.MIN_CELL


def results(
    organisation_id: Any,
    filters: Filters | None = None,
    *,
    options: dict[str, list[tuple[str, str]]] | None = None,
) -> Results:
    """The organisation's results for the filters: response rates per moment, the
    parent's scales at T0, T1, T2 with the paired change, the buddy's and school's
    scales, one scale's change by a breakdown, and whether escalation was avoided.
    The parent's answers count only with their research consent in force."""
    filters = filters or Filters()
    subjects = {
        s.pk: s
        for s in _subjects(organisation_id, filters)
        if not filters.code or filters.code in s.codes
    }
    invitations = list(
        Invitation.objects.filter(subject_id__in=subjects).values_list(
            "subject_id", "audience", "moment", "status"
        )
    )
    rates = []
    for moment, audience in (
        (Moment.START, Audience.PARENT),
        (Moment.END, Audience.PARENT),
        (Moment.END, Audience.BUDDY),
        (Moment.LATER, Audience.PARENT),
        (Moment.END, Audience.SCHOOL),
    ):
        mine = [i for i in invitations if i[1] == audience and i[2] == moment]
        answered = sum(1 for i in mine if i[3] == InvitationStatus.ANSWERED)
        rates.append(
            (
                str(Moment(moment).label),
                str(Audience(audience).label),
                stats.response_rate(invited=len(mine), answered=answered),
            )
        )
    scores: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for subject_id, who, when, scale, value in Score.objects.filter(
        subject_id__in=subjects
    ).values_list("subject_id", "audience", "moment", "scale", "value"):
        if who == Audience.PARENT and not subjects[subject_id].research_consent:
            continue
        scores[(who, when, scale)][str(subject_id)] = value

    def values(audience: str, moment: str, scale: str) -> dict[str, float]:
        return scores.get((audience, moment, scale), {})

    parent = []
    for code in [*CORE, *PARENT_T1]:
        before = values(Audience.PARENT, Moment.START, code)
        end = values(Audience.PARENT, Moment.END, code)
        later = values(Audience.PARENT, Moment.LATER, code)
        parent.append(
            ScaleRow(
                code=code,
                name=scale_name(code),
                means={
                    Moment.START: stats.mean_of(before.values()),
                    Moment.END: stats.mean_of(end.values()),
                    Moment.LATER: stats.mean_of(later.values()),
                },
                change_end=stats.paired_change(stats.pairs_of(before, end)),
                change_later=stats.paired_change(stats.pairs_of(before, later)),
            )
        )
    buddy = [
        (scale_name(c), stats.mean_of(values(Audience.BUDDY, Moment.END, c).values()))
        for c in BUDDY_SCALES
    ]
    school = [
        (scale_name(c), stats.mean_of(values(Audience.SCHOOL, Moment.END, c).values()))
        for c in SCHOOL_SCALES
    ]
    options = options if options is not None else filter_options(organisation_id)
    groups = _groups(subjects, filters, values, options)
    escalation = _escalation(subjects)
    return Results(
        subjects=len(subjects),
        rates=rates,
        parent=parent,
        buddy=buddy,
        school=school,
        groups=groups,
        escalation=escalation,
        options=options,
    )


def _groups(
    subjects: dict[Any, Subject],
    filters: Filters,
    values: Any,
    options: dict[str, list[tuple[str, str]]],
) -> list[GroupRow]:
    """One scale's paired change T1 - T0 per group of the chosen breakdown."""
    scale = filters.scale if filters.scale in CORE else "voice"
    before = values(Audience.PARENT, Moment.START, scale)
    end = values(Audience.PARENT, Moment.END, scale)
    members: dict[str, list[str]] = defaultdict(list)
    fits = sorted(s.fit for s in subjects.values() if s.fit is not None)
    for subject in subjects.values():
        key = str(subject.pk)
        for group in _groups_of(subject, filters.by, fits):
            members[group].append(key)
    labels = dict(options.get(filters.by, []))
    if filters.by == "closure_reason":
        labels = {str(k): str(v) for k, v in CloseReason.choices}
    elif filters.by == "fit":
        labels = _fit_labels()
    rows = []
    for group in sorted(members, key=lambda g: str(labels.get(g, g))):
        keys = set(members[group])
        pairs = stats.pairs_of(
            {k: v for k, v in before.items() if k in keys},
            {k: v for k, v in end.items() if k in keys},
        )
        rows.append(GroupRow(str(labels.get(group, group)), stats.paired_change(pairs)))
    return rows


def _fit_labels() -> dict[str, str]:
    return {"1": _("Lagere score"), "2": _("Middelste score"), "3": _("Hogere score")}


def _groups_of(subject: Subject, by: str, fits: list[int]) -> Iterable[str]:
    if by == "school_year":
        return [subject.school_year]
    if by == "district":
        return [subject.district] if subject.district else []
    if by == "route":
        return [subject.route] if subject.route else []
    if by == "code":
        return [c for c in subject.codes if not c.startswith("route.")]
    if by == "closure_reason":
        return [subject.closure_reason] if subject.closure_reason else []
    if by == "fit" and subject.fit is not None and fits:
        third = len(fits) / 3
        rank = sum(1 for f in fits if f < subject.fit)
        return [str(min(3, int(rank // third) + 1 if third else 1))]
    return []


def _escalation(subjects: dict[Any, Subject]) -> list[tuple[str, str]]:
    """How often escalation was avoided, by the parent's answer at the end; a count
    under five shows as "fewer than five"."""
    answers = Counter(
        answer
        for subject_id, answer in Response.objects.filter(
            subject_id__in=subjects,
            audience=Audience.PARENT,
            moment=Moment.END,
            submitted_at__isnull=False,
        ).values_list("subject_id", "answers__escalation")
        if answer and subjects[subject_id].research_consent
    )
    total = sum(answers.values())
    if total < stats.MIN_CELL:
        return []
    labels = dict(defaults.ESCALATION[2])
    rows = []
    for value, label in labels.items():
        count = answers.get(value, 0)
        rows.append((str(label), "" if 0 < count < stats.MIN_CELL else str(count)))
    return rows
