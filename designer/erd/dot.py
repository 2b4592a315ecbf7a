"""The DOT source of a diagram, built with ``erd.digraph.Digraph``.

Notation (docs/erd.md has the picture in words):

* A table is a node with an HTML-like label: its name, then one row per column with the
  column's type and markers (``PK``, ``FK``, ``UQ``, *null* for nullable columns). Primary key
  columns are bold.
* A foreign key is an edge from the key's first column to the referenced column. Each column row
  has two ports, ``c<n>w`` on its first cell and ``c<n>e`` on its last, so edges leave from the
  east side of the referencing row and arrive at the west side of the referenced row
  (``t3:c1e:e -> t0:c0w:w``); a self-reference loops from east to east. The other column pairs of
  a composite key get thin dashed lines between their own rows.
* Crow's-foot ends (``dir=both``): at the referencing table (``arrowtail``) ``crowodot``, zero
  or many rows, or ``teeodot``, zero or one, when the key columns are unique (one-to-one); at
  the referenced table (``arrowhead``) ``teetee``, exactly one, or ``teeodot``, zero or one,
  when a key column is nullable.
* Groups are clusters drawn in their colour; a junction table (a primary key made of two or
  more foreign keys) says which tables it links.
* ``splines=true``: curved edges that honour ports (``ortho`` ignores ports and takes far longer
  on large graphs). Views of more than ``layout.COLUMNS_FROM`` tables are placed in columns
  here (``erd.layout``) and only drawn by Graphviz, the overview of many groups by ``sfdp``.

Every name reaches Graphviz through ``text`` (HTML-escaped, control characters made visible) or
``plain`` (a quoted string that Graphviz reads literally); node and port names are positions
(``t3``, ``c1e``), never names, and links are URL-quoted.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from designer.erd import layout, metrics
from designer.erd.digraph import Digraph, NoHtml
from designer.erd.model import (
    ADDED,
    CHANGED,
    REMOVED,
    UNGROUPED,
    Column,
    Diagram,
    Edge,
    Table,
    visible,
)

LARGE = 100  # tables: beyond this the default view is an overview, not the whole diagram
MAX_HOPS = 5
VIEWS = ("", "all", "overview", "changes", "ungrouped")

FONT = "Helvetica"
GRAPH_ATTRS = {
    "rankdir": "LR",
    "splines": "true",
    "nodesep": "0.35",
    "ranksep": "0.9",
    "fontname": FONT,
    "fontsize": "12",
    "bgcolor": "white",
    "pad": "0.2",
}
NODE_ATTRS = {"shape": "plain", "fontname": FONT, "fontsize": "11"}
EDGE_ATTRS = {
    # The commonest ends (many to exactly one) as defaults: edges state only the others.
    "dir": "both",
    "arrowtail": "crowodot",
    "arrowhead": "teetee",
    "color": "#5b6472",
    "arrowsize": "0.8",
    "fontname": FONT,
    "fontsize": "10",
}

DEFAULT_COLOUR = "#4a7bd0"
BORDER = "#9aa3b0"
HEADER = "#e8ecf3"
HIGHLIGHT = "#fff08a"
FOCUS = "#1f3f7a"
# (text, background) per status
STATUS_COLOURS = {
    ADDED: ("#1b7a2e", "#e3f6e5"),
    REMOVED: ("#b3261e", "#fde7e7"),
    CHANGED: ("#8a5a00", "#fff1d6"),
}
EDGE_STATUS = {
    ADDED: {"color": "#1b7a2e", "penwidth": "1.8"},
    REMOVED: {"color": "#b3261e", "style": "dashed"},
    CHANGED: {"color": "#c77c00", "penwidth": "1.8"},
}

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class OptionError(ValueError):
    """The options ask for something the diagram lacks (a table or group that is not there)."""


@dataclass(frozen=True)
class Options:
    """What to draw. Hashable: it is part of the cache key.

    ``view``: ``""`` picks by size (``resolve``), ``"all"`` the whole diagram, ``"overview"`` one
    node per group, ``"changes"`` the changed tables of a diff and their neighbours,
    ``"ungrouped"`` the tables in no group. ``group`` keeps one group's tables (their neighbours
    elsewhere drawn as name-only stubs); ``focus`` keeps one table and the tables within ``hops``
    foreign keys of it. ``highlight`` terms mark tables and columns whose names contain them.
    ``table_link`` is the URL of a table's node, with ``{key}`` (the table's id, else name) and
    ``{name}`` replaced, URL-quoted; ``page_link`` is the diagram page, which overview nodes
    link to with ``?group=`` (a group's name, a cluster's key). ``scale``: a PNG's pixels per
    point, over dot's 96 dpi (``render.run_png``; 1 to ``render.MAX_SCALE``).
    """

    view: str = ""
    focus: str = ""
    hops: int = 1
    group: str = ""
    highlight: tuple[str, ...] = ()
    table_link: str = ""
    page_link: str = ""
    scale: int = 1


# ---------------------------------------------------------------- escaping


@functools.lru_cache(maxsize=16384)
def text(value: str) -> str:
    """``value`` for an HTML-like label: escaped, with control characters shown as symbols."""
    return html.escape(visible(value), quote=True)


def plain(value: str) -> NoHtml:
    """``value`` as a quoted DOT string Graphviz shows literally (no ``\\N``-style escapes)."""
    return NoHtml(visible(value).replace("\\", "\\\\"))


def colour(value: str | None) -> str:
    return value if value and _COLOUR.fullmatch(value) else DEFAULT_COLOUR


def tint(value: str, keep: float = 0.22) -> str:
    """``value`` mixed with white: a background that dark text reads well on."""
    rgb = [int(value[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in rgb)


def link(template: str, table: Table) -> str:
    from urllib.parse import quote  # here: only the app's diagrams have links (render_erd's time)

    return template.replace("{key}", quote(table.key, safe="")).replace(
        "{name}", quote(table.name, safe="")
    )


# ---------------------------------------------------------------- which tables


def resolve(diagram: Diagram, options: Options) -> tuple[Options, str]:
    """The options with the default view chosen, and a notice saying what was chosen and why.

    Up to ``LARGE`` tables the default is the whole diagram. Beyond, a diff shows its changes, a
    schema with groups the group overview, one without the most connected table and its
    neighbours: hundreds of tables in one picture read as nothing. (``render_diagram`` puts a
    large schema's tables in no group into clusters first, so it always has groups.)
    """
    if options.view not in VIEWS:
        options = Options(**{**options.__dict__, "view": ""})
    if options.view or options.focus or options.group:
        return options, ""
    count = len(diagram.tables)
    if count <= LARGE:
        return _with(options, view="all"), ""
    if _changed(diagram):
        return _with(options, view="changes"), f"{count:,} tables: showing the changed ones."
    if diagram.groups:
        return _with(options, view="overview"), f"{count:,} tables: showing the groups."
    degree = Counter[int]()
    for edge in diagram.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    hub = max(range(count), key=lambda n: (degree[n], -n)) if count else 0
    name = diagram.tables[hub].name if count else ""
    return (
        _with(options, view="all", focus=name, hops=1),
        f"{count:,} tables: showing {name} and its neighbours.",
    )


def _with(options: Options, **changes: object) -> Options:
    return Options(**{**options.__dict__, **changes})


def _changed(diagram: Diagram) -> set[int]:
    out = {n for n, t in enumerate(diagram.tables) if t.status}
    for edge in diagram.edges:
        if edge.status:
            out |= {edge.source, edge.target}
    return out


@dataclass
class Selection:
    shown: list[int]  # drawn in full, in order
    stubs: list[int] = field(default_factory=list)  # drawn as their name only


def select(diagram: Diagram, options: Options) -> Selection:
    """The tables the options keep; raises ``OptionError`` for an unknown table or group."""
    tables = diagram.tables
    keep = set(range(len(tables)))
    with_stubs = False
    if options.view == "changes":
        keep, with_stubs = _changed(diagram), True
    elif options.view == "ungrouped":
        keep, with_stubs = {n for n, t in enumerate(tables) if t.group == UNGROUPED}, True
    if options.group:
        group = diagram.group_named(options.group)
        # A designer's group split into parts (erd.clusters): all of them.
        wanted = set(diagram.parts.get(options.group, ())) or {group}
        if group is None and not diagram.parts.get(options.group):
            raise OptionError(f"no group {options.group!r}")
        keep, with_stubs = {n for n in keep if tables[n].group in wanted}, True
    neighbours = diagram.neighbours()
    stubs: set[int] = set()
    if options.focus:
        start = diagram.index_of(options.focus)
        if start is None:
            raise OptionError(f"no table {options.focus!r}")
        hops = max(0, min(options.hops, MAX_HOPS))
        within = _within(start, hops, neighbours, keep | {start})
        if with_stubs:  # a focus within a group: its neighbours elsewhere, within the hops, as stubs
            reach = _within(start, hops, neighbours, set(range(len(tables))))
            stubs = {m for n in within for m in neighbours[n] if m in reach} - within
        keep, with_stubs = within, False
    if with_stubs:
        for n in keep:
            stubs |= neighbours[n]
        stubs -= keep
    return Selection(sorted(keep), sorted(stubs))


def _within(start: int, hops: int, neighbours: list[set[int]], allowed: set[int]) -> set[int]:
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance == hops:
            continue
        for other in neighbours[node]:
            if other not in seen and other in allowed:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


# ---------------------------------------------------------------- labels


def _status_font(content: str, status: str) -> str:
    if status == REMOVED:
        content = f"<S>{content}</S>"
    if status in STATUS_COLOURS:
        content = f'<FONT COLOR="{STATUS_COLOURS[status][0]}">{content}</FONT>'
    return content


def _renamed(old: str | None, new: str, bold: bool = False) -> str:
    name = f"<B>{text(new)}</B>" if bold else text(new)
    return f"{text(old)} → {name}" if old is not None and old != new else name


def column_row(n: int, column: Column, terms: tuple[str, ...]) -> str:
    name = _status_font(_renamed(column.old_name, column.name, bold=column.pk), column.status)
    if column.old_type is not None and column.old_type != column.type:
        type_html = f"{text(column.old_type)} → {text(column.type)}"
    else:
        type_html = text(column.type)
    type_html = (
        _status_font(type_html, column.status)
        if column.status
        else (f'<FONT COLOR="#5b6472">{type_html}</FONT>')
    )
    markers = [m for m, on in (("PK", column.pk), ("FK", column.fk), ("UQ", column.unique)) if on]
    marker_html = " ".join(markers)
    if column.nullable:
        marker_html += (" " if marker_html else "") + "<I>null</I>"
    marker_html = (
        f'<FONT POINT-SIZE="9" COLOR="#5b6472">{marker_html}</FONT>' if marker_html else " "
    )
    background = ""
    if column.status in STATUS_COLOURS:
        background = f' BGCOLOR="{STATUS_COLOURS[column.status][1]}"'
    elif terms and any(t in column.name.lower() for t in terms):
        background = f' BGCOLOR="{HIGHLIGHT}"'
    return (
        f'<TR><TD PORT="c{n}w" ALIGN="LEFT"{background}>{name}</TD>'
        f'<TD ALIGN="LEFT"{background}>{type_html}</TD>'
        f'<TD PORT="c{n}e" ALIGN="RIGHT"{background}>{marker_html}</TD></TR>'
    )


def table_label(
    table: Table, group_colour: str | None, terms: tuple[str, ...], focused: bool = False
) -> str:
    header = HEADER if group_colour is None else tint(group_colour)
    if table.status in STATUS_COLOURS:
        header = STATUS_COLOURS[table.status][1]
    if terms and table.matches(terms):
        header = HIGHLIGHT
    title = _status_font(_renamed(table.old_name, table.name, bold=True), table.status)
    rows = [f'<TR><TD COLSPAN="3" BGCOLOR="{header}" CELLPADDING="5">{title}</TD></TR>']
    if table.junction:
        linked = " ↔ ".join(text(name) for name in table.junction)
        rows.append(
            f'<TR><TD COLSPAN="3" BGCOLOR="{header}"><FONT POINT-SIZE="9" COLOR="#5b6472">'
            f"<I>junction: {linked}</I></FONT></TD></TR>"
        )
    rows += [column_row(n, c, terms) for n, c in enumerate(table.columns)]
    border, border_colour = ("3", FOCUS) if focused else ("1", BORDER)
    if table.status in STATUS_COLOURS:
        border_colour = STATUS_COLOURS[table.status][0]
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'COLOR="{border_colour}" BGCOLOR="white">{"".join(rows)}</TABLE>>'
    )


def stub_label(table: Table, group_colour: str | None) -> str:
    header = HEADER if group_colour is None else tint(group_colour)
    title = _status_font(_renamed(table.old_name, table.name), table.status)
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="5" STYLE="dashed" '
        f'COLOR="{BORDER}" BGCOLOR="{header}"><TR><TD>{title}</TD></TR></TABLE>>'
    )


def tooltip(table: Table) -> str:
    title = table.name if table.old_name is None else f"{table.old_name} → {table.name}"
    return f"{title} — {table.comment}" if table.comment else title


# ---------------------------------------------------------------- the graph


def to_dot(diagram: Diagram, options: Options = Options()) -> str:
    """The DOT source for ``diagram`` as ``options`` ask (``resolve`` them first for defaults).

    A view of more than ``layout.COLUMNS_FROM`` tables comes placed in columns
    (``erd.layout``, each label's size from ``erd.metrics``): every node's ``pos`` and every
    box's ``bb`` in the source, which Graphviz then only draws (``layout=nop2``).
    """
    return drawing(diagram, options).source()


@dataclass
class Drawing:
    """A view's tables, boxes and lines, ready to be written as DOT: whole (``source``) or,
    once placed, in parts that Graphviz can draw side by side (``sources``)."""

    nodes: dict[int, tuple[str, dict[str, str]]]  # node → (label, attributes), in order
    boxes: dict[int, tuple[list[dict[str, str]], list[int]]]  # cluster → (attribute lines, nodes)
    edges: list[tuple[Edge, bool, bool]]  # each key, and whether each end is drawn in full
    stubs: list[int] = field(default_factory=list)  # nodes drawn last, outside every box
    columns: list[list[int]] = field(default_factory=list)  # when placed: left to right
    anchor: tuple[float, float] | None = None  # when placed: below and left of everything
    overview: str = ""  # the overview's whole source: it is not drawn in parts

    def source(self) -> str:
        """The whole view as one DOT source."""
        return self.overview or self._write(set(self.nodes))

    def sources(self, count: int) -> list[str]:
        """The view in up to ``count`` DOT sources (``render.run_dots`` draws them at once and
        ``render.merge_svgs`` joins their SVGs): runs of columns of about equal rows, each
        key in its referencing table's part, with its other end copied there invisibly (its
        ports are in its label). Every part has the same anchor, the lowest and leftmost
        point, from which Graphviz counts the coordinates: the parts' drawings then line up.
        A view not placed by us is one source."""
        if self.overview or not self.columns or count < 2:
            return [self.source()]
        weights = [sum(self.nodes[n][0].count("<TR>") for n in column) for column in self.columns]
        share, total, runs = sum(weights) / count, 0.0, [set[int]()]
        for column, weight in zip(self.columns, weights):
            if total >= share * len(runs) and len(runs) < count:
                runs.append(set())
            runs[-1].update(column)
            total += weight
        return [self._write(run) for run in runs if run]

    def _write(self, inside: set[int]) -> str:
        """DOT of the nodes ``inside`` with their boxes and the keys from them; the other end
        of such a key, when not inside, invisibly."""
        graph = Digraph("erd", graph_attr=GRAPH_ATTRS, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS)
        if self.anchor is not None:
            graph.attr(layout="nop2", splines="line", outputorder="edgesfirst")
        later = {n for _, nodes in self.boxes.values() for n in nodes} | set(self.stubs)
        for n in self.nodes:
            if n in inside and n not in later:
                self._node(graph, n)
        for k, (lines, nodes) in self.boxes.items():
            mine = [n for n in nodes if n in inside]
            if nodes[0] not in inside:  # the box is drawn by the part of its first table
                for n in mine:
                    self._node(graph, n)
                continue
            with graph.subgraph(name=f"cluster_{k}") as cluster:
                for attrs in lines:
                    cluster.attr(**attrs)
                for n in mine:
                    self._node(cluster, n)
        for n in self.stubs:
            if n in inside:
                self._node(graph, n)
        keys = [key for key in self.edges if key[0].source in inside]
        for n in sorted({edge.target for edge, _, _ in keys} - inside):
            self._node(graph, n, copy=True)
        for edge, source_full, target_full in keys:
            _edges(graph, edge, source_full, target_full)
        if self.anchor is not None:
            graph.node(
                ANCHOR,
                label="",
                id=f"erd_{ANCHOR}",
                shape="point",
                style="invis",
                width="0.01",
                pos="{:g},{:g}".format(*self.anchor),
            )
        return graph.source

    def _node(self, graph: Digraph, n: int, copy: bool = False) -> None:
        label, attrs = self.nodes[n]
        if copy:  # drawn in another part: here only for the ports of its keys
            attrs = {**attrs, "id": f"erd_copy{n}", "style": "invis"}
        graph.node(f"t{n}", label=label, **attrs)


ANCHOR = "anchor"  # the invisible point at the lower left of a placed view (``Drawing``)


def drawing(diagram: Diagram, options: Options = Options()) -> Drawing:
    """What ``to_dot`` writes, before it is written."""
    if options.view == "overview" and not (options.group or options.focus):
        return Drawing({}, {}, [], overview=overview_dot(diagram, options))
    selection = select(diagram, options)
    terms = tuple(t.lower() for t in options.highlight if t)
    focus = diagram.index_of(options.focus) if options.focus else None
    full = set(selection.shown)
    drawn = full | set(selection.stubs)

    def node_parts(n: int) -> tuple[str, dict[str, str]]:
        table = diagram.tables[n]
        group = diagram.groups.get(table.group)
        group_colour = colour(group.colour) if group else None
        attrs = {"id": f"erd_t{n}", "tooltip": plain(tooltip(table))}
        if table.status:
            attrs["class"] = f"erd-{table.status}"
        if options.table_link and table.status != REMOVED:
            attrs["URL"] = link(options.table_link, table)
        label = (
            table_label(table, group_colour, terms, n == focus)
            if n in full
            else stub_label(table, group_colour)
        )
        return label, attrs

    parts = {n: node_parts(n) for n in [*selection.shown, *selection.stubs]}
    clusters: dict[str, list[int]] = {}
    for n in selection.shown:
        group = diagram.tables[n].group
        if group and group in diagram.groups:
            clusters.setdefault(group, []).append(n)
    number = {name: k for k, name in enumerate(diagram.groups)}
    placement = None
    columns: list[list[int]] = []
    anchor = None
    if len(drawn) > layout.COLUMNS_FROM:
        sizes = measure(diagram, parts, set(selection.stubs), focus)
        columns = table_columns(diagram, selection, {n: h for n, (_, h) in sizes.items()})
        box_of = [
            f"cluster_{number[diagram.tables[column[0]].group]}"
            if column[0] in full and diagram.tables[column[0]].group in clusters
            else ""
            for column in columns
        ]
        placement = layout.place(columns, sizes, box_of)
        for n, (x, y) in placement.centres.items():
            parts[n][1]["pos"] = f"{x:g},{y:g}"
        anchor = layout.lower_left(placement, sizes)

    boxes: dict[int, tuple[list[dict[str, str]], list[int]]] = {}
    for name, k in number.items():
        if name not in clusters:
            continue
        group_colour = colour(diagram.groups[name].colour)
        attrs = {
            "label": f"<<B>{text(name)}</B>>",
            "color": group_colour,
            "fontcolor": group_colour,
            "style": "rounded,filled",
            "fillcolor": tint(group_colour, 0.06),
            "penwidth": "1.5",
            "id": f"erd_c{k}",
        }
        lines = [attrs]
        if placement is not None:
            lines.append(
                {
                    "bb": ",".join(f"{v:g}" for v in placement.boxes[f"cluster_{k}"]),
                    "lp": "{:g},{:g}".format(*placement.labels[f"cluster_{k}"]),
                }
            )
        boxes[k] = (lines, clusters[name])

    column_of = {n: k for k, column in enumerate(columns) for n in column}
    edges: list[tuple[Edge, bool, bool]] = []
    for edge in diagram.edges:
        if (
            edge.source in drawn
            and edge.target in drawn
            and (edge.source in full or edge.target in full)
        ):
            source_full, target_full = edge.source in full, edge.target in full
            if columns and column_of[edge.source] == column_of[edge.target]:
                # A straight line between ports of one column would cross its tables.
                source_full = target_full = False
            edges.append((edge, source_full, target_full))
    return Drawing(parts, boxes, edges, list(selection.stubs), columns, anchor)


def measure(diagram: Diagram, nodes: Iterable[int], stubs: set[int], focus: int | None) -> dict[int, tuple[float, float]]:
    """Each node's (width, height) in points, as its label is drawn (``erd.metrics``; ``stubs``
    show their name only, ``focus`` has a thicker border)."""
    tables = diagram.tables
    return {
        n: metrics.table_size(tables[n], stub=n in stubs, focused=n == focus) for n in nodes
    }


def table_columns(
    diagram: Diagram, selection: Selection, heights: dict[int, float]
) -> list[list[int]]:
    """The columns of a large view (``erd.layout``): cluster by cluster, neighbours together;
    ``heights``: each node's, in points."""
    number = {name: k for k, name in enumerate(diagram.groups)}
    neighbours = diagram.neighbours()
    # A cluster's number, -1 in none; the stubs -2: columns of their own, outside every box.
    cluster = {n: number.get(diagram.tables[n].group, -1) for n in selection.shown}
    cluster.update((n, -2) for n in selection.stubs)
    ordered = layout.order(sorted(cluster), neighbours, cluster)
    return layout.columns(ordered, heights, cluster)


