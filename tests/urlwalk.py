"""Walk every URL pattern of the project, for the generic access and isolation tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]
    is_regex: bool

    def build(self, value: str) -> str:
        """The path with every parameter filled with `value`."""
        if self.is_regex:
            path = re.sub(r"\(\?P<[^>]+>[^)]*\)", value, self.route)
            return "/" + path.replace("^", "").replace("$", "")
        return "/" + PARAM.sub(value, self.route)


def routes() -> Iterator[Route]:
    yield from _walk(get_resolver().url_patterns, "", None)


def _walk(patterns: list, prefix: str, namespace: str | None) -> Iterator[Route]:  # type: ignore[type-arg]
    for pattern in patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from _walk(pattern.url_patterns, prefix + text, ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or text
            full = f"{namespace}:{name}" if namespace else name
            route = prefix + text
            is_regex = "(?P<" in route or route.startswith("^")
            params = (
                tuple(re.findall(r"\(\?P<([^>]+)>", route))
                if is_regex
                else tuple(m.group("name") for m in PARAM.finditer(route))
            )
            yield Route(full, route, params, is_regex)
