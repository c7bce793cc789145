"""Helpers for the browser tests: axe-core checks and keyboard-focus checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

# --- axe-core -------------------------------------------------------------------

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        if not AXE_PATH.is_file():
            pytest.fail(
                f"axe-core not found at {AXE_PATH}; run `make install` (npm ci).",
                pytrace=False,
            )
        _axe_source = AXE_PATH.read_text(encoding="utf-8")
    return _axe_source


_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(" "),
      summary: n.failureSummary || "",
    })),
  }));
}"""


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  {summary}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe violation on the current page (axe is injected once per load)."""
    page.wait_for_load_state("load")  # stylesheets applied before measuring
    # page.evaluate goes through the DevTools protocol, which the page's
    # Content-Security-Policy does not apply to; a <script> tag would be refused.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe())
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def check_axe(page: Page, context_label: str) -> None:
    """Fail on every serious or critical WCAG 2.2 A/AA violation on the page.

    Moderate and minor findings do not fail the test; they are printed (pytest shows
    them with a failure, or always with `-s`) and added to the failure message.
    """
    violations = axe_violations(page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    other = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if other:
        print(f"\naxe, {context_label} ({page.url}), not failing:\n{_describe(other)}")
    if failing:
        message = (
            f"axe found serious/critical violations on {context_label} ({page.url}):\n"
            f"{_describe(failing)}"
        )
        if other:
            message += (
                f"\nAlso found (moderate/minor, not failing):\n{_describe(other)}"
            )
        pytest.fail(message, pytrace=False)


# --- Focus ----------------------------------------------------------------------

_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    html: el.outerHTML.slice(0, 160),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
    viewport: {width: window.innerWidth, height: window.innerHeight},
    inMain: !!el.closest("main"),
    inHeader: !!el.closest("header"),
  };
}"""


def focus_state(page: Page) -> dict[str, Any] | None:
    """What has keyboard focus now, with the styles that show it."""
    return page.evaluate(_FOCUS_STATE)


def assert_visible_focus(state: dict[str, Any] | None, where: str) -> None:
    """The focused element is on screen and has an outline or a box shadow."""
    assert state is not None, f"{where}: nothing has focus"
    shown = json.dumps(state, ensure_ascii=False)
    has_outline = state["outlineStyle"] != "none" and state["outlineWidth"] > 0
    has_shadow = state["boxShadow"] not in ("", "none")
    assert has_outline or has_shadow, f"{where}: no visible focus indicator: {shown}"
    box, viewport = state["box"], state["viewport"]
    assert box["width"] > 0 and box["height"] > 0, (
        f"{where}: focused element has no size: {shown}"
    )
    assert (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    ), f"{where}: focused element is not inside the viewport: {shown}"


# --- Reference data ---------------------------------------------------------------


def ensure_reference_data() -> None:
    """Load the postcodes, districts and experience codes when they are missing.

    Migrations load this reference data, but a transactional test (every browser
    test) empties all tables afterwards, so a later test in the same run finds them
    empty. Both loaders are idempotent; this only runs them when a table is empty.
    """
    from ouderbuddy.regions.loader import load_reference_data
    from ouderbuddy.regions.models import PostcodeArea
    from ouderbuddy.taxonomy.loader import load_codes
    from ouderbuddy.taxonomy.models import ExperienceCode

    if not PostcodeArea.objects.exists():
        load_reference_data()
    if not ExperienceCode.objects.exists():
        load_codes()
    ensure_referral_targets()


def ensure_referral_targets() -> None:
    """Load the referral targets (intake migration 0002) when they are missing.

    Like the reference data above, a transactional test empties the table that the
    migration filled; this runs the migration's own loader again (idempotent).
    """
    import importlib

    from django.apps import apps

    from ouderbuddy.intake.models import ReferralTarget

    if not ReferralTarget.objects.exists():
        migration = importlib.import_module(
            "ouderbuddy.intake.migrations.0002_referral_targets"
        )
        migration.load(apps, None)


# --- Small screens and the second factor ----------------------------------------------


def assert_no_horizontal_scroll(page: Page, width: int, where: str) -> None:
    """The page does not scroll sideways at `width` px; name the widest elements."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width)
                .slice(0, 8)
                .map((el) => el.outerHTML.slice(0, 120))""",
            width,
        )
        pytest.fail(
            f"{where}: the page scrolls sideways at {width}px "
            f"(scrollWidth {scroll_width}); too wide: {wide}",
            pytrace=False,
        )


def next_totp_code(device: Any) -> str:
    """A code a django-otp TOTPDevice accepts now. django-otp refuses a time step it
    has already accepted (last_t) and allows one step of drift: take the step after
    the last one used."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    offset = max(0, device.last_t + 1 - now_step)
    assert offset <= device.tolerance, "the last used code is too far ahead"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def sign_in(page: Any, email: str, device: Any = None) -> None:
    """Sign in on the login page (with the second step when `device` is given) and
    land on the start page. Every test user has the password `conftest.PASSWORD`."""
    import re

    from playwright.sync_api import expect

    from conftest import PASSWORD

    page.goto("/account/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    if device is not None:
        expect(page.locator("h1")).to_have_text("Tweede stap")
        page.get_by_label("Code", exact=True).fill(next_totp_code(device))
        page.get_by_role("button", name="Controleren").click()
        page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/start/$"))
