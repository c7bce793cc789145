"""The apps' import graph has no cycle (issue 11): built with grimp (the library
`lint-imports` uses), counting imports inside functions too, leaving out the tests
(they build their world from any app) and annotations under TYPE_CHECKING.

`lint-imports` (make lint) checks the layer order with its named exceptions; this test
checks the property those exceptions could hide: that no two apps reach each other."""

from __future__ import annotations

import graphlib

import grimp
import pytest

PROJECT_MODULES = {"settings", "urls", "wsgi"}  # the project itself, above every app


@pytest.fixture(scope="module")
def app_edges() -> set[tuple[str, str]]:
    graph = grimp.build_graph("ouderbuddy", exclude_type_checking_imports=True)
    edges: set[tuple[str, str]] = set()
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or "tests" in parts or parts[1] in PROJECT_MODULES:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != parts[1]:
                edges.add((parts[1], other[1]))
    return edges


def test_the_graph_is_built_from_the_real_imports(app_edges):
    # A few imports every reader can check, so an empty graph cannot pass below.
    assert ("casework", "matching") in app_edges
    assert ("matching", "intake") in app_edges
    assert ("accounts", "organisations") in app_edges


def test_no_cycle_between_apps(app_edges):
    sorter = graphlib.TopologicalSorter[str]()
    for app, imported in app_edges:
        sorter.add(app, imported)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"apps import each other: {' -> '.join(exc.args[1])}")


def test_no_two_apps_import_each_other(app_edges):
    both_ways = sorted((a, b) for a, b in app_edges if (b, a) in app_edges and a < b)
    assert both_ways == []
