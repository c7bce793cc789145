"""Read a page's forms the way a browser would submit them (for tests that post a
form they first GET: the admin, the fuzz module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HtmlForm:
    action: str
    method: str
    # What the browser would send as the form stands: name -> list of values.
    values: dict[str, list[str]] = field(default_factory=dict)
    # Every named control (with its kind: text, textarea, select, checkbox, radio,
    # hidden, ...), also the ones that send nothing as the form stands.
    kinds: dict[str, str] = field(default_factory=dict)
    # The values each select, radio group or checkbox group offers.
    options: dict[str, list[str]] = field(default_factory=dict)

    def data(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.values.items()}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._select_chosen = False
        self._option: dict[str, str | None] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def _add(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form.values.setdefault(name, []).append(value)

    def _offer(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form.options.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(
                action=a.get("action") or "", method=(a.get("method") or "get").lower()
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form.kinds[name] = kind
            value = a.get("value")
            if kind in ("checkbox", "radio"):
                self._offer(name, value if value is not None else "on")
                if "checked" in a:
                    self._add(name, value if value is not None else "on")
            else:
                self._add(name, value or "")
        elif tag == "textarea" and name:
            self._form.kinds[name] = "textarea"
            self._textarea, self._textarea_text = name, ""
        elif tag == "select" and name:
            self._form.kinds[name] = "select"
            self._select, self._select_multiple = name, "multiple" in a
            self._select_chosen = False
            self._form.options.setdefault(name, [])
        elif tag == "option" and self._select:
            self._option = {"value": a.get("value"), "selected": a.get("selected", "x")}
            self._option["selected"] = "1" if "selected" in a else ""
            self._option_text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text += data
        if self._option is not None:
            self._option_text += data

    def _end_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        if value is None:
            value = self._option_text.strip()
        self._offer(self._select, value)
        if self._option["selected"]:
            self._add(self._select, value)
            self._select_chosen = True
        self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea_text
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            assert self._form is not None
            offered = self._form.options.get(self._select, [])
            if not self._select_chosen and not self._select_multiple and offered:
                self._add(self._select, offered[0])  # a browser sends the first option
            self._select = None


def forms_of(html: str) -> list[HtmlForm]:
    """Every <form> of the page, in order."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.forms
