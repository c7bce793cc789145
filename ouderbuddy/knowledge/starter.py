"""The starter articles shipped with the app: Markdown files with front matter in
`starter/` (title, slug, audience, codes, summary, keywords), read here; the service
`load_starter_articles` publishes them for an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STARTER_DIRECTORY = Path(__file__).resolve().parent / "starter"
FIELDS = ("title", "slug", "audience", "codes", "summary", "keywords")


class StarterFileError(ValueError):
    """A starter file without front matter or a required field."""


@dataclass(frozen=True)
class StarterArticle:
    title: str
    slug: str
    audience: str
    codes: tuple[str, ...]
    summary: str
    keywords: str
    body_markdown: str
    source: str


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse(text: str, source: str = "") -> StarterArticle:
    """One file's front matter (`key: value` lines between two `---` lines) and
    its Markdown body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise StarterFileError(f"{source}: no front matter")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration as exc:
        raise StarterFileError(f"{source}: front matter not closed") from exc
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise StarterFileError(f"{source}: not a 'key: value' line: {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[key.strip().lower()] = value
    missing = [name for name in ("title", "slug", "audience") if not fields.get(name)]
    if missing:
        raise StarterFileError(f"{source}: missing {', '.join(missing)}")
    return StarterArticle(
        title=fields["title"],
        slug=fields["slug"],
        audience=fields["audience"],
        codes=_split_list(fields.get("codes", "")),
        summary=fields.get("summary", ""),
        keywords=", ".join(_split_list(fields.get("keywords", ""))),
        body_markdown="\n".join(lines[end + 1 :]).strip() + "\n",
        source=source,
    )


def read_all(directory: Path = STARTER_DIRECTORY) -> list[StarterArticle]:
    """Every `NN-slug.md` file of `directory`, in file name order (not README.md)."""
    return [
        parse(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(directory.glob("[0-9][0-9]-*.md"))
    ]
