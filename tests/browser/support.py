"""Helpers for the browser tests: axe-core and layout checks, keyboard-focus checks."""

from __future__ import annotations

import json
import os
import re
import shutil
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
    """Fail on every serious or critical WCAG 2.2 A/AA violation on the page, then
    run the layout check (`check_layout`: 390 px and 1280 px, with screenshots).

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
    check_layout(page, context_label)


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
    # Each organisation has its own copy of the defaults (made when it is created).
    from ouderbuddy.intake.services_targets import seed_referral_targets
    from ouderbuddy.organisations.models import Organisation

    for organisation in Organisation.objects.all():
        seed_referral_targets(organisation)


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
    """A code a django-otp TOTPDevice accepts now (`conftest.next_usable_code`,
    which counts the device's drift)."""
    from conftest import next_usable_code

    return next_usable_code(device)


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


# --- Layout: squeezed text, sideways overflow, small targets ------------------------

LAYOUT_WIDTHS = (390, 1280)
MIN_TARGET = 24  # px, WCAG 2.2 SC 2.5.8 Target Size (Minimum)

# One round trip that measures the laid-out page. Four kinds of problem:
#
# squeezed  A text node whose line boxes (Range.getClientRects, merged per line)
#           hold on average 4 characters or fewer over 3 or more lines, or that
#           cuts a word over two lines in a column narrower than 6em: text poured
#           into a column a few characters wide ("Ke/n/m/er/k", "Wacht/lijst").
# overflow  The document is wider than the viewport, or a visible element reaches
#           past its right edge without an ancestor that scrolls or clips it (a
#           table wrapper with overflow-x: auto is fine).
# scroll    A region that scrolls sideways (a wide table's wrapper) that the
#           keyboard cannot reach: neither focusable itself nor holding a link.
# target    A visible control (button, input, select, textarea, summary, a link that
#           is not inline in running text) smaller than 24 x 24 px, unless a 24 px
#           circle on its centre touches no other target (the spacing exception of
#           SC 2.5.8).
_LAYOUT_PROBLEMS = """(minTarget) => {
  const viewport = document.documentElement.clientWidth;
  const problems = [];
  const label = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    const cls = (el.getAttribute("class") || "").trim().split(/\\s+/).filter(Boolean);
    if (cls.length) name += "." + cls.slice(0, 3).join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "")
      .replace(/\\s+/g, " ").trim().slice(0, 50);
    return text ? `${name} "${text}"` : name;
  };
  const px = (n) => Math.round(n * 10) / 10;
  const shown = (el) => el.checkVisibility({checkVisibilityCSS: true});
  // The part of `el` left after every ancestor that clips or scrolls; null when
  // nothing of it can be seen (the honeypot, a visually hidden text).
  const visibleBox = (el, box) => {
    const r = box || el.getBoundingClientRect();
    let left = r.left, right = r.right, top = r.top, bottom = r.bottom;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clipPath !== "none" || (style.clip && style.clip !== "auto")) {
        return null;
      }
      if ((box || a !== el) && (style.overflowX !== "visible" || style.overflowY !== "visible")) {
        const b = a.getBoundingClientRect();
        left = Math.max(left, b.left); right = Math.min(right, b.right);
        top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
      }
    }
    if (right - left < 2 || bottom - top < 2) return null;
    // Fixed and absolutely placed things parked off screen (the skip link).
    if (r.bottom + scrollY <= 0 || r.right + scrollX <= 0) return null;
    return {left, right, top, bottom};
  };

  // 1. Squeezed text.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.data.trim()
      ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  const range = document.createRange();
  const squeezed = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || squeezed.has(parent)) continue;
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"].includes(parent.tagName)) continue;
    if (!shown(parent)) continue;
    range.selectNodeContents(node);
    const lines = [];
    for (const rect of range.getClientRects()) {
      if (rect.width < 0.5 || rect.height < 0.5) continue;
      const line = lines.find((l) => Math.abs(l.top - rect.top) < rect.height / 2);
      if (line) {
        line.width = Math.max(line.right, rect.right) - Math.min(line.left, rect.left);
        line.left = Math.min(line.left, rect.left);
        line.right = Math.max(line.right, rect.right);
        line.bottom = Math.max(line.bottom, rect.bottom);
      } else {
        lines.push({top: rect.top, bottom: rect.bottom, left: rect.left,
                    right: rect.right, width: rect.width});
      }
    }
    if (lines.length < 2) continue;
    const whole = {
      left: Math.min(...lines.map((l) => l.left)),
      right: Math.max(...lines.map((l) => l.right)),
      top: Math.min(...lines.map((l) => l.top)),
      bottom: Math.max(...lines.map((l) => l.bottom)),
    };
    if (!visibleBox(parent, whole)) continue;
    const chars = node.data.replace(/\\s+/g, "").length;
    const perLine = chars / lines.length;
    const widest = Math.max(...lines.map((l) => l.width));
    const em = parseFloat(getComputedStyle(parent).fontSize) || 16;
    // A word cut over two lines in a column under 6em ("Wacht/lijst"); a long
    // e-mail address or link wrapping in a wide column is fine.
    const brokenWord = () => {
      const word = /\\S{2,}/g;
      for (let m = word.exec(node.data); m; m = word.exec(node.data)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()]
          .filter((r) => r.width >= 0.5).map((r) => Math.round(r.top)));
        if (tops.size > 1) return true;
      }
      return false;
    };
    if ((lines.length >= 3 && perLine <= 4) || (widest < 6 * em && brokenWord())) {
      squeezed.add(parent);
      problems.push({
        kind: "squeezed",
        element: label(parent),
        detail: `${chars} characters on ${lines.length} lines, widest line ${px(widest)}px`,
      });
    }
  }

  // 2. Sideways overflow.
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > viewport) {
    problems.push({
      kind: "overflow",
      element: "document",
      detail: `scrollWidth ${scrollWidth}px > viewport ${viewport}px`,
    });
  }
  const contained = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== "visible" && style.overflowX !== "clip") {
        return a.getBoundingClientRect().right <= viewport + 0.5;
      }
      if (style.overflowX === "clip") return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= viewport + 0.5 || r.width === 0 || r.height === 0) continue;
    if (!shown(el) || contained(el)) continue;
    // Only the outermost: its children would repeat the same finding.
    if (wide.some((w) => w.contains(el))) continue;
    if (!visibleBox(el)) continue;
    wide.push(el);
    problems.push({
      kind: "overflow",
      element: label(el),
      detail: `right edge at ${px(r.right)}px, viewport ${viewport}px`,
    });
  }

  // A region that scrolls sideways must be reachable with the keyboard: focusable
  // itself (tabindex) or holding something focusable (WCAG 2.1.1).
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]";
  for (const el of document.body.querySelectorAll("*")) {
    if (["TEXTAREA", "SELECT", "INPUT"].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (style.overflowX !== "auto" && style.overflowX !== "scroll") continue;
    if (el.scrollWidth <= el.clientWidth + 1 || !shown(el) || !visibleBox(el)) continue;
    const reachable = (el.hasAttribute("tabindex") && el.tabIndex >= 0)
      || [...el.querySelectorAll(focusable)].some((f) => f.tabIndex >= 0 && shown(f));
    if (!reachable) {
      problems.push({
        kind: "scroll",
        element: label(el),
        detail: `scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px) ` +
          "but cannot be reached with the keyboard",
      });
    }
  }

  // 3. Target size.
  const controls = [...document.body.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "[role=button], [role=link], [role=checkbox], [role=radio], [role=tab]"
  )].filter((el) => shown(el) && !el.closest("[inert]"));
  // A link inside running text (an inline box whose block also holds other text)
  // is exempt from SC 2.5.8: its size is set by the line height of the sentence.
  const inlineInText = (el) => {
    if (el.tagName !== "A") return false;
    if (getComputedStyle(el).display !== "inline" || el.closest("nav")) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) {
      block = block.parentElement;
    }
    if (!block) return false;
    const own = (block.innerText || "").replace(/\\s+/g, "");
    let linked = 0;
    for (const a of block.querySelectorAll("a")) {
      linked += (a.innerText || "").replace(/\\s+/g, "").length;
    }
    return own.length - linked > 0;
  };
  const targets = [];
  for (const el of controls) {
    const box = visibleBox(el);
    if (!box) continue;
    const r = el.getBoundingClientRect();
    targets.push({el, r, small: r.width < minTarget - 0.01 || r.height < minTarget - 0.01,
                  exempt: inlineInText(el)});
  }
  const dist = (t, u) => {
    const cx = t.r.left + t.r.width / 2, cy = t.r.top + t.r.height / 2;
    if (u.small) {
      const ux = u.r.left + u.r.width / 2, uy = u.r.top + u.r.height / 2;
      return {d: Math.hypot(cx - ux, cy - uy), need: minTarget};
    }
    const dx = Math.max(u.r.left - cx, 0, cx - u.r.right);
    const dy = Math.max(u.r.top - cy, 0, cy - u.r.bottom);
    return {d: Math.hypot(dx, dy), need: minTarget / 2};
  };
  for (const t of targets) {
    if (!t.small || t.exempt) continue;
    const near = targets.find((u) => {
      if (u === t || u.exempt || u.el.contains(t.el) || t.el.contains(u.el)) return false;
      const {d, need} = dist(t, u);
      return d < need;
    });
    if (!near) continue;  // the spacing exception
    problems.push({
      kind: "target",
      element: label(t.el),
      detail: `${px(t.r.width)} x ${px(t.r.height)}px and closer than 24px to ${label(near.el)}`,
    });
  }
  return problems;
}"""


def layout_problems(page: Page) -> list[dict[str, str]]:
    """Squeezed text, sideways overflow and too small targets at the current size."""
    page.wait_for_load_state("load")
    return page.evaluate(_LAYOUT_PROBLEMS, MIN_TARGET)


def _describe_layout(problems: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"- {p['width']}px {p['kind']}: {p['element']}  ({p['detail']})"
        for p in problems
    )


# --- Screenshots --------------------------------------------------------------------

_screenshot_counts: dict[str, int] = {}


def screenshot_dir() -> Path | None:
    """Where check_layout puts its screenshots: $SCREENSHOT_DIR, else
    var/screenshots/ (git ignores var/). SCREENSHOT_DIR=off takes none."""
    configured = os.environ.get("SCREENSHOT_DIR", "")
    if configured.lower() in {"off", "0", "no", "none"}:
        return None
    return Path(configured) if configured else BASE_DIR / "var" / "screenshots"


def _slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "page"


def _screenshot_path(context_label: str, width: int) -> Path | None:
    root = screenshot_dir()
    if root is None:
        return None
    current = os.environ.get("PYTEST_CURRENT_TEST", "no-test").rsplit(" ", 1)[0]
    test = _slug(current.split("::")[-1], 100)
    folder = root / test
    if test not in _screenshot_counts:
        # A new run of this test: drop the screenshots of the last one.
        shutil.rmtree(folder, ignore_errors=True)
        _screenshot_counts[test] = 0
    folder.mkdir(parents=True, exist_ok=True)
    if width == LAYOUT_WIDTHS[0]:
        _screenshot_counts[test] += 1
    number = max(_screenshot_counts[test], 1)
    return folder / f"{number:02d}-{_slug(context_label)}-{width}.png"


def check_layout(page: Page, context_label: str) -> None:
    """Measure the page at 390 px and at 1280 px wide (and at its own width when
    that is another one), take a full-page screenshot at each, put the viewport and
    the scroll position back, then fail on every squeezed text, sideways overflow
    or too small target (see _LAYOUT_PROBLEMS). `check_axe` calls this."""
    original = page.viewport_size or {"width": 1280, "height": 900}
    scroll = page.evaluate("() => [scrollX, scrollY]")
    widths = list(LAYOUT_WIDTHS)
    if original["width"] not in widths:
        widths.append(original["width"])
    found: list[dict[str, Any]] = []
    try:
        for width in widths:
            if width != (page.viewport_size or {}).get("width"):
                height = 844 if width < 700 else 900
                page.set_viewport_size({"width": width, "height": height})
            for problem in layout_problems(page):
                found.append({**problem, "width": width})
            path = _screenshot_path(context_label, width)
            if path is not None:
                page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        if page.viewport_size != original:
            page.set_viewport_size(original)
        page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)
    if found:
        pytest.fail(
            f"layout check failed on {context_label} ({page.url}):\n"
            f"{_describe_layout(found)}",
            pytrace=False,
        )
