"""The engine's numbers in words a coordinator reads at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ouderbuddy.lib.choices import SpokenLanguage
from ouderbuddy.matching import engine
from ouderbuddy.taxonomy import selectors as taxonomy

CRITERION_LABELS = {
    "issue": gettext_lazy("Ervaring met procedures op school"),
    "need": gettext_lazy("Ervaring met dezelfde ondersteuningsbehoefte"),
    "route": gettext_lazy("Ervaring met dezelfde onderwijsroute"),
    "same_swv": gettext_lazy("Zelfde samenwerkingsverband"),
    "language": gettext_lazy("Spreekt de taal van de ouder"),
    "gender": gettext_lazy("Man of vrouw, zoals de ouder liefst wil"),
    "distance": gettext_lazy("Afstand"),
    "load": gettext_lazy("Vrije plekken bij de buddy"),
    "waiting": gettext_lazy("Wachttijd van de ouder"),
}

EXCLUSION_LABELS = {
    engine.Exclusion.NOT_ACTIVE: gettext_lazy(
        "Niet actief (in training, met pauze of checklist niet compleet)"
    ),
    engine.Exclusion.VOG_EXPIRED: gettext_lazy("Geen geldige VOG"),
    engine.Exclusion.TRAINING_MISSING: gettext_lazy("Basistraining niet gevolgd"),
    engine.Exclusion.NO_FREE_PLACE: gettext_lazy("Geen plek vrij"),
    engine.Exclusion.TOO_FAR_FOR_PARENT: gettext_lazy("Verder weg dan de ouder wil"),
    engine.Exclusion.TOO_FAR_FOR_BUDDY: gettext_lazy(
        "Verder weg dan de buddy wil reizen"
    ),
    engine.Exclusion.CONTACT_MODE: gettext_lazy(
        "Geen manier van contact die allebei willen"
    ),
    engine.Exclusion.GENDER: gettext_lazy(
        "De ouder wil alleen een vrouw of alleen een man"
    ),
    engine.Exclusion.CONFLICT_OF_INTEREST: gettext_lazy(
        "Belangenconflict (zelfde school of kent het gezin)"
    ),
    engine.Exclusion.PREVIOUSLY_MATCHED: gettext_lazy(
        "Was al eerder buddy van deze ouder"
    ),
    engine.Exclusion.DECLINED_BEFORE: gettext_lazy(
        "Heeft deze hulpvraag al eerder afgewezen"
    ),
}


def rules(flags: int) -> list[str]:
    """The rules behind exclusion `flags`, as Dutch labels."""
    return [str(label) for flag, label in EXCLUSION_LABELS.items() if flags & flag]


def code_labels(codes: list[str]) -> list[str]:
    """The labels of `codes` (the code itself for an unknown one), from the code list
    each process keeps (a page explains many pairs)."""
    labels = taxonomy.labels(codes)
    return [labels.get(code, code) for code in codes]


# Points are shown in tenths; one tenth in milli-points.
_TENTH = engine.SCALE // 10


def _tenths(milli: int) -> int:
    """`milli` in tenths of a point, half away from zero (exact, no float rounding)."""
    whole, rest = divmod(abs(int(milli)), _TENTH)
    tenths = whole + (2 * rest >= _TENTH)
    return tenths if milli >= 0 else -tenths


def _show(tenths: int) -> str:
    sign = "-" if tenths < 0 else "+"
    return f"{sign}{abs(tenths) // 10},{abs(tenths) % 10}"


def points(milli: int) -> str:
    return _show(_tenths(milli))


def _apportion(values: list[int]) -> list[int]:
    """Each of `values` (milli-points) in tenths, so that the tenths add up to the
    rounded sum (largest remainder): the rows of an explanation add up to its total."""
    floors = [v // _TENTH for v in values]
    missing = _tenths(sum(values)) - sum(floors)  # between 0 and len(values)
    order = sorted(
        range(len(values)), key=lambda i: (floors[i] * _TENTH - values[i], i)
    )
    for i in order[:missing]:
        floors[i] += 1
    return floors


@dataclass(frozen=True)
class Explanation:
    """One pair's score in words: a one-line summary and a row per criterion."""

    summary: list[str]
    rows: list[tuple[str, str, str]]  # (criterion, what, points)
    total: str


def snapshot(
    contributions: dict[str, int],
    shared: dict[str, list[str]],
    distance_km: float,
    free_places: int,
    capacity: int,
    languages: list[str],
    days_waiting: float,
) -> dict[str, Any]:
    """What a match or batch line keeps of its score (JSON, no names)."""
    return {
        "contributions": {k: int(v) for k, v in contributions.items()},
        "shared": shared,
        "distance_km": round(float(distance_km), 1),
        "free_places": int(free_places),
        "capacity": int(capacity),
        "languages": list(languages),
        "days_waiting": round(float(days_waiting), 1),
    }


def common_languages(parent: list[str] | None, buddy: list[str] | None) -> list[str]:
    """The languages both speak, in the parent's order (a request without languages
    is read as Dutch, as the engine does)."""
    theirs = set(buddy or ())
    return [code for code in (parent or ["nl"]) if code in theirs]


def summary(data: dict[str, Any]) -> list[str]:
    """The one-line summary of `explain(data)` alone (a list that shows no rows)."""
    shared_codes = _shared_codes(data)
    labels = dict(zip(shared_codes, code_labels(shared_codes), strict=True))
    return _summary(data, shared_codes, labels)


