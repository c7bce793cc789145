"""The figures of the reports, for one organisation, a period and filters.

Counting happens in the database: each table is one grouped query by year, month
and the table's rows, folded into school-year quarters here (at most a few dozen
rows), then protected by `reports.figures` (no figure that tells about 1-4 people).
Durations (waiting, time to match) are read as one column of dates per request and
turned into percentiles here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    ExtractMonth,
    ExtractYear,
    Greatest,
    Least,
)
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus, StatusChange, StopReason
from ouderbuddy.casework.models import (
    CheckIn,
    CloseReason,
    Closure,
    Contact,
    SafetySignal,
)
from ouderbuddy.evaluation import selectors as evaluation
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    ReferralTarget,
    RequestStatus,
    Source,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    BatchDraft,
    DeclineReason,
    Match,
    MatchStatus,
)
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import CooperationDistrict
from ouderbuddy.reports.figures import (
    MIN_CELL,
    Grid,
    Period,
    Quarter,
    cost_per,
    percentile,
    protect_count,
    protect_counts,
    school_year_of,
    share,
)
from ouderbuddy.reports.models import (
    Activity,
    Cost,
    CostCategory,
    CostSettings,
    TimeEntry,
)
from ouderbuddy.support.models import Participation, Question, Reply
from ouderbuddy.support.models_expenses import ClaimStatus, ExpenseClaim, FlatAllowance
from ouderbuddy.taxonomy.selectors import all_codes
from ouderbuddy.training.models import Enrolment


@dataclass(frozen=True)
class Filters:
    """Which help requests the figures count: of one SWV (by the postcode's PO or VO
    district), one sector (PO or VO, by the route code), one route code, one code."""

    swv: str = ""
    sector: str = ""
    route: str = ""
    code: str = ""

    @property
    def any(self) -> bool:
        return bool(self.swv or self.sector or self.route or self.code)

    @property
    def key(self) -> str:
        """A short text naming the filters (for cache keys)."""
        return "_".join((self.swv, self.sector, self.route, self.code))


@dataclass(frozen=True)
class Scope:
    """Whose figures: one organisation (`organisation` set), or the organisations of
    a network together (the network admin's national figures, counted as one whole
    and protected once, never as a sum of protected figures)."""

    name: str
    organisation_ids: tuple[Any, ...]
    organisation: Organisation | None = None

    @classmethod
    def of(cls, organisation: Organisation) -> Scope:
        return cls(organisation.name, (organisation.pk,), organisation)

    @property
    def national(self) -> bool:
        return self.organisation is None

    def kw(self, prefix: str = "") -> dict[str, Any]:
        """The lookup of rows of the scope (`prefix` for rows that point at them)."""
        if self.organisation is not None:
            return {f"{prefix}organisation_id": self.organisation.pk}
        return {f"{prefix}organisation_id__in": self.organisation_ids}


def network_scope(user: Any) -> Scope:
    """The network admin's national figures: every active organisation she holds an
    active network-admin membership of, together."""
    ids = tuple(
        sorted(
            Membership.objects.filter(
                user=user,
                role=Role.NETWORK_ADMIN,
                is_active=True,
                organisation__is_active=True,
            ).values_list("organisation_id", flat=True),
            key=str,
        )
    )
    return Scope(_("Alle steunpunten van het netwerk"), ids)


def as_scope(of: Organisation | Scope) -> Scope:
    return of if isinstance(of, Scope) else Scope.of(of)


def _requests(scope: Scope, filters: Filters, prefix: str = "") -> Q:
    """The filter on help requests, for a query on requests (`prefix` "") or on rows
    that point at one (`prefix` "request__")."""
    if not filters.any and (prefix == "request__" or prefix.endswith("__request__")):
        # A row of a request has the request's organisation: no join needed.
        return Q(**scope.kw(prefix.removesuffix("request__")))
    condition = Q(**scope.kw(prefix))
    if filters.swv:
        condition &= Q(**{f"{prefix}postcode__po_district_id": filters.swv}) | Q(
            **{f"{prefix}postcode__vo_district_id": filters.swv}
        )
    through = HelpRequest.codes.through
    outer = OuterRef(f"{prefix}pk") if prefix else OuterRef("pk")
    if filters.sector:
        condition &= Q(
            Exists(
                through.objects.filter(
                    helprequest_id=outer,
                    experiencecode_id__in=[
                        c.code
                        for c in all_codes()
                        if c.code.startswith(f"route.{filters.sector}_")
                    ],
                )
            )
        )
    for code in (filters.route, filters.code):
        if code:
            condition &= Q(
                Exists(
                    through.objects.filter(helprequest_id=outer, experiencecode_id=code)
                )
            )
    return condition


# --- Tables --------------------------------------------------------------------


@dataclass
class Table:
    """One protected table: row labels, one column of counts or a grid, its text
    summary; `chart` draws it as bars beside the table."""

    key: str
    title: str
    row_header: str
    rows: list[str]
    columns: list[str]
    grid: Grid
    summary: str = ""
    chart: bool = True
    show_total: bool = True

    @property
    def bars(self) -> list[tuple[str, int | None]]:
        return [
            (label, row[0])
            for label, row in zip(self.rows, self.grid.rows, strict=True)
        ]

    @property
    def largest(self) -> int:
        return max([v for _label, v in self.bars if v is not None] or [0])


@dataclass
class KeyFigure:
    label: str
    value: str
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[KeyFigure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # The costs section: its amounts and its hours, each as (label, text).
    money_lines: list[tuple[str, Decimal]] = field(default_factory=list)
    hour_lines: list[tuple[str, str]] = field(default_factory=list)

    def with_figures(self, more: list[KeyFigure]) -> Section:
        """The section with `more` key figures at the end."""
        self.figures.extend(more)
        return self


@dataclass
class Report:
    scope: Scope
    period: Period
    filters: Filters
    sections: list[Section]
    assumptions: list[str]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def table(self, key: str) -> Table | None:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        return None


def _by_quarter(
    rows: QuerySet[Any],
    date_field: str,
    dimension: str | None,
    distinct: str | None = None,
) -> dict[Quarter, Counter[Any]]:
    """Counts per school-year quarter and per value of `dimension`, grouped in the
    database by year and month (of `distinct` values, when given: people, not rows)."""
    names = ["_year", "_month"] + ([dimension] if dimension else [])
    count = Count(distinct, distinct=True) if distinct else Count("pk")
    grouped = (
        rows.annotate(_year=ExtractYear(date_field), _month=ExtractMonth(date_field))
        .order_by()
        .values(*names)
        .annotate(_n=count)
    )
    found: dict[Quarter, Counter[Any]] = defaultdict(Counter)
    for row in grouped:
        quarter = Quarter.of(dt.date(row["_year"], row["_month"], 1))
        found[quarter][row[dimension] if dimension else None] += row["_n"]
    return found


def _counts_table(
    key: str,
    title: str,
    row_header: str,
    labels: Sequence[tuple[Any, str]],
    counts: dict[Quarter, Counter[Any]],
    period: Period,
    summary: Callable[[Table], str] | None = None,
) -> Table:
    quarters = [
        [counts.get(q, Counter())[k] for k, _label in labels] for q in period.quarters
    ]
    table = Table(
        key=key,
        title=title,
        row_header=row_header,
        rows=[label for _k, label in labels],
        columns=[_("Aantal")],
        grid=protect_counts(quarters),
    )
    table.summary = summary(table) if summary else _largest_summary(table)
    return table


def _largest_summary(table: Table) -> str:
    shown = [(label, v) for label, v in table.bars if v]
    if table.grid.total is None:
        return _("Het totaal wordt niet getoond: te weinig personen.")
    if not shown:
        return _("Totaal %(total)s.") % {"total": table.grid.total}
    label, value = max(shown, key=lambda item: item[1] or 0)
    return _("Totaal %(total)s; het meest: %(label)s (%(value)s).") % {
        "total": table.grid.total,
        "label": label,
        "value": value,
    }


def _count(counts: dict[Quarter, Counter[Any]], period: Period) -> int | None:
    return protect_count(
        [sum(counts.get(q, Counter()).values()) for q in period.quarters]
    )


def _days(value: float | None) -> str:
    if value is None:
        return _("x")
    return _("%(days)s dagen") % {"days": round(value)}


def _shown(value: int | None) -> str:
    return _("x") if value is None else str(value)


def money(value: Decimal | None) -> str:
    """An amount in the reader's language (€ 1.234,50 in Dutch), as the project's
    templates write amounts (`floatformat:"2g"`); x when it is not shown."""
    if value is None:
        return _("x")
    return f"€ {floatformat(value, '2g')}"


def _start(period: Period) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(period.start, dt.time()))


def _end(period: Period) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(period.end, dt.time()))


# --- The sections --------------------------------------------------------------


OUTCOMES: dict[str, tuple[str, ...]] = {
    "buddy": ("matching", "matched", "closed"),
    "open": ("new", "waiting"),
    "informed": ("informed",),
    "referred": ("referred",),
    "withdrawn": ("withdrawn",),
}


def _outcome_labels() -> list[tuple[str, str]]:
    return [
        ("buddy", _("Gekoppeld aan een buddy")),
        ("open", _("Nog open of op de wachtlijst")),
        ("informed", _("Informatie gegeven")),
        ("referred", _("Doorverwezen")),
        ("withdrawn", _("Ingetrokken")),
    ]


_OUTCOME_OF = {status: key for key, statuses in OUTCOMES.items() for status in statuses}


def demand(scope: Scope, period: Period, filters: Filters) -> Section:
    requests = HelpRequest.objects.filter(
        _requests(scope, filters),
        received_at__gte=_start(period),
        received_at__lt=_end(period),
    )
    by_source = _by_quarter(requests, "received_at", "source")
    route = _counts_table(
        "requests_by_route",
        _("Hulpvragen binnen, per route"),
        _("Route"),
        [(s.value, str(s.label)) for s in Source],
        by_source,
        period,
    )
    by_status = _by_quarter(requests, "received_at", "status")
    folded: dict[Quarter, Counter[Any]] = {
        q: Counter({_OUTCOME_OF[k]: v for k, v in c.items() if k in _OUTCOME_OF})
        for q, c in by_status.items()
    }
    for q, c in by_status.items():
        for k, v in c.items():
            if k not in _OUTCOME_OF:
                folded[q]["open"] += v
    triage = _counts_table(
        "triage",
        _("Wat er met de hulpvragen gebeurde"),
        _("Uitkomst"),
        _outcome_labels(),
        folded,
        period,
    )
    referred = requests.filter(status=RequestStatus.REFERRED)
    labels: list[tuple[Any, str]]
    if scope.national:
        # Each organisation has its own addresses; together they count by the
        # platform's standard address they were made of.
        by_target = _by_quarter(referred, "received_at", "referral_target__default_id")
        found = {k for c in by_target.values() for k in c if k is not None}
        labels = [
            (t.pk, t.label)
            for t in ReferralTarget.objects.filter(pk__in=found).order_by("pk")
        ]
        missing = _("Eigen adres van het steunpunt of niet vastgelegd")
    else:
        by_target = _by_quarter(referred, "received_at", "referral_target_id")
        targets = OrganisationReferralTarget.objects.filter(
            **scope.kw(),
            pk__in={k for c in by_target.values() for k in c if k is not None},
        ).order_by("order", "label_nl")
        labels = [(t.pk, t.label) for t in targets]
        missing = _("Niet vastgelegd")
    if any(None in c for c in by_target.values()):
        labels.append((None, missing))
    referred_to = _counts_table(
        "referred_to",
        _("Doorverwezen naar"),
        _("Naar"),
        labels,
        by_target,
        period,
    )
    waiting = _waiting_now(scope, filters)
    return Section(
        key="demand",
        title=_("Vraag"),
        figures=[
            KeyFigure(_("Hulpvragen binnen"), _shown(route.grid.total)),
            *waiting,
        ],
        tables=[route, triage, referred_to],
    )


def _working_days(start: dt.date, end: dt.date) -> int:
    return int(numpy.busday_count(start, end))


def _waiting_now(scope: Scope, filters: Filters) -> list[KeyFigure]:
    today = timezone.localdate()
    # Each request against its own organisation's target.
    waiting = [
        (_working_days(timezone.localtime(at).date(), today), target)
        for at, target in HelpRequest.objects.filter(
            _requests(scope, filters),
            status__in=(RequestStatus.NEW, RequestStatus.WAITING),
        ).values_list("received_at", "organisation__request_wait_target_days")
    ]
    ages = [age for age, _target in waiting]
    count = len(ages) if len(ages) == 0 or len(ages) >= MIN_CELL else None
    over = sum(1 for age, target in waiting if age > target)
    if scope.organisation is not None:
        target_note = _("Streeftijd: %(days)s werkdagen.") % {
            "days": scope.organisation.request_wait_target_days
        }
    else:
        target_note = _("Streeftijd: die van elk steunpunt.")
    median = percentile(ages, 0.5)
    p90 = percentile(ages, 0.9)
    return [
        KeyFigure(_("Op de wachtlijst nu"), _shown(count)),
        KeyFigure(
            _("Wachttijd nu, mediaan / 90 %"),
            _("%(median)s / %(p90)s werkdagen")
            % {
                "median": "x" if median is None else round(median),
                "p90": "x" if p90 is None else round(p90),
            },
            target_note,
        ),
        KeyFigure(
            _("Langer dan de streeftijd"),
            _shown(
                over if over == 0 or (count is not None and over >= MIN_CELL) else None
            ),
        ),
    ]


def matching(scope: Scope, period: Period, filters: Filters) -> Section:
    requests = HelpRequest.objects.filter(
        _requests(scope, filters),
        received_at__gte=_start(period),
        received_at__lt=_end(period),
    )
    firsts = (
        Match.objects.filter(**scope.kw(), request__in=requests)
        .order_by()
        .values("request_id")
        .annotate(
            proposed=Min("created_at"),
            started=Min("started_on"),
            received=Min("request__received_at"),
        )
    )
    to_proposal: list[float] = []
    to_start: list[float] = []
    for row in firsts:
        received = timezone.localtime(row["received"]).date()
        to_proposal.append((timezone.localtime(row["proposed"]).date() - received).days)
        if row["started"] is not None:
            to_start.append((row["started"] - received).days)
    matches = Match.objects.filter(
        _requests(scope, filters, "request__"),
        status_changed_at__gte=_start(period),
        status_changed_at__lt=_end(period),
    )
    declined = _by_quarter(
        matches.filter(status=MatchStatus.DECLINED),
        "status_changed_at",
        "decline_reason",
    )
    other = _by_quarter(
        matches.filter(status__in=(MatchStatus.EXPIRED, MatchStatus.PARENT_DECLINED)),
        "status_changed_at",
        "status",
    )
    for quarter, counts in other.items():
        declined.setdefault(quarter, Counter()).update(counts)
    labels = [(r.value, str(r.label)) for r in DeclineReason]
    labels += [
        (MatchStatus.EXPIRED.value, _("Geen antwoord van de buddy op tijd")),
        (MatchStatus.PARENT_DECLINED.value, _("Ouder wilde een andere buddy")),
    ]
    not_taken = _counts_table(
        "proposals_declined",
        _("Voorstellen die niet doorgingen, en waarom"),
        _("Reden"),
        labels,
        declined,
        period,
    )
    figures = [
        KeyFigure(
            _("Van hulpvraag tot voorstel, mediaan / 90 %"),
            f"{_days(percentile(to_proposal, 0.5))} / {_days(percentile(to_proposal, 0.9))}",
        ),
        KeyFigure(
            _("Van hulpvraag tot start, mediaan / 90 %"),
            f"{_days(percentile(to_start, 0.5))} / {_days(percentile(to_start, 0.9))}",
        ),
    ]
    batches = BatchDraft.objects.filter(
        **scope.kw(),
        published_at__gte=_start(period),
        published_at__lt=_end(period),
    )
    gain = batches.aggregate(
        matched=Sum("matched"), greedy=Sum("greedy_matched"), n=Count("pk")
    )
    notes = []
    if gain["n"]:
        matched = protect_count([gain["matched"] or 0])
        greedy = protect_count([gain["greedy"] or 0])
        figures.append(
            KeyFigure(
                _("Voorstel voor de hele wachtlijst"),
                _("%(matched)s ouders gekoppeld; één voor één: %(greedy)s")
                % {"matched": _shown(matched), "greedy": _shown(greedy)},
            )
        )
    else:
        notes.append(
            _("In deze periode is geen voorstel voor de wachtlijst verstuurd.")
        )
    return Section(
        key="matching",
        title=_("Koppelen"),
        figures=figures,
        tables=[not_taken],
        notes=notes,
    )


def support(scope: Scope, period: Period, filters: Filters) -> Section:
    start, end = period.start, period.end
    served = _served_matches(scope, period, filters)
    served_count = served.count()
    shown_served = (
        served_count if served_count == 0 or served_count >= MIN_CELL else None
    )
    # A contact or a signal of the period is of a match that ran in the period:
    # rows of the scope's organisations (their own index), of requests that pass
    # the filters, without the list of served matches as a sub-query (that list
    # over a whole network cost PostgreSQL a tenth of a second per query).
    of_requests = _requests(scope, filters, "match__request__") if filters.any else Q()
    contacts = Contact.objects.filter(
        of_requests, **scope.kw(), on__gte=start, on__lt=end
    ).aggregate(n=Count("pk"), minutes=Sum("minutes"))
    # Per month that a match ran within the period (up to today), not per month
    # of the period: a match of three months in a school year had three.
    last = min(end, timezone.localdate())
    ran = served.filter(started_on__lte=last).aggregate(
        days=Sum(
            ExpressionWrapper(
                Least(
                    Coalesce("closure__closed_on", Value(last, DateField())),
                    Value(last, DateField()),
                )
                - Greatest("started_on", Value(start, DateField())),
                output_field=DurationField(),
            )
        )
    )["days"]
    match_months = (ran.days if ran else 0) / 30.44
    per_match = (
        None
        if shown_served in (None, 0) or match_months < 1
        else round((contacts["n"] or 0) / match_months, 1)
    )
    check_ins = CheckIn.objects.filter(
        _served(scope, period, filters, "match__"),
        **scope.kw(),
        due_on__gte=start,
        due_on__lt=min(end, timezone.localdate() + dt.timedelta(days=1)),
    )
    done = _by_quarter(check_ins.filter(done_on__isnull=False), "due_on", None)
    missed = _by_quarter(check_ins.filter(done_on__isnull=True), "due_on", None)
    counts = {
        q: Counter(
            {
                "done": sum(done.get(q, Counter()).values()),
                "missed": sum(missed.get(q, Counter()).values()),
            }
        )
        for q in period.quarters
    }
    check_table = _counts_table(
        "check_ins",
        _("Check-ins die gepland stonden"),
        _("Check-in"),
        [("done", _("Gedaan")), ("missed", _("Niet gedaan"))],
        counts,
        period,
    )
    signals = SafetySignal.objects.filter(
        of_requests,
        **scope.kw(),
        raised_at__gte=_start(period),
        raised_at__lt=_end(period),
    )
    hours = [
        (ack - raised).total_seconds() / 3600
        for raised, ack in signals.filter(acknowledged_at__isnull=False).values_list(
            "raised_at", "acknowledged_at"
        )
        if ack is not None
    ]
    signal_count = _count(_by_quarter(signals, "raised_at", None), period)
    ack = percentile(hours, 0.5)
    backing = _backing(scope, period)
    return Section(
        key="support",
        title=_("Begeleiding"),
        figures=[
            KeyFigure(_("Koppelingen die liepen"), _shown(shown_served)),
            KeyFigure(
                _("Contacten per koppeling per maand dat die liep"),
                "x" if per_match is None else f"{per_match}".replace(".", ","),
            ),
            KeyFigure(_("Zorgsignalen"), _shown(signal_count)),
            KeyFigure(
                _("Tijd tot een coördinator het zorgsignaal zag, mediaan"),
                "x" if ack is None else _("%(hours)s uur") % {"hours": round(ack, 1)},
            ),
        ],
        tables=[check_table, *backing.tables],
    ).with_figures(backing.figures)


def _backing(scope: Scope, period: Period) -> Section:
    """What backs the buddies: intervisie and training attendances (by the quarter
    of the session), questions to the question desk and the time to the first
    answer."""
    intervisie = _by_quarter(
        Participation.objects.filter(
            **scope.kw(),
            attended=True,
            session__starts_at__gte=_start(period),
            session__starts_at__lt=_end(period),
        ),
        "session__starts_at",
        None,
    )
    training = _by_quarter(
        Enrolment.objects.filter(
            **scope.kw(),
            attended=True,
            session__starts_at__gte=_start(period),
            session__starts_at__lt=_end(period),
        ),
        "session__starts_at",
        None,
    )
    questions = Question.objects.filter(
        **scope.kw(),
        created_at__gte=_start(period),
        created_at__lt=_end(period),
    )
    asked = _count(_by_quarter(questions, "created_at", None), period)
    first_answers = (
        Reply.objects.filter(**scope.kw(), by_coordinator=True, question__in=questions)
        .order_by()
        .values("question_id")
        .annotate(first=Min("created_at"), asked=Min("question__created_at"))
        .values_list("asked", "first")
    )
    waits = [
        (first - asked).total_seconds() / 3600
        for asked, first in first_answers
        if asked is not None and first is not None and first >= asked
    ]
    wait = percentile(waits, 0.5)
    return Section(
        key="backing",
        title="",
        figures=[
            KeyFigure(
                _("Intervisie: keer dat een buddy erbij was"),
                _shown(_count(intervisie, period)),
            ),
            KeyFigure(
                _("Training: keer dat een buddy erbij was"),
                _shown(_count(training, period)),
            ),
            KeyFigure(_("Vragen aan de vraagbaak"), _shown(asked)),
            KeyFigure(
                _("Tijd tot het eerste antwoord, mediaan"),
                "x" if wait is None else _("%(hours)s uur") % {"hours": round(wait, 1)},
            ),
        ],
    )


def _served(scope: Scope, period: Period, filters: Filters, prefix: str = "") -> Q:
    """Matches (or, with `prefix` "match__", rows of matches) that ran at some time
    in the period: started before its end and not closed before its start."""
    return Q(
        _requests(scope, filters, f"{prefix}request__"),
        **{
            f"{prefix}started_on__isnull": False,
            f"{prefix}started_on__lt": period.end,
        },
    ) & ~Q(**{f"{prefix}closure__closed_on__lt": period.start})


def _served_matches(scope: Scope, period: Period, filters: Filters) -> QuerySet[Match]:
    """Matches that ran at some time in the period: started before its end and not
    closed before its start."""
    return Match.objects.filter(_served(scope, period, filters))


def closure(scope: Scope, period: Period, filters: Filters) -> Section:
    closures = Closure.objects.filter(
        _requests(scope, filters, "match__request__"),
        closed_on__gte=period.start,
        closed_on__lt=period.end,
    )
    reasons = _counts_table(
        "closure_reasons",
        _("Waarom koppelingen stopten"),
        _("Reden"),
        [(r.value, str(r.label)) for r in CloseReason],
        _by_quarter(closures, "closed_on", "reason"),
        period,
    )
    durations = [
        (closed - started).days
        for closed, started in closures.filter(
            match__started_on__isnull=False
        ).values_list("closed_on", "match__started_on")
        if started is not None
    ]
    rematches = _count(
        _by_quarter(closures.filter(rematch=True), "closed_on", None), period
    )
    figures = [
        KeyFigure(_("Afgesloten koppelingen"), _shown(reasons.grid.total)),
        KeyFigure(
            _("Duur van een koppeling, mediaan / 90 %"),
            f"{_days(percentile(durations, 0.5))} / {_days(percentile(durations, 0.9))}",
        ),
        KeyFigure(_("Opnieuw een buddy gezocht"), _shown(rematches)),
    ]
    section = Section(
        key="closure",
        title=_("Afsluiting en resultaat"),
        figures=figures,
        tables=[reasons],
    )
    _outcomes(section, scope, period, filters)
    return section


def _outcomes(section: Section, scope: Scope, period: Period, filters: Filters) -> None:
    """The evaluation's paired change per scale (start against end), for a period
    of one school year (the evaluation counts per school year)."""
    if len(period.quarters) != 4 or period.first.number != 1:
        section.notes.append(
            _("De uitkomsten van de vragenlijsten staan bij een heel schooljaar.")
        )
        return
    year = period.first.school_year
    found = evaluation.results(
        scope.organisation_ids if scope.national else scope.organisation_ids[0],
        evaluation.Filters(
            school_year=f"{year}-{year + 1}",
            district=filters.swv,
            route=filters.route,
            code=filters.code,
        ),
    )
    for row in found.parent:
        change = row.change_end
        if change is None:
            value = _("x")
        else:
            value = _("%(mean)s (95 %%: %(low)s tot %(high)s; %(n)s ouders)") % {
                "mean": f"{change.mean:+.2f}".replace(".", ","),
                "low": f"{change.low:+.2f}".replace(".", ","),
                "high": f"{change.high:+.2f}".replace(".", ","),
                "n": change.n,
            }
        section.figures.append(
            KeyFigure(_("Verandering: %(scale)s") % {"scale": row.name}, value)
        )


STEPS = (
    BuddyStatus.INTRODUCTION,
    BuddyStatus.SCREENING,
    BuddyStatus.TRAINING,
    BuddyStatus.ACTIVE,
)


def buddies(scope: Scope, period: Period, filters: Filters) -> Section:
    """Recruitment and retention: of the buddies who applied in the period, how many
    reached each step and how long it took to become active; who is still active 6,
    12 and 24 months after starting; why buddies stopped; matches per active buddy."""
    applied = Buddy.objects.filter(
        **scope.kw(),
        created_at__gte=_start(period),
        created_at__lt=_end(period),
    )
    counts = _by_quarter(applied, "created_at", None)
    reached = _by_quarter(
        StatusChange.objects.filter(
            **scope.kw(),
            buddy__in=applied,
            to_status__in=STEPS,
        ),
        "buddy__created_at",
        "to_status",
        distinct="buddy_id",
    )
    for quarter, found in counts.items():
        reached.setdefault(quarter, Counter())["applied"] = found[None]
    pipeline = _counts_table(
        "buddy_pipeline",
        _("Aangemelde buddy's: hoe ver ze kwamen"),
        _("Stap"),
        [("applied", _("Aangemeld")), *((s.value, str(s.label)) for s in STEPS)],
        reached,
        period,
        summary=lambda table: _pipeline_summary(table),
    )
    pipeline.show_total = False  # the steps are the same people: no sum
    # A status change dated before the application (records moved over from an
    # earlier system) says nothing about the time it took: left out.
    to_active = [
        (active - created).days
        for created, active in StatusChange.objects.filter(
            **scope.kw(),
            buddy__in=applied,
            to_status=BuddyStatus.ACTIVE,
        )
        .order_by()
        .values("buddy_id")
        .annotate(created=Min("buddy__created_at"), active=Min("at"))
        .values_list("created", "active")
        if created is not None and active is not None and active >= created
    ]
    stopped = StatusChange.objects.filter(
        **scope.kw(),
        to_status=BuddyStatus.STOPPED,
        at__gte=_start(period),
        at__lt=_end(period),
    )
    reasons = _counts_table(
        "buddy_stop_reasons",
        _("Waarom buddy's stopten"),
        _("Reden"),
        [(r.value, str(r.label)) for r in StopReason] + [("", _("Niet vastgelegd"))],
        _by_quarter(stopped, "at", "buddy__stop_reason", distinct="buddy_id"),
        period,
    )
    figures = [
        KeyFigure(
            _("Van aanmelding tot actief, mediaan"),
            _days(percentile(to_active, 0.5)),
        ),
        *_retention(scope),
    ]
    load = _load_per_buddy(scope)
    return Section(
        key="buddies",
        title=_("Buddy's"),
        figures=figures,
        tables=[pipeline, reasons, load],
    )


def _pipeline_summary(table: Table) -> str:
    values = dict(table.bars)
    applied = values.get(_("Aangemeld"))
    active = values.get(str(BuddyStatus.ACTIVE.label))
    if not applied or active is None:
        return _largest_summary(table)
    return _("Van de %(applied)s aangemelde buddy's werden er %(active)s actief.") % {
        "applied": applied,
        "active": active,
    }


def _retention(scope: Scope) -> list[KeyFigure]:
    """Of the buddies who first became active at least 6, 12 or 24 months ago, how
    many are active or paused today (not stopped)."""
    firsts = (
        StatusChange.objects.filter(**scope.kw(), to_status=BuddyStatus.ACTIVE)
        .order_by()
        .values("buddy_id")
        .annotate(first=Min("at"))
    )
    now = timezone.now()
    found = []
    for months in (6, 12, 24):
        before = now - dt.timedelta(days=round(months * 30.44))
        started = firsts.filter(first__lte=before).values("buddy_id")
        counted = Buddy.objects.filter(**scope.kw(), pk__in=started).aggregate(
            total=Count("pk"),
            still=Count(
                "pk", filter=Q(status__in=(BuddyStatus.ACTIVE, BuddyStatus.PAUSED))
            ),
        )
        total = protect_count([counted["total"]])
        kept = protect_count([counted["still"]])
        if total is None or kept is None:
            value = _("x")
        elif total == 0:
            value = _("nog niemand zo lang")
        else:
            value = _("%(kept)s van %(total)s (%(share)s %%)") % {
                "kept": kept,
                "total": total,
                "share": share(kept, total),
            }
        found.append(
            KeyFigure(
                _("Nog actief %(months)s maanden na de start") % {"months": months},
                value,
            )
        )
    return found


def _load_per_buddy(scope: Scope) -> Table:
    """Active buddies by their number of running matches now."""
    active = Buddy.objects.filter(**scope.kw(), status=BuddyStatus.ACTIVE)
    per_buddy = (
        Match.objects.filter(
            **scope.kw(),
            status__in=HOLDS_PLACE,
            buddy__in=active,
        )
        .order_by()
        .values("buddy_id")
        .annotate(n=Count("pk"))
    )
    counts: Counter[Any] = Counter(min(row["n"], 3) for row in per_buddy)
    counts[0] = active.count() - sum(counts.values())
    labels = [
        (0, _("Geen koppeling")),
        (1, _("1 koppeling")),
        (2, _("2 koppelingen")),
        (3, _("3 of meer")),
    ]
    table = Table(
        key="buddy_load",
        title=_("Actieve buddy's naar hun aantal koppelingen nu"),
        row_header=_("Koppelingen"),
        rows=[label for _k, label in labels],
        columns=[_("Buddy's")],
        grid=protect_counts([[counts[k] for k, _label in labels]]),
    )
    table.summary = _largest_summary(table)
    return table


def costs(scope: Scope, period: Period, filters: Filters) -> Section:
    start, end = period.start, period.end
    # Each organisation's hours at its own hour cost.
    hour_costs = dict(
        CostSettings.objects.filter(**scope.kw()).values_list(
            "organisation_id", "hour_cost"
        )
    )
    minutes: Counter[str] = Counter()
    hours_cost = Decimal(0)
    for organisation_id, activity, total in (
        TimeEntry.objects.filter(**scope.kw(), worked_on__gte=start, worked_on__lt=end)
        .order_by()
        .values_list("organisation_id", "activity")
        .annotate(total=Sum("minutes"))
    ):
        minutes[activity] += total
        hours_cost += Decimal(total) / 60 * hour_costs.get(organisation_id, Decimal(0))
    hours_cost = hours_cost.quantize(Decimal("0.01"))
    other = dict(
        Cost.objects.filter(**scope.kw(), spent_on__gte=start, spent_on__lt=end)
        .order_by()
        .values_list("category")
        .annotate(total=Sum("amount"))
    )
    allowances = FlatAllowance.objects.filter(
        **scope.kw(), paid_on__gte=start, paid_on__lt=end
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    expenses = ExpenseClaim.objects.filter(
        **scope.kw(),
        status=ClaimStatus.APPROVED,
        spent_on__gte=start,
        spent_on__lt=end,
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    total_minutes = sum(minutes.values())
    lines: list[tuple[str, Decimal]] = [
        (
            _("Uren coördinator (%(hours)s uur)") % {"hours": _hours(total_minutes)},
            hours_cost,
        ),
        (_("Vrijwilligersvergoedingen"), allowances),
        (_("Onkosten van buddy's"), expenses),
    ]
    for category in CostCategory:
        lines.append((str(category.label), other.get(category.value, Decimal(0))))
    total = sum((amount for _label, amount in lines), Decimal(0))
    all_filters = Filters()
    served = _served_matches(scope, period, all_filters).aggregate(
        n=Count("pk"),
        buddies=Count("buddy_id", distinct=True),
        parents=Count("request_id", distinct=True),
    )
    served_count, buddies, parents = served["n"], served["buddies"], served["parents"]

    def people(n: int) -> int | None:
        return n if n == 0 or n >= MIN_CELL else None

    figures = [
        KeyFigure(_("Kosten in de periode"), money(total)),
        KeyFigure(_("Per koppeling"), money(cost_per(total, people(served_count)))),
        KeyFigure(_("Per actieve buddy"), money(cost_per(total, people(buddies)))),
        KeyFigure(_("Per geholpen ouder"), money(cost_per(total, people(parents)))),
    ]
    hours_rows = [
        (str(activity.label), _hours(minutes.get(activity.value, 0)))
        for activity in Activity
    ]
    if scope.organisation is not None:
        notes = [
            _("Een uur coördinator kost %(cost)s (in te stellen bij Kosten).")
            % {"cost": money(hour_costs.get(scope.organisation.pk, Decimal(0)))}
        ]
    else:
        notes = [_("De uren tellen met de kosten van een uur van elk steunpunt.")]
    if filters.any:
        notes.append(
            _(
                "De kosten gelden voor de hele organisatie; de filters tellen hier niet mee."
            )
        )
    return Section(
        key="costs",
        title=_("Kosten"),
        figures=figures,
        notes=notes,
        money_lines=lines,
        hour_lines=hours_rows,
    )


def _hours(minutes: int) -> str:
    text = f"{minutes / 60:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def assumptions() -> list[str]:
    return [
        _(
            "Een koppeling telt mee als die in de periode liep: gestart voor het einde "
            "en niet afgesloten voor het begin."
        ),
        _(
            "Een geholpen ouder is een hulpvraag met zo'n koppeling; een actieve buddy "
            "een buddy met zo'n koppeling."
        ),
        _(
            "Kosten: de gewerkte uren van coördinatoren maal de kosten van een uur, de "
            "betaalde vrijwilligersvergoedingen, de goedgekeurde onkosten van buddy's "
            "en de kosten die de organisatie invoerde."
        ),
        _(
            "Een periode bestaat uit hele kwartalen van het schooljaar (augustus tot en "
            "met oktober, november tot en met januari, februari tot en met april, mei "
            "tot en met juli)."
        ),
        _(
            "x: niet getoond, omdat het over minder dan 5 personen gaat of daaruit af "
            "te leiden is."
        ),
    ]


def report(organisation: Organisation, period: Period, filters: Filters) -> Report:
    """One organisation's report."""
    return scoped_report(Scope.of(organisation), period, filters)


