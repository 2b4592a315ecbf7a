"""How large a drawing may be, and the columns that keep a large one within it.

``dot`` ranks a diagram by its foreign keys (``rankdir=LR``: ranks are columns) and stacks every
table of a rank in one column; tables with no key between them all land in the first. A group of
300 tables drew 3,396 × 27,440 pt: nine screens tall at the zoom where its text is legible.
Beyond ``COLUMNS_FROM`` nodes the DOT source therefore fixes the columns itself: the nodes in an
order that keeps neighbours together (cluster by cluster, breadth-first from the most connected
table), cut into columns no taller than ``MAX_HEIGHT`` (estimated from each table's rows), each
column a ``rank=same`` subgraph, the columns chained in order by invisible edges, and the
foreign keys drawn with ``constraint=false`` so they no longer rank anything. ``dot`` still
orders each column and routes the lines (measured figures: docs/erd.md, Layout by size).

Views of more than ``MAX_DRAWN`` tables are not drawn at all (``erd.render_diagram`` shows the
overview instead, and says so): even in columns they would be many screens wide.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

SCREEN = 900  # px: one screen's height
SCREENS = 3  # no drawing taller than this many screens
TEXT_PT = 11  # a column row's font size, in the SVG's units (points)
LEGIBLE_PX = 12  # the smallest size that text is read at comfortably
# The tallest drawing, in points: 3 screens at the zoom that shows 11-point text 12 px high.
MAX_HEIGHT = SCREENS * SCREEN * TEXT_PT / LEGIBLE_PX  # 2,475 pt
COLUMNS_FROM = 25  # nodes drawn: beyond, the columns are fixed here
MAX_DRAWN = 300  # tables drawn in full: beyond, a view is refused

# Heights in points as dot draws them (NODE_ATTRS, CELLPADDING 3, font 11), measured.
HEADER_PT = 24
ROW_PT = 18
JUNCTION_PT = 16
STUB_PT = 30
GROUP_NODE_PT = 50
GAP_PT = 26  # nodesep (0.35 in) and a little
CLUSTER_PT = 40  # a cluster box's label and margins, once per cluster in a column
CLUSTERED_GAP_PT = 72  # between the tables of a cluster (dot spaces them wider), measured
COLUMN_PT = 330  # a column's width: a table of ten columns and the rank separation
ASPECT = 16 / 9  # width / height the columns aim at, below MAX_HEIGHT
MIN_BUDGET_PT = 600
MARGIN_PT = 650  # the padding, cluster margins and the curves that bulge past the columns


def table_height(columns: int, junction: bool = False) -> float:
    """The height dot gives a table of ``columns`` columns."""
    return HEADER_PT + ROW_PT * columns + (JUNCTION_PT if junction else 0)


def order(
    nodes: Sequence[int], neighbours: Sequence[set[int]], cluster: Mapping[int, int]
) -> list[int]:
    """``nodes`` in drawing order: by ``cluster`` (a number per node), and in each cluster
    breadth-first from its most connected node, so that neighbours fall in the same or nearby
    columns. Deterministic: ties go to the lower position."""
    inside = set(nodes)
    by_cluster: dict[int, list[int]] = {}
    for n in sorted(nodes):
        by_cluster.setdefault(cluster.get(n, -1), []).append(n)
    out: list[int] = []
    for number in sorted(by_cluster):
        members = by_cluster[number]
        allowed = set(members)
        seen: set[int] = set()
        degree = {n: len(neighbours[n] & inside) for n in members}
        for start in sorted(members, key=lambda n: (-degree[n], n)):
            if start in seen:
                continue
            seen.add(start)
            queue = deque([start])
            while queue:
                node = queue.popleft()
                out.append(node)
                for other in sorted(neighbours[node] & allowed, key=lambda n: (-degree[n], n)):
                    if other not in seen:
                        seen.add(other)
                        queue.append(other)
    return out


def columns(
    ordered: Iterable[int],
    heights: Mapping[int, float],
    cluster: Mapping[int, int],
    budget: float | None = None,
) -> list[list[int]]:
    """``ordered`` cut into columns whose estimated height stays within ``budget`` (a node
    taller than that on its own gets a column to itself). A column holds one ``cluster``'s
    nodes only: a cluster's box is a rectangle over its columns, and anything else in one of
    them is pushed above or below the box's full height.

    By default the budget gives the drawing a screen's shape (``ASPECT``), up to ``MAX_HEIGHT``
    less ``MARGIN_PT``: 40 tables in 7 columns rather than 4 columns two screens tall.
    """
    ordered = list(ordered)
    if budget is None:
        total = sum(heights[n] + GAP_PT for n in ordered)
        shaped = max((total * COLUMN_PT / ASPECT) ** 0.5, MIN_BUDGET_PT)
        budget = min(shaped, MAX_HEIGHT - MARGIN_PT)
    out: list[list[int]] = []
    column: list[int] = []
    used = 0.0
    for n in ordered:
        boxed = cluster.get(n, -1) >= 0
        extra = heights[n] + (CLUSTERED_GAP_PT if boxed else GAP_PT)
        if column and (
            used + extra > budget or cluster.get(n, -1) != cluster.get(column[0], -1)
        ):
            out.append(column)
            column, used = [], 0.0
        if boxed and not column:
            extra += CLUSTER_PT
        column.append(n)
        used += extra
    if column:
        out.append(column)
    return out


def svg_size(svg: bytes) -> tuple[float, float]:
    """(width, height) of an SVG's ``viewBox``, in points."""
    import re

    found = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg[:2000])
    if found is None:
        raise ValueError("no viewBox in the SVG")
    return float(found[1]), float(found[2])


# The overview of more than COLUMNS_FROM groups (erd.dot.overview_dot): sfdp, its boxes moved
# apart (prism) from a fixed start (the same schema, the same picture), straight lines.
OVERVIEW_ATTRS = {
    "layout": "sfdp",
    "overlap": "prism",
    "splines": "false",
    "K": "0.3",
    "start": "1",
}
