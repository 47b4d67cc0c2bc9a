"""A picture of one service's dependency neighbourhood, as a self-contained SVG string.

Pure: it takes the dependency graph and the tiers and returns markup, so it is rendered on the
server (no script; the pages' CSP forbids inline code) and tested without a browser.

Layout: the service sits in the middle column; what depends on it (transitively) is to its left
and what it depends on to its right, so every "depends on" arrow points rightwards. A node's
column is its longest path to or from the service, which places each node exactly once even
when several services share a dependency. Colours come from ``tier-N`` classes (app.css has
the themed values) with plain fill/stroke attributes as a fallback for the file on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from urllib.parse import quote

from warroom.catalog.rules import reach, reverse

BOX_W, BOX_H = 184, 40
COL_GAP, ROW_GAP = 64, 14
PAD, HEAD = 16, 34
LEGEND_H = 58
MAX_PER_COLUMN = 12
MAX_LABEL = 21  # what fits a box in the pages' bold 13 px type
TIER_FILL = {1: "#fde2e1", 2: "#ffe8d2", 3: "#e3ecfb", 4: "#eceef1"}
TIER_STROKE = {1: "#c1121f", 2: "#d9480f", 3: "#1748b8", 4: "#6b7280"}
TIER_WORDS = {1: "Tier 1 business-critical", 2: "Tier 2 important", 3: "Tier 3 internal"}
TIER_WORDS[4] = "Tier 4 experimental"


@dataclass(frozen=True)
class Placed:
    name: str
    column: int  # negative: depends on the service; 0: the service; positive: it depends on
    row: int


@dataclass(frozen=True)
class Layout:
    nodes: tuple[Placed, ...]
    edges: tuple[tuple[str, str], ...]  # (service, what it depends on), both drawn
    hidden: Mapping[int, int]  # column → how many nodes did not fit


def _depths(graph: Mapping[str, Iterable[str]], root: str) -> dict[str, int]:
    """Longest path from ``root`` to each node it reaches (the graph has no cycles)."""
    members = reach(graph, [root])
    parents = reverse({n: [m for m in graph.get(n, ()) if m in members] for n in members})

    @cache
    def depth(node: str) -> int:
        return 0 if node == root else 1 + max(depth(p) for p in parents[node])

    return {node: depth(node) for node in sorted(members)}


def _columns(depends_on: Mapping[str, Iterable[str]], service: str) -> dict[int, list[str]]:
    right = _depths(depends_on, service)
    left = _depths(reverse(depends_on), service)
    columns: dict[int, list[str]] = {}
    for name, depth in right.items():
        columns.setdefault(depth, []).append(name)
    for name, depth in left.items():
        if depth:
            columns.setdefault(-depth, []).append(name)
    return columns


def _barycentre(name: str, neighbours: Mapping[str, set[str]], row: Mapping[str, float]) -> float:
    near = [row[n] for n in neighbours.get(name, ()) if n in row]
    return sum(near) / len(near) if near else 0.0


def _order(
    columns: dict[int, list[str]], neighbours: Mapping[str, set[str]]
) -> dict[int, list[str]]:
    """Sort each column by the mean row of its neighbours nearer the service, working outwards,
    so lines cross less; names break ties, so the picture is the same every time."""
    row: dict[str, float] = dict.fromkeys(columns.get(0, []), 0.0)
    ordered = {0: columns.get(0, [])}
    for column in sorted((c for c in columns if c), key=abs):
        placed = dict(row)
        ordered[column] = sorted(
            columns[column], key=lambda n: (_barycentre(n, neighbours, placed), n)
        )
        row |= {name: float(i) for i, name in enumerate(ordered[column])}
    return ordered


def layout(depends_on: Mapping[str, Iterable[str]], service: str) -> Layout:
    """Where each node of ``service``'s neighbourhood goes, and which edges join them."""
    graph = {name: set(needs) for name, needs in depends_on.items()}
    graph.setdefault(service, set())
    used_by = reverse(graph)
    neighbours = {n: graph.get(n, set()) | used_by.get(n, set()) for n in graph}
    ordered = _order(_columns(graph, service), neighbours)
    nodes, hidden = [], {}
    for column, names in sorted(ordered.items()):
        nodes += [Placed(n, column, i) for i, n in enumerate(names[:MAX_PER_COLUMN])]
        if len(names) > MAX_PER_COLUMN:
            hidden[column] = len(names) - MAX_PER_COLUMN
    shown = {n.name for n in nodes}
    edges = tuple((a, b) for a in sorted(shown) for b in sorted(graph.get(a, ())) if b in shown)
    return Layout(tuple(nodes), edges, hidden)


