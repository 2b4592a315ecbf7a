"""Search across a whole diagram: table names, column names and comments (docs/erd.md, Search).

``build_index`` lowercases every name and comment of a ``Diagram`` once (the index is kept in
the ``erd`` cache by content, like the pictures); ``search`` then answers the first matches, each
saying what it is (a table, a column of a table, a table's comment), where it lives (its group)
and which view shows it: its group, or its neighbourhood (the table and the tables one foreign
key away) when that is smaller. No Django here: plain data, pickled into the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.erd.model import REMOVED, UNGROUPED, Diagram

LIMIT = 20
TABLE, COLUMN, COMMENT = "table", "column", "comment"


@dataclass
class Index:
    """The diagram's names, lowercased once, and what ``search`` needs to place a match."""

    tables: list[str] = field(default_factory=list)  # names, by position in the diagram
    tables_lower: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # each table's group ("" for none)
    view_sizes: list[int] = field(default_factory=list)  # the table and its neighbours
    group_sizes: dict[str, int] = field(default_factory=dict)
    group_refs: dict[str, str] = field(default_factory=dict)  # what ``?group=`` names it by
    columns_lower: list[str] = field(default_factory=list)
    columns: list[tuple[int, str]] = field(default_factory=list)  # (table position, name)
    comments_lower: list[str] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (table position, text)


@dataclass(frozen=True)
class Match:
    kind: str  # TABLE, COLUMN or COMMENT
    table: str
    column: str = ""
    text: str = ""  # the column's name or the comment, as written
    group: str = ""  # where the table lives ("" for no group)
    open_group: bool = False  # its group is the smaller view of it (else its neighbourhood)
    group_ref: str = ""  # what ``?group=`` names the group by (a found cluster: its key)

    @property
    def highlight(self) -> str:
        """What to highlight once the match is shown: the column, else the table."""
        return self.column or self.table

    def query(self) -> dict[str, str]:
        """The diagram query that shows the match, highlighted, centred on its table (``at``)."""
        where = (
            {"group": self.group_ref or self.group}
            if self.open_group
            else {"focus": self.table, "hops": "1"}
        )
        return {**where, "q": self.highlight, "at": self.table}

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "table": self.table,
            "column": self.column,
            "text": self.text,
            "group": self.group,
            "query": self.query(),
        }


def build_index(diagram: Diagram) -> Index:
    """The search index of ``diagram`` (removed tables of a diff are left out)."""
    from designer.erd.clusters import add_clusters
    from designer.erd.dot import LARGE

    add_clusters(diagram, above=LARGE)  # as render_diagram does: the groups a view shows
    index = Index()
    neighbours = diagram.neighbours()
    # A cluster found from the foreign keys (erd.clusters) is linked by its key, not its name.
    index.group_refs = {name: getattr(g, "ref", name) for name, g in diagram.groups.items()}
    for n, table in enumerate(diagram.tables):
        index.tables.append(table.name)
        index.tables_lower.append(table.name.lower() if table.status != REMOVED else "")
        group = table.group if table.group in diagram.groups else UNGROUPED
        index.groups.append(group)
        index.view_sizes.append(len(neighbours[n] | {n}))
        if group:
            index.group_sizes[group] = index.group_sizes.get(group, 0) + 1
        if table.status == REMOVED:
            continue
        for column in table.columns:
            if column.status != REMOVED:
                index.columns_lower.append(column.name.lower())
                index.columns.append((n, column.name))
        if table.comment:
            index.comments_lower.append(table.comment.lower())
            index.comments.append((n, table.comment))
    return index


def places(index: Index) -> dict[str, tuple[str, str]]:
    """Each grouped table's group: name → (the group's name, what ``?group=`` calls it)."""
    return {
        name: (group, index.group_refs.get(group, group))
        for name, group in zip(index.tables, index.groups)
        if group
    }


def search(index: Index, query: str, limit: int = LIMIT) -> list[Match]:
    """The first ``limit`` matches of ``query`` (case-insensitive, a substring of a name or a
    comment): tables first (exact name, then names starting with it, then the others, each in
    name order), then columns, then comments."""
    term = " ".join(query.split()).lower()
    if not term or limit <= 0:
        return []
    found: list[Match] = []
    ranked = sorted(
        (0 if name == term else 1 if name.startswith(term) else 2, index.tables[n], n)
        for n, name in enumerate(index.tables_lower)
        if term in name
    )
    found += [_match(index, TABLE, n) for _, _, n in ranked[:limit]]
    for lowered, entries, kind in (
        (index.columns_lower, index.columns, COLUMN),
        (index.comments_lower, index.comments, COMMENT),
    ):
        position = 0
        while len(found) < limit:
            position = _next(lowered, term, position)
            if position < 0:
                break
            n, text = entries[position]
            found.append(_match(index, kind, n, text))
            position += 1
    return found


def _next(lowered: list[str], term: str, start: int) -> int:
    for position in range(start, len(lowered)):
        if term in lowered[position]:
            return position
    return -1


def _match(index: Index, kind: str, n: int, text: str = "") -> Match:
    group = index.groups[n]
    smaller = bool(group) and index.group_sizes[group] <= index.view_sizes[n]
    return Match(
        kind=kind,
        table=index.tables[n],
        column=text if kind == COLUMN else "",
        text=text,
        group=group,
        open_group=smaller,
        group_ref=index.group_refs.get(group, group),
    )
