"""The printable annual report as PDF: the report page's figures in a print layout
(A4, the organisation's name and the period on every page), drawn by WeasyPrint
with the fonts shipped in `reports/fonts` (DejaVu Sans), so the PDF looks the same
on every server. Nothing is fetched over the network: the only resources are the
fonts, read from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

FONTS = Path(__file__).resolve().parent / "fonts"


class ShippedFontsOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
    """Reads the shipped fonts from disk and refuses every other address."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith(FONTS.as_uri() + "/"):
            raise ValueError(f"the annual report fetches nothing: {url}")
        return super().fetch(url, headers)


def render_pdf(context: dict[str, Any]) -> bytes:
    html = render_to_string(
        "reports/annual_pdf.html", {**context, "fonts": FONTS.as_uri()}
    )
    document = HTML(
        string=html,
        base_url=FONTS.as_uri() + "/",
        url_fetcher=ShippedFontsOnly(allowed_protocols=["file"]),
    )
    content: bytes = document.write_pdf()
    return content