def cardinality(edge: Edge) -> tuple[str, str]:
    """(arrowtail, arrowhead): the crow's-foot ends at the referencing and referenced tables."""
    tail = "teeodot" if edge.unique else "crowodot"
    head = "teeodot" if edge.nullable else "teetee"
    return tail, head


def _edges(graph: Digraph, edge: Edge, source_full: bool, target_full: bool) -> None:
    tail, head = cardinality(edge)
    style = dict(EDGE_STATUS.get(edge.status, {}))
    self_reference = edge.source == edge.target
    pairs = list(zip(edge.source_columns, edge.target_columns))
    if not (source_full and target_full):
        pairs = pairs[:1]
    for number, (source_column, target_column) in enumerate(pairs):
        start = f"t{edge.source}:c{source_column}e:e" if source_full else f"t{edge.source}"
        side = "e" if self_reference else "w"
        end = f"t{edge.target}:c{target_column}{side}:{side}" if target_full else f"t{edge.target}"
        if number == 0:
            ends = {}
            if tail != EDGE_ATTRS["arrowtail"]:
                ends["arrowtail"] = tail
            if head != EDGE_ATTRS["arrowhead"]:
                ends["arrowhead"] = head
            graph.edge(start, end, tooltip=plain(edge.description), **ends, **style)
        else:
            # The other columns of a composite key: a thin line between their rows.
            graph.edge(
                start,
                end,
                arrowtail="none",
                arrowhead="none",
                style="dashed",
                penwidth="0.6",
                constraint="false",
                tooltip=plain(edge.description),
                **{k: v for k, v in style.items() if k == "color"},
            )


