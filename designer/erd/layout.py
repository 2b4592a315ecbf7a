"""How large a drawing may be, and where the tables of a large one go.

``dot`` ranks a diagram by its foreign keys (``rankdir=LR``: ranks are columns) and stacks every
table of a rank in one column; tables with no key between them all land in the first. A group of
300 tables drew 3,396 × 27,440 pt: nine screens tall at the zoom where its text is legible.
Beyond ``COLUMNS_FROM`` nodes the drawing is therefore placed here, not by ``dot``: the nodes in
an order that keeps neighbours together (cluster by cluster, breadth-first from the most
connected table), cut into columns no taller than ``MAX_HEIGHT`` (each node's size as
Graphviz draws its label, ``erd.metrics``), the columns side by side, each cluster's box drawn
round its columns (``place``). Graphviz then only draws the labels and the lines
between given positions (``layout=nop2``, straight lines under the tables): ``dot`` itself
took 7.6 s to rank and order a 250-table group with its 500 neighbours in such columns, the
drawing at given positions 0.15 s (measured figures: docs/erd.md, Layout by size).

Views of more than ``MAX_DRAWN`` tables are not drawn at all (``erd.render_diagram`` shows the
overview instead, and says so): even in columns they would be many screens wide.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SCREEN = 900  # px: one screen's height
SCREENS = 3  # no drawing taller than this many screens
TEXT_PT = 11  # a column row's font size, in the SVG's units (points)
LEGIBLE_PX = 12  # the smallest size that text is read at comfortably
# The tallest drawing, in points: 3 screens at the zoom that shows 11-point text 12 px high.
MAX_HEIGHT = SCREENS * SCREEN * TEXT_PT / LEGIBLE_PX  # 2,475 pt
COLUMNS_FROM = 25  # nodes drawn: beyond, they are placed here in columns
MAX_DRAWN = 300  # tables drawn in full: beyond, a view is refused

# Heights in points as dot draws them (NODE_ATTRS, CELLPADDING 3, font 11), measured.
HEADER_PT = 24
ROW_PT = 18
JUNCTION_PT = 16
STUB_PT = 24
GAP_PT = 26  # between the tables of a column
COLUMN_GAP_PT = 110  # between columns: room for the lines and their crow's feet
BOX_MARGIN_PT = 12  # a cluster's box round its tables
BOX_LABEL_PT = 24  # a cluster's name, above its tables
CLUSTER_PT = BOX_MARGIN_PT + BOX_LABEL_PT  # what a box adds to a column's height
COLUMN_PT = 330  # a column's width: a table of ten columns and the gap
ASPECT = 16 / 9  # width / height the columns aim at, below MAX_HEIGHT
MIN_BUDGET_PT = 600
ANCHOR_MARGIN_PT = 2  # ``lower_left``: beyond everything drawn
MARGIN_PT = 120  # the padding, the boxes' margins and the curves that bulge past the columns


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
        extra = heights[n] + GAP_PT
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


@dataclass
class Placement:
    """Where ``place`` put things, in Graphviz's coordinates (points, y upwards)."""

    centres: dict[int, tuple[float, float]]  # node → its centre
    boxes: dict[str, tuple[float, float, float, float]]  # box → (left, bottom, right, top)
    labels: dict[str, tuple[float, float]]  # box → its name's centre


def place(
    columns: Sequence[Sequence[int]],
    sizes: Mapping[int, tuple[float, float]],
    boxes: Sequence[str],
) -> Placement:
    """The ``columns`` (from ``columns``) side by side, left to right, each column's nodes
    top to bottom with their left edges aligned; ``sizes``: each node's (width, height) in
    points. ``boxes``: per column, the cluster box its nodes are in ("" for none); a box is
    drawn round its columns (consecutive ones), its name above them. Every column starts at
    the same height, below the boxes' names, so that the picture reads as rows of columns."""
    top = BOX_MARGIN_PT + BOX_LABEL_PT if any(boxes) else 0.0
    down: dict[int, tuple[float, float]] = {}  # centres, y downwards from the top
    extent: dict[str, list[float]] = {}  # box → [left, right, bottom], y downwards
    x = 0.0
    previous = ""
    for k, column in enumerate(columns):
        box = boxes[k]
        if k:
            x += COLUMN_GAP_PT
            if box != previous:  # leaving one box, entering another: their margins
                x += BOX_MARGIN_PT * ((previous != "") + (box != ""))
        elif box:
            x += BOX_MARGIN_PT
        width = max((sizes[n][0] for n in column), default=0.0)
        y = top
        for n in column:
            w, h = sizes[n]
            down[n] = (x + w / 2, y + h / 2)
            y += h + GAP_PT
        if box:
            seen = extent.setdefault(box, [x, x + width, y - GAP_PT])
            seen[1] = x + width
            seen[2] = max(seen[2], y - GAP_PT)
        x += width
        previous = box
    bottom = max(
        [*(y + sizes[n][1] / 2 for n, (_, y) in down.items()), *(e[2] + BOX_MARGIN_PT for e in extent.values())],
        default=0.0,
    )
    # Graphviz's y grows upwards: the top of the picture is ``bottom``.
    return Placement(
        centres={n: (round(cx, 1), round(bottom - cy, 1)) for n, (cx, cy) in down.items()},
        boxes={
            box: (
                round(left - BOX_MARGIN_PT, 1),
                round(bottom - (lowest + BOX_MARGIN_PT), 1),
                round(right + BOX_MARGIN_PT, 1),
                round(bottom, 1),
            )
            for box, (left, right, lowest) in extent.items()
        },
        labels={
            box: (round((left + right) / 2, 1), round(bottom - BOX_MARGIN_PT / 2 - BOX_LABEL_PT / 2, 1))
            for box, (left, right, _) in extent.items()
        },
    )


def lower_left(placement: Placement, sizes: Mapping[int, tuple[float, float]]) -> tuple[float, float]:
    """A point below and left of everything ``placement`` draws (``sizes``: each node's, which
    ``erd.metrics`` never makes smaller than Graphviz draws it). Graphviz counts a drawing's
    coordinates from its lowest, leftmost point: with this point in it (``erd.dot.Drawing``),
    every part of a view drawn in parts is counted from the same one."""
    lefts = [cx - sizes[n][0] / 2 for n, (cx, _) in placement.centres.items()]
    bottoms = [cy - sizes[n][1] / 2 for n, (_, cy) in placement.centres.items()]
    lefts += [box[0] for box in placement.boxes.values()]
    bottoms += [box[1] for box in placement.boxes.values()]
    return round(min(lefts, default=0.0) - ANCHOR_MARGIN_PT, 1), round(
        min(bottoms, default=0.0) - ANCHOR_MARGIN_PT, 1
    )


def svg_size(svg: bytes) -> tuple[float, float]:
    """(width, height) of an SVG's ``viewBox``, in points."""
    import re

    found = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg[:2000])
    if found is None:
        raise ValueError("no viewBox in the SVG")
    return float(found[1]), float(found[2])


# The overview of more than COLUMNS_FROM groups (erd.dot.overview_dot): sfdp, its boxes moved
# apart (prism) from a fixed start (the same schema, the same picture), straight lines drawn
# under the boxes (a line crossing a box hid the words it crossed).
OVERVIEW_ATTRS = {
    "outputorder": "edgesfirst",
    "layout": "sfdp",
    "overlap": "prism",
    "splines": "false",
    "K": "0.3",
    "start": "1",
}
