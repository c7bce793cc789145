"""A person's export as PDF (the readable copy of AVG art. 15), drawn by WeasyPrint
with the fonts the annual report ships (DejaVu Sans in `reports/fonts`, read from
disk; privacy does not import reports, it only reads the files). Nothing is fetched
over the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

FONTS = Path(__file__).resolve().parent.parent / "reports" / "fonts"


class FontsOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
    """Reads the shipped fonts and refuses every other address."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith(FONTS.as_uri() + "/"):
            raise ValueError(f"the export fetches nothing: {url}")
        return super().fetch(url, headers)


def render_pdf(export: dict[str, Any]) -> bytes:
    html = render_to_string(
        "privacy/access/export_pdf.html", {"export": export, "fonts": FONTS.as_uri()}
    )
    document = HTML(
        string=html,
        base_url=FONTS.as_uri() + "/",
        url_fetcher=FontsOnly(allowed_protocols=["file"]),
    )
    content: bytes = document.write_pdf()
    return content