def overview_dot(diagram: Diagram, options: Options) -> str:
    """One node per group (and one for the tables in none), edges counting the foreign keys
    between groups; each node links to that group's diagram."""
    members: dict[str, list[int]] = {}
    for n, table in enumerate(diagram.tables):
        group = table.group if table.group in diagram.groups else UNGROUPED
        members.setdefault(group, []).append(n)
    # Numbered as in ``to_dot``'s clusters: the groups in order, then the ungrouped tables.
    number = {name: k for k, name in enumerate([*diagram.groups, UNGROUPED])}
    names = [name for name in number if name in members]
    graph = Digraph(
        "erd",
        # Many groups, most without a key between them, stack into one tall column with dot:
        # sfdp spreads them in two dimensions (erd.layout.OVERVIEW_ATTRS).
        graph_attr=(
            {**GRAPH_ATTRS, **layout.OVERVIEW_ATTRS}
            if len(names) > layout.COLUMNS_FROM
            else GRAPH_ATTRS
        ),
        node_attr=NODE_ATTRS,
        edge_attr={**EDGE_ATTRS, "dir": "forward", "arrowhead": "normal"},
    )
    linked = _links_per_group(diagram, members, number)
    terms = tuple(t.lower() for t in options.highlight if t)
    for name in names:
        size = len(members[name])
        changed = sum(1 for n in members[name] if diagram.tables[n].status)
        # Highlighted words: the groups holding tables so named are marked, with their count.
        matched = sum(1 for n in members[name] if diagram.tables[n].matches(terms)) if terms else 0
        group_colour = colour(diagram.groups[name].colour) if name else None
        header = HIGHLIGHT if matched else tint(group_colour) if group_colour else HEADER
        title = text(name) if name else "<I>Ungrouped</I>"
        others = linked.get(number[name], 0)
        detail = f"{size:,} table{'s' if size != 1 else ''}" + (
            f", {changed:,} changed" if changed else ""
        ) + (f", {matched:,} highlighted" if matched else "") + (
            f" · linked to {others} other group{'s' if others != 1 else ''}" if others else ""
        )
        label = (
            f'<<TABLE BORDER="2" CELLBORDER="0" CELLSPACING="0" CELLPADDING="6" '
            f'COLOR="{group_colour or BORDER}" BGCOLOR="white">'
            f'<TR><TD BGCOLOR="{header}"><B>{title}</B></TD></TR>'
            f'<TR><TD><FONT COLOR="#5b6472">{detail}</FONT></TD></TR></TABLE>>'
        )
        attrs = {"id": f"erd_g{number[name]}", "tooltip": plain(name or "Ungrouped")}
        if options.page_link:
            from urllib.parse import quote

            attrs["URL"] = options.page_link + (
                f"?group={quote(diagram.groups[name].ref, safe='')}" if name else "?view=ungrouped"
            )
        graph.node(f"g{number[name]}", label=label, **attrs)
    between = Counter[tuple[int, int]]()
    group_of = {n: number[g] for g, ns in members.items() for n in ns}
    for edge in diagram.edges:
        a, b = group_of[edge.source], group_of[edge.target]
        if a != b:
            between[(min(a, b), max(a, b))] += 1
    for (a, b), count in sorted(_strongest_links(between).items()):
        graph.edge(
            f"g{a}",
            f"g{b}",
            label=str(count),
            dir="none",
            penwidth=f"{min(1 + count / 10, 5):.1f}",
            tooltip=plain(f"{count} foreign key{'s' if count != 1 else ''} between these groups"),
        )
    return graph.source