def scoped_report(scope: Scope, period: Period, filters: Filters) -> Report:
    """The report of one organisation or of a network's organisations together.

    One organisation's report is kept in the shared cache until its data changes
    (lib/org_cache.py): it costs about 100 ms to count, the page a few ms to draw.
    A network's report reads many organisations' data and is counted every time."""
    if scope.organisation is None:
        return _count_report(scope, period, filters)
    return org_cache.remember(
        scope.organisation.pk,
        "report",
        lambda: _count_report(scope, period, filters),
        vary=f"{period.key}_{filters.key}",
    )


def _count_report(scope: Scope, period: Period, filters: Filters) -> Report:
    return Report(
        scope=scope,
        period=period,
        filters=filters,
        sections=[
            demand(scope, period, filters),
            matching(scope, period, filters),
            support(scope, period, filters),
            closure(scope, period, filters),
            buddies(scope, period, filters),
            costs(scope, period, filters),
        ],
        assumptions=assumptions(),
    )


def filter_options(scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters: the scope's SWVs, PO/VO, the route codes and the
    other experience codes."""
    districts = (
        CooperationDistrict.objects.filter(organisations__in=scope.organisation_ids)
        .distinct()
        .order_by("sector", "display_code")
    )
    english = (get_language() or "").startswith("en")
    codes = all_codes()

    def label(code: Any) -> str:
        return str(code.label_en if english and code.label_en else code.label_nl)

    return {
        "swv": [(d.code, f"{d.display_code} {d.name}".strip()) for d in districts],
        "sector": [("po", _("Primair onderwijs")), ("vo", _("Voortgezet onderwijs"))],
        "route": [(c.code, label(c)) for c in codes if c.group == "route"],
        "code": [(c.code, label(c)) for c in codes if c.group in ("issue", "need")],
    }


def time_entries(membership: Any, *, limit: int = 20) -> list[TimeEntry]:
    """The coordinator's own latest entries."""
    return list(
        TimeEntry.objects.filter(
            organisation_id=membership.organisation_id, membership_id=membership.pk
        )[:limit]
    )


def week_minutes(membership: Any) -> int:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return (
        TimeEntry.objects.filter(
            organisation_id=membership.organisation_id,
            membership_id=membership.pk,
            worked_on__gte=monday,
        ).aggregate(total=Sum("minutes"))["total"]
        or 0
    )


def cost_list(organisation_id: Any, period: Period) -> list[Cost]:
    return list(
        Cost.objects.filter(
            organisation_id=organisation_id,
            spent_on__gte=period.start,
            spent_on__lt=period.end,
        ).select_related("session__course")
    )


def get_cost_for(actor: Any, cost_id: Any) -> Cost:
    return get_or_404(
        Cost.objects.filter(organisation_id=actor.organisation_id), pk=cost_id
    )


def get_time_entry_for(actor: Any, entry_id: Any) -> TimeEntry:
    return get_or_404(
        TimeEntry.objects.filter(
            organisation_id=actor.organisation_id, membership_id=actor.pk
        ),
        pk=entry_id,
    )


def served_count(organisation: Organisation, period: Period) -> int:
    return _served_matches(Scope.of(organisation), period, Filters()).count()


def headline(organisation: Organisation) -> dict[str, Any]:
    """The manager's start page: a few key figures of the current school year."""
    scope = Scope.of(organisation)
    period = Period.school_year(school_year_of(timezone.localdate()))
    everything = Filters()
    wanted = (
        (demand(scope, period, everything), (0, 1)),
        (support(scope, period, everything), (0,)),
        (costs(scope, period, everything), (0, 1)),
    )
    return {
        "period": period,
        "figures": [section.figures[i] for section, picks in wanted for i in picks],
    }
