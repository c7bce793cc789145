"""Markdown to safe HTML: markdown-it-py renders, then nh3 keeps only the tags,
attributes and link schemes below. Raw HTML in the source goes through nh3 too: a
script, style or iframe is removed with its content, any other tag not listed loses
its tag and keeps its text, an event handler or a javascript: address is dropped."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
# markdown-it would leave a link it distrusts as its literal source text; every link
# becomes a link here and nh3 decides which addresses stay.
_MARKDOWN.validateLink = lambda url: True  # type: ignore[method-assign]

TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th",
        "td",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed with everything inside them.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg",
     "math", "textarea", "select", "frameset", "frame", "title"}
)  # fmt: skip

TABLE_BOX = "utrecht-table-container utrecht-table-container--overflow-inline"
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|blockquote|pre)>|<br ?/?>|<hr ?/?>")
_SPACES = re.compile(r"[ \t]+")
_LINES = re.compile(r"\n{3,}")
_HEADING_ONE = re.compile(r"<(/?)h1>")


def render(markdown: str) -> str:
    """The article's HTML: Markdown rendered, then sanitised. A `# heading` becomes
    a second-level heading: the page's own title is the only first-level one."""
    rendered = _HEADING_ONE.sub(r"<\1h2>", _MARKDOWN.render(markdown or ""))
    safe = nh3.clean(
        rendered,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # A table scrolls sideways inside its own box on a phone (nh3 leaves <table>
    # bare: it keeps no attribute of it).
    return safe.replace("<table>", f'<div class="{TABLE_BOX}"><table>').replace(
        "</table>", "</table></div>"
    )


def plain_text(safe_html: str) -> str:
    """The text of rendered HTML, one block a line, for snippets and the index."""
    text = nh3.clean(_BLOCK_END.sub("\n", safe_html), tags=set())
    text = html.unescape(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _LINES.sub("\n\n", "\n".join(lines)).strip()