# --- drawing --------------------------------------------------------------------------------


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def service_href(name: str) -> str:
    return "/catalog/services/" + quote(name, safe="")


def _box(node: Placed, x: int, y: int, tier: int, current: bool, href: str) -> str:
    cls = f"node tier-{tier}" + (" current" if current else "")
    name = escape(node.name)
    stroke_w = 3 if current else 1.5
    shape = (
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
        f'fill="{TIER_FILL[tier]}" stroke="{TIER_STROKE[tier]}" stroke-width="{stroke_w}"/>'
        f'<text x="{x + BOX_W // 2}" y="{y + BOX_H // 2 + 5}" text-anchor="middle">'
        f"{escape(_short(node.name))}</text>"
    )
    body = f'<g class="{cls}" data-service="{name}"><title>{name} (tier {tier})</title>{shape}</g>'
    if current:
        return body
    return f'<a href="{escape(href)}" aria-label="{name}">{body}</a>'


def _edge(x1: int, y1: int, x2: int, y2: int) -> str:
    mid = (x1 + x2) // 2
    return (
        f'<path class="edge" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 2},{y2}" fill="none" '
        f'stroke="#6b7280" stroke-width="1.5" marker-end="url(#dep-arrow)"/>'
    )


def _legend(y: int) -> str:
    parts = [f'<g class="legend" transform="translate({PAD},{y})">']
    for i, tier in enumerate(sorted(TIER_WORDS)):
        x = i * 190
        parts.append(
            f'<rect x="{x}" y="0" width="14" height="14" rx="3" class="swatch tier-{tier}" '
            f'fill="{TIER_FILL[tier]}" stroke="{TIER_STROKE[tier]}"/>'
            f'<text x="{x + 20}" y="12">{TIER_WORDS[tier]}</text>'
        )
    parts.append(_edge(0, 36, 44, 36).replace('class="edge"', 'class="edge legend-edge"'))
    parts.append(
        '<text x="52" y="40">A → B: A depends on B (a failure of B reaches A). '
        "Bold box: this service. Select a box to open that service.</text></g>"
    )
    return "".join(parts)


def _heads(columns: list[int], x_of: Callable[[int], int]) -> str:
    words = {-1: "Used by", 0: "This service", 1: "Depends on"}
    return "".join(
        f'<text class="col-head" x="{x_of(column) + BOX_W // 2}" y="{PAD + 12}" '
        f'text-anchor="middle">{word}</text>'
        for column, word in words.items()
        if column in columns
    )


def dependency_svg(
    service: str,
    depends_on: Mapping[str, Iterable[str]],
    tiers: Mapping[str, int],
    href: Callable[[str], str] = service_href,
) -> str:
    """The neighbourhood of ``service`` as an ``<svg>`` element; every label is escaped."""
    plan = layout(depends_on, service)
    columns = sorted({n.column for n in plan.nodes} | set(plan.hidden))
    first = columns[0]
    rows = max([n.row + 1 for n in plan.nodes] + [MAX_PER_COLUMN + 1 for _ in plan.hidden])

    def x_of(column: int) -> int:
        return PAD + (column - first) * (BOX_W + COL_GAP)

    def y_of(row: int) -> int:
        return PAD + HEAD + row * (BOX_H + ROW_GAP)

    width = max(x_of(columns[-1]) + BOX_W + PAD, 780)
    height = y_of(rows) + LEGEND_H
    where = {n.name: (x_of(n.column), y_of(n.row)) for n in plan.nodes}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dep-graph" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="dep-graph-title">',
        f'<title id="dep-graph-title">Dependencies of {escape(service)}</title>',
        '<defs><marker id="dep-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="arrow-head" '
        'd="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>',
        _heads(columns, x_of),
    ]
    for a, b in plan.edges:
        (ax, ay), (bx, by) = where[a], where[b]
        parts.append(_edge(ax + BOX_W, ay + BOX_H // 2, bx, by + BOX_H // 2))
    for node in plan.nodes:
        x, y = where[node.name]
        tier = tiers.get(node.name, 4) if tiers.get(node.name, 4) in TIER_FILL else 4
        parts.append(_box(node, x, y, tier, node.name == service, href(node.name)))
    for column, count in sorted(plan.hidden.items()):
        parts.append(
            f'<text class="more" x="{x_of(column) + BOX_W // 2}" '
            f'y="{y_of(MAX_PER_COLUMN) + BOX_H // 2}" text-anchor="middle">'
            f"and {count} more</text>"
        )
    parts.append(_legend(y_of(rows) + 8))
    parts.append("</svg>")
    return "".join(parts)