def _shared_codes(data: dict[str, Any]) -> list[str]:
    return [
        c for group in ("issue", "need", "route") for c in data["shared"].get(group, [])
    ]


def _summary(
    data: dict[str, Any], shared_codes: list[str], labels: dict[str, str]
) -> list[str]:
    contributions: dict[str, int] = data.get("contributions", {})
    summary = []
    if shared_codes:
        summary.append(
            _("zelfde ervaring: %(codes)s")
            % {"codes": ", ".join(labels[c] for c in shared_codes)}
        )
    else:
        summary.append(_("geen gedeelde ervaring"))
    km = data.get("distance_km", 0.0)
    summary.append(_("%(km)s km") % {"km": f"{km:.0f}"})
    # Dutch is the default; only another shared language is worth a word.
    others = [code for code in shared_languages(data) if code != "nl"]
    if others:
        summary.append(
            _("spreekt %(language)s")
            % {"language": ", ".join(_language_name(c).lower() for c in others)}
        )
    if contributions.get("gender", 0) > 0:
        summary.append(_("man of vrouw zoals de ouder liefst wil"))
    if contributions.get("same_swv", 0) > 0:
        summary.append(_("zelfde samenwerkingsverband"))
    summary.append(
        _("%(free)s van %(capacity)s plekken vrij")
        % {"free": data.get("free_places", 0), "capacity": data.get("capacity", 0)}
    )
    return summary


def explain(data: dict[str, Any]) -> Explanation:
    """Words for a `snapshot`; the rows' points add up to the total."""
    contributions: dict[str, int] = data.get("contributions", {})
    shared_codes = _shared_codes(data)
    labels = dict(zip(shared_codes, code_labels(shared_codes), strict=True))
    summary = _summary(data, shared_codes, labels)
    km = data.get("distance_km", 0.0)
    rows = []
    millis = [int(contributions.get(criterion, 0)) for criterion in engine.CRITERIA]
    shown = _apportion(millis)
    for criterion, milli, tenths in zip(engine.CRITERIA, millis, shown, strict=True):
        if criterion in ("issue", "need", "route"):
            codes = data["shared"].get(criterion, [])
            what = ", ".join(labels[c] for c in codes) or "–"
        elif criterion == "distance":
            what = _("%(km)s km") % {"km": f"{km:.1f}".replace(".", ",")}
        elif criterion == "load":
            what = _("%(free)s van %(capacity)s plekken vrij") % {
                "free": data.get("free_places", 0),
                "capacity": data.get("capacity", 0),
            }
        elif criterion == "language":
            spoken = shared_languages(data)
            what = (
                ", ".join(_language_name(c) for c in spoken)
                if spoken and milli > 0
                else _("nee")
            )
        elif criterion == "waiting":
            weeks = int(data.get("days_waiting", 0) // 7)
            what = ngettext("%(n)s week", "%(n)s weken", weeks) % {"n": weeks}
        else:
            what = _("ja") if milli > 0 else _("nee")
        rows.append((str(CRITERION_LABELS[criterion]), what, _show(tenths)))
    return Explanation(summary=summary, rows=rows, total=points(sum(millis)))


def _language_name(code: str) -> str:
    name = SpokenLanguage(code).label if code in SpokenLanguage.values else code
    return str(name)


def language_names(codes: list[str]) -> list[str]:
    return [_language_name(code) for code in codes]


def shared_languages(data: dict[str, Any]) -> list[str]:
    """The languages parent and buddy both speak, from a snapshot (older snapshots
    kept only the parent's one language, which counted when its points are above 0)."""
    if "languages" in data:
        return [str(code) for code in data["languages"]]
    language = data.get("language", "")
    if language and data.get("contributions", {}).get("language", 0) > 0:
        return [language]
    return []


def for_buddy(
    data: dict[str, Any], *, experience_shared: bool, contact_modes: list[str]
) -> list[str]:
    """Why this parent was proposed to the buddy: only what speaks for the buddy, in
    plain sentences, never a missing point. The shared experience only when the parent
    agreed to share what the request is about. `contact_modes` are the labels of the
    ways of contact both want."""
    reasons = []
    codes = [
        c
        for group in ("issue", "need", "route")
        for c in data.get("shared", {}).get(group, [])
    ]
    if experience_shared and codes:
        reasons.append(
            _("U heeft zelf ervaring met: %(codes)s.")
            % {"codes": ", ".join(code_labels(codes))}
        )
    km = data.get("distance_km")
    if km is not None:
        if float(km) < 1:
            reasons.append(_("U woont op minder dan 1 km van de ouder."))
        else:
            reasons.append(
                _("U woont op ongeveer %(km)s km van de ouder.")
                % {"km": f"{float(km):.0f}"}
            )
    # Dutch is what (nearly) everyone speaks: only another language is a reason.
    others = [code for code in shared_languages(data) if code != "nl"]
    if others:
        reasons.append(
            _("U spreekt %(languages)s, net als de ouder.")
            % {"languages": ", ".join(_language_name(c).lower() for c in others)}
        )
    if data.get("contributions", {}).get("same_swv", 0) > 0:
        reasons.append(
            _(
                "U woont in dezelfde regio voor passend onderwijs "
                "(samenwerkingsverband)."
            )
        )
    if contact_modes:
        reasons.append(
            _("U wilt allebei contact via: %(modes)s.")
            % {"modes": ", ".join(m.lower() for m in contact_modes)}
        )
    if not reasons:
        reasons.append(_("De coördinator denkt dat u deze ouder goed kunt helpen."))
    return reasons
