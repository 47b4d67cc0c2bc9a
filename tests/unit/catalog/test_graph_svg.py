"""The dependency picture: each service once, arrows for every edge, labels escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from warroom.catalog.graph_svg import MAX_PER_COLUMN, dependency_svg, layout

SVG = "{http://www.w3.org/2000/svg}"
# checkout and reporting share order-db; checkout reaches identity twice (directly and via orders).
GRAPH = {
    "checkout": {"orders", "identity"},
    "orders": {"order-db", "identity"},
    "reporting": {"order-db"},
    "identity": set(),
    "order-db": set(),
    "<script>": {"checkout"},
}
TIERS = {"checkout": 1, "orders": 1, "identity": 2, "order-db": 1, "reporting": 3, "<script>": 4}


def nodes(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # our own output, parsed to prove it is well-formed
    return [g.attrib["data-service"] for g in root.iter(f"{SVG}g") if "data-service" in g.attrib]


def test_shared_dependencies_render_each_service_once() -> None:
    svg = dependency_svg("checkout", GRAPH, TIERS)
    assert sorted(nodes(svg)) == ["<script>", "checkout", "identity", "order-db", "orders"]
    assert "reporting" not in svg  # shares order-db, but is not in checkout's neighbourhood


def test_every_depends_on_edge_is_an_arrow_pointing_right() -> None:
    plan = layout(GRAPH, "checkout")
    assert set(plan.edges) == {
        ("<script>", "checkout"),
        ("checkout", "identity"),
        ("checkout", "orders"),
        ("orders", "identity"),
        ("orders", "order-db"),
    }
    column = {n.name: n.column for n in plan.nodes}
    assert column == {"<script>": -1, "checkout": 0, "orders": 1, "identity": 2, "order-db": 2}
    assert all(column[a] < column[b] for a, b in plan.edges)
    svg = dependency_svg("checkout", GRAPH, TIERS)
    assert svg.count('class="edge"') == 5
    assert svg.count('marker-end="url(#dep-arrow)"') == 5 + 1  # and the legend's arrow


def test_labels_are_escaped_and_links_encoded() -> None:
    svg = dependency_svg("checkout", GRAPH, TIERS)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'href="/catalog/services/%3Cscript%3E"' in svg
    nodes(svg)  # parses: nothing unescaped broke the markup


def test_tier_colours_and_current_service() -> None:
    svg = dependency_svg("checkout", GRAPH, TIERS)
    assert re.search(r'<g class="node tier-1 current" data-service="checkout">', svg)
    assert '<g class="node tier-2" data-service="identity">' in svg
    assert 'href="/catalog/services/checkout"' not in svg  # no link to the page you are on
    assert "Tier 4 experimental" in svg  # the legend


def test_output_is_deterministic() -> None:
    shuffled = {k: sorted(v, reverse=True) for k, v in reversed(list(GRAPH.items()))}
    assert dependency_svg("orders", GRAPH, TIERS) == dependency_svg("orders", shuffled, TIERS)


def test_a_lone_service_and_a_crowded_column() -> None:
    assert nodes(dependency_svg("solo", {}, {})) == ["solo"]
    many = {f"user-{i:02d}": {"core"} for i in range(MAX_PER_COLUMN + 3)}
    svg = dependency_svg("core", many, {})
    assert len(nodes(svg)) == MAX_PER_COLUMN + 1
    assert "and 3 more" in svg
