"""The main menu per role. Apps add their pages here; the header shows what fits the role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ouderbuddy.organisations.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[str]


NAVIGATION: list[NavItem] = [
    NavItem("dashboard:start", _("Start"), frozenset(Role)),
    NavItem("intake:inbox", _("Hulpvragen"), frozenset({Role.COORDINATOR})),
    NavItem("intake:waiting_list", _("Wachtlijst"), frozenset({Role.COORDINATOR})),
    NavItem("intake:all_requests", _("Zoeken"), frozenset({Role.COORDINATOR})),
    NavItem("matching:overview", _("Koppelen"), frozenset({Role.COORDINATOR})),
    NavItem("casework:overview", _("Begeleiding"), frozenset({Role.COORDINATOR})),
    NavItem("buddies:pipeline", _("Buddy's"), frozenset({Role.COORDINATOR})),
    NavItem("training:courses", _("Trainingen"), frozenset({Role.COORDINATOR})),
    NavItem("support:groups", _("Intervisie"), frozenset({Role.COORDINATOR})),
    NavItem("support:questions", _("Vraagbaak"), frozenset({Role.COORDINATOR})),
    NavItem("support:announcements", _("Berichten"), frozenset({Role.COORDINATOR})),
    NavItem("knowledge:list", _("Kennisbank"), frozenset({Role.COORDINATOR})),
    NavItem("support:claims", _("Onkosten"), frozenset({Role.COORDINATOR})),
    NavItem("evaluation:results", _("Evaluatie"), frozenset({Role.COORDINATOR})),
    NavItem(
        "reports:dashboard",
        _("Rapportage"),
        frozenset({Role.COORDINATOR, Role.MANAGER, Role.NETWORK_ADMIN}),
    ),
    NavItem("matching:proposals", _("Mijn koppelingen"), frozenset({Role.BUDDY})),
    NavItem("buddies:portal_profile", _("Mijn profiel"), frozenset({Role.BUDDY})),
    NavItem("training:my_trainings", _("Mijn trainingen"), frozenset({Role.BUDDY})),
    NavItem("support:my_intervisie", _("Intervisie"), frozenset({Role.BUDDY})),
    NavItem("support:my_questions", _("Mijn vragen"), frozenset({Role.BUDDY})),
    NavItem("knowledge:index", _("Kennisbank"), frozenset({Role.BUDDY})),
    NavItem("support:my_expenses", _("Mijn onkosten"), frozenset({Role.BUDDY})),
    NavItem("organisations:team", _("Team"), frozenset({Role.COORDINATOR})),
    NavItem(
        "organisations:settings",
        _("Instellingen"),
        frozenset({Role.COORDINATOR, Role.MANAGER}),
    ),
    # One item for the audit log, the register, the breaches and the retention.
    NavItem(
        "privacy:overview", _("Privacy"), frozenset({Role.COORDINATOR, Role.MANAGER})
    ),
    NavItem("accounts:security", _("Beveiliging"), frozenset(Role)),
]


_paths: dict[tuple[str, str, str, str], str] = {}


def path_of(url_name: str) -> str:
    """`reverse(url_name)` for a page without arguments, worked out once per process
    (per URL map and script prefix): the menu is drawn on every page, a reverse costs
    about 25 µs and the menu has up to 14 of them."""
    key = (settings.ROOT_URLCONF, str(get_urlconf()), get_script_prefix(), url_name)
    found = _paths.get(key)
    if found is None:
        found = _paths[key] = reverse(url_name)
    return found


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu items for the acting role, with the current page marked."""
    membership = getattr(request, "membership", None)
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    if getattr(request, "second_factor_pending", False):
        return {"navigation": []}
    items = []
    for item in NAVIGATION:
        if membership is None and item.url_name != "accounts:security":
            continue
        if membership is not None and membership.role not in item.roles:
            continue
        url = path_of(item.url_name)
        items.append({"url": url, "label": item.label, "current": request.path == url})
    if user.is_staff and user.is_superuser:
        # The product's own pages; the Django admin stays for emergencies, unlinked.
        url = path_of("platform:organisations")
        items.append(
            {
                "url": url,
                "label": _("Steunpunten"),
                "current": request.path.startswith(url),
            }
        )
    return {"navigation": items, "navigation_html": _menu_html(items)}


def _menu_html(items: list[dict[str, Any]]) -> SafeString:
    """The menu's list items as base.html's loop drew them (every page draws the
    menu: a Python join costs a tenth of the template loop)."""
    return mark_safe(  # noqa: S308 - the URL and label are escaped
        "".join(
            '\n          <li class="utrecht-nav-list__item">\n            '
            f'<a class="utrecht-nav-list__link" href="{escape(item["url"])}"'
            + (' aria-current="page"' if item["current"] else "")
            + f">{escape(item['label'])}</a>\n          </li>"
            for item in items
        )
    )