#: Past this many links between groups, each group keeps only its strongest few: a schema whose
#: groups all reference each other (a 2,000-table one: 300 links between 25 groups) drew as a
#: tangle in which no group could be read.
MAX_OVERVIEW_LINKS = 40
STRONGEST_PER_GROUP = 3


def _strongest_links(between: Counter[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """``between`` (keys counted per pair of groups), or, when there are more than
    ``MAX_OVERVIEW_LINKS`` pairs, the pairs that are among one of their groups' strongest
    ``STRONGEST_PER_GROUP`` (each node says how many other groups it is linked to by keys)."""
    if len(between) <= MAX_OVERVIEW_LINKS:
        return dict(between)
    by_group: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for pair, count in between.items():
        for group in pair:
            by_group.setdefault(group, []).append((count, pair))
    kept = {
        pair
        for links in by_group.values()
        for _, pair in sorted(links, key=lambda link: (-link[0], link[1]))[:STRONGEST_PER_GROUP]
    }
    return {pair: between[pair] for pair in kept}


def _links_per_group(diagram: Diagram, members: dict[str, list[int]], number: dict[str, int]) -> Counter[int]:
    """How many other groups each group has a foreign key with (either way)."""
    group_of = {n: number[g] for g, ns in members.items() for n in ns}
    pairs = {
        (min(a, b), max(a, b))
        for edge in diagram.edges
        if (a := group_of[edge.source]) != (b := group_of[edge.target])
    }
    return Counter(g for pair in pairs for g in pair)


def tables_shown(diagram: Diagram, options: Options) -> int:
    if options.view == "overview" and not (options.group or options.focus):
        return 0
    return len(select(diagram, options).shown)
