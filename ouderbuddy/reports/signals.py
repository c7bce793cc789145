"""The OJS's signals to the SWV board (*signaleren*): recurring themes of a period
from the requests' codes, the coordinators' signals, where requests were referred
and why matches ended, each against the period before; and a draft text for the
board report. Counts only, protected like every figure (`reports.figures`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib import org_cache
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.reports.figures import Period
from ouderbuddy.reports.models import BoardReport, RequestSignal, SignalTheme
from ouderbuddy.reports.selectors import (
    Filters,
    Scope,
    Table,
    _by_quarter,
    _counts_table,
    _end,
    _start,
    as_scope,
    closure,
    demand,
)
from ouderbuddy.taxonomy.selectors import all_codes, labels


@dataclass(frozen=True)
class TrendRow:
    label: str
    now: int | None
    before: int | None

    @property
    def trend(self) -> str:
        if self.now is None or self.before is None:
            return ""
        if self.now > self.before:
            return str(_("meer"))
        if self.now < self.before:
            return str(_("minder"))
        return str(_("gelijk"))


@dataclass(frozen=True)
class Trend:
    key: str
    title: str
    rows: list[TrendRow]
    table: Table

    @property
    def shown_rows(self) -> list[TrendRow]:
        """The rows with something in either period (the others say nothing)."""
        return [row for row in self.rows if row.now != 0 or row.before != 0]


def _trend(now: Table, before: Table) -> Trend:
    previous = dict(before.bars)
    return Trend(
        key=now.key,
        title=now.title,
        rows=[
            TrendRow(label=label, now=value, before=previous.get(label))
            for label, value in now.bars
        ],
        table=now,
    )


def _themes(scope: Scope, period: Period) -> Table:
    signals = RequestSignal.objects.filter(
        **scope.kw(),
        noted_on__gte=period.start,
        noted_on__lt=period.end,
    )
    return _counts_table(
        "signal_themes",
        _("Signalen van de coördinatoren"),
        _("Signaal"),
        [(t.value, str(t.label)) for t in SignalTheme],
        _by_quarter(signals, "noted_on", "theme"),
        period,
    )


def _issues(scope: Scope, period: Period) -> Table:
    issue_codes = [c.code for c in all_codes() if c.group == "issue"]
    rows = HelpRequest.codes.through.objects.filter(
        **scope.kw("helprequest__"),
        helprequest__received_at__gte=_start(period),
        helprequest__received_at__lt=_end(period),
        experiencecode_id__in=issue_codes,
    )
    names = labels(issue_codes)
    return _counts_table(
        "request_issues",
        _("Waar de hulpvragen over gingen"),
        _("Onderwerp"),
        [(code, names.get(code, code)) for code in issue_codes],
        _by_quarter(rows, "helprequest__received_at", "experiencecode_id"),
        period,
    )


def trends(of: Organisation | Scope, period: Period) -> list[Trend]:
    """The themes of the period against the period of the same length before it, of
    one organisation or of a network's organisations together."""
    scope = as_scope(of)
    if scope.organisation is None:
        return _trends(scope, period)
    return org_cache.remember(
        scope.organisation.pk,
        "trends",
        lambda: _trends(scope, period),
        vary=period.key,
    )


def _trends(scope: Scope, period: Period) -> list[Trend]:
    before = period.previous()
    everything = Filters()

    def tables(of: Period) -> dict[str, Table]:
        found = {
            "signal_themes": _themes(scope, of),
            "request_issues": _issues(scope, of),
        }
        for section in (
            demand(scope, of, everything),
            closure(scope, of, everything),
        ):
            for table in section.tables:
                if table.key in ("referred_to", "closure_reasons"):
                    found[table.key] = table
        return found

    now, then = tables(period), tables(before)
    return [_trend(now[key], then[key]) for key in now]


def draft_text(of: Organisation | Scope, period_label: str, found: list[Trend]) -> str:
    """A first text for the board, in plain Dutch, from the figures that are shown
    (a hidden figure is left out, never guessed)."""
    lines = [
        _("Signalen aan het bestuur van het samenwerkingsverband"),
        _("%(org)s, %(period)s.") % {"org": as_scope(of).name, "period": period_label},
        "",
    ]
    for trend in found:
        shown = sorted(
            (row for row in trend.rows if row.now),
            key=lambda row: -(row.now or 0),
        )[:5]
        if not shown:
            continue
        lines.append(f"{trend.title}:")
        for row in shown:
            if row.before is None:
                lines.append(f"- {row.label}: {row.now}")
            else:
                lines.append(
                    _("- %(label)s: %(now)s (de periode ervoor: %(before)s)")
                    % {"label": row.label, "now": row.now, "before": row.before}
                )
        lines.append("")
    lines.append(
        _(
            "Aantallen onder de 5 staan er niet in: zo is niemand te herkennen. "
            "Toelichting van de coördinator:"
        )
    )
    return "\n".join(lines)


def board_reports(organisation_id: Any) -> list[BoardReport]:
    return list(BoardReport.objects.filter(organisation_id=organisation_id)[:20])


def shared_board_report(organisation_id: Any, period: Period) -> BoardReport | None:
    """The latest shared report whose period is this one."""
    first = f"{period.first.school_year}-{period.first.number}"
    last = f"{period.last.school_year}-{period.last.number}"
    return (
        BoardReport.objects.filter(
            organisation_id=organisation_id,
            first_quarter=first,
            last_quarter=last,
            shared_at__isnull=False,
        )
        .order_by("-shared_at")
        .first()
    )
