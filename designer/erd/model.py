"""What a diagram shows, independent of Graphviz: tables with their columns, and relationships.

``from_schema`` reads an engine ``Schema`` (and the designer's table groups); ``erd.diff`` builds
the same model from two schemas, with every element marked added, removed, changed or renamed.
Tables and columns are addressed by position (``Edge.source`` is an index into
``Diagram.tables``), never by name: a diff diagram may hold a removed table and an added one of
the same name, and positions give Graphviz node and port names that need no escaping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

# typing.TYPE_CHECKING without importing typing: render_erd's time is mostly imports (docs/erd.md).
TYPE_CHECKING = False
if TYPE_CHECKING:  # only annotations: reading a snapshot's data needs no engine (render_erd)
    from typing import Any

    from migrations_engine.schema import ForeignKey, Schema
    from migrations_engine.schema import Table as EngineTable

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
UNGROUPED = ""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def visible(value: str) -> str:
    """``value`` with control characters shown as their Unicode symbols (U+2400…): XML, and so
    SVG and Graphviz's HTML-like labels, cannot hold them."""
    return _CONTROL.sub(lambda m: "\u2421" if m[0] == "\x7f" else chr(0x2400 + ord(m[0])), value)


@dataclass(frozen=True)
class Group:
    name: str
    colour: str
    key: str = ""  # a cluster's stable id (``erd.clusters``), which its links use
    found: bool = False  # a cluster found from the foreign keys, not one of the designer's

    @property
    def ref(self) -> str:
        """What a link to this group puts in ``?group=``: its key, else its name."""
        return self.key or self.name


@dataclass
class Column:
    name: str
    type: str
    pk: bool = False
    fk: bool = False
    unique: bool = False
    nullable: bool = True
    status: str = ""  # "", ADDED, REMOVED or CHANGED
    old_name: str | None = None  # set when renamed
    old_type: str | None = None  # set when the type changed


class LazyColumns(Sequence[Column]):
    """A table's columns, made on first use: a view of a 10,000-table schema draws a few hundred
    tables, and making the 100,000 columns of the others took a third of reading it."""

    __slots__ = ("_made", "_table")

    def __init__(self, table: EngineTable) -> None:
        self._table: EngineTable | None = table
        self._made: list[Column] = []

    def _columns(self) -> list[Column]:
        if self._table is not None:
            self._made, self._table = columns_of(self._table), None
        return self._made

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._columns()[index]

    def __len__(self) -> int:
        return len(self._columns())

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns())

    def __eq__(self, other: object) -> bool:
        return self._columns() == (list(other) if isinstance(other, Sequence) else other)

    def __repr__(self) -> str:
        return repr(self._columns())


@dataclass
class Table:
    name: str
    key: str  # what links use: the element id, or the name when there is none
    columns: Sequence[Column] = field(default_factory=list)
    group: str = UNGROUPED
    junction: tuple[str, ...] = ()  # the tables a many-to-many junction table links
    comment: str | None = None
    status: str = ""
    old_name: str | None = None

    def matches(self, terms: tuple[str, ...]) -> bool:
        return any(term in self.name.lower() for term in terms)


@dataclass(frozen=True)
class Edge:
    """A foreign key: from ``source_columns`` of table ``source`` to ``target_columns`` of ``target``."""

    source: int
    source_columns: tuple[int, ...]
    target: int
    target_columns: tuple[int, ...]
    unique: bool  # the key columns are unique: at most one row per referenced row
    nullable: bool  # a key column is nullable: a row may reference nothing
    description: str
    status: str = ""


@dataclass
class Diagram:
    tables: list[Table] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)  # by name, in display order
    clustered: bool = False  # ``erd.clusters.add_clusters`` has run
    # A designer's group too large to draw, split into parts (``erd.clusters``): its name →
    # the names of its parts, which took its place in ``groups``.
    parts: dict[str, list[str]] = field(default_factory=dict)
    _neighbours: list[set[int]] | None = field(default=None, init=False, repr=False, compare=False)

    def group_named(self, ref: str) -> str | None:
        """The name of the group called ``ref`` or whose key is ``ref`` (a cluster's link)."""
        if ref in self.groups:
            return ref
        return next((g.name for g in self.groups.values() if g.key and g.key == ref), None)

    def index_of(self, name: str) -> int | None:
        """The position of the table called ``name`` (one that still exists, in a diff)."""
        found = None
        for n, table in enumerate(self.tables):
            if table.name == name:
                if table.status != REMOVED:
                    return n
                found = n if found is None else found
        return found

    def neighbours(self) -> list[set[int]]:
        """Each table's neighbours by foreign key, either way: made once (a view asks for them
        several times: its selection, its columns, its count; the edges never change once the
        diagram is built). Not to be changed by the caller."""
        if self._neighbours is None:
            out: list[set[int]] = [set() for _ in self.tables]
            for edge in self.edges:
                out[edge.source].add(edge.target)
                out[edge.target].add(edge.source)
            self._neighbours = out
        return self._neighbours


# ---------------------------------------------------------------- groups


def groups_by_table(
    tables: Iterable[EngineTable], groups: Iterable[Mapping[str, Any]] | None
) -> dict[str, Group]:
    """Table name → group, from the designer's groups data (``SchemaVersion.groups``).

    Each group lists its tables by element id (as the designer stores them) or by name (as a
    hand-written groups file for ``render_erd`` may).
    """
    by_key: dict[str, str] = {}
    for table in tables:
        by_key.setdefault(table.name, table.name)
        if table.id:
            by_key[table.id] = table.name
    out: dict[str, Group] = {}
    for data in groups or ():
        group = Group(str(data.get("name") or "?"), str(data.get("colour") or ""))
        for key in data.get("tables") or ():
            name = by_key.get(str(key))
            if name is not None:
                out.setdefault(name, group)
    return out


def ordered_groups(assigned: Iterable[Group]) -> dict[str, Group]:
    return {g.name: g for g in sorted(set(assigned), key=lambda g: (g.name.lower(), g.name))}


# ---------------------------------------------------------------- schema -> diagram


def unique_sets(table: EngineTable) -> list[frozenset[str]]:
    """Column sets whose values are unique: the primary key, unique constraints and indexes."""
    sets = [frozenset(u.columns) for u in table.uniques]
    sets += [frozenset(i.columns) for i in table.indexes if i.unique and not i.where and not i.has_expressions]
    if table.primary_key:
        sets.append(frozenset(table.primary_key.columns))
    return sets


def is_unique(table: EngineTable, columns: Iterable[str]) -> bool:
    """True when ``columns`` include a unique set (so each value occurs at most once)."""
    wanted = frozenset(columns)
    return any(s <= wanted for s in unique_sets(table))


def junction_of(table: EngineTable) -> tuple[str, ...]:
    """The tables a many-to-many junction table links: its primary key is made of the columns of
    two or more foreign keys (and nothing else)."""
    if table.primary_key is None or len(table.foreign_keys) < 2:
        return ()
    pk = set(table.primary_key.columns)
    covering = [fk for fk in table.foreign_keys if set(fk.columns) <= pk]
    if len(covering) < 2 or set().union(*(fk.columns for fk in covering)) != pk:
        return ()
    return tuple(dict.fromkeys(fk.ref_table for fk in covering))


def columns_of(table: EngineTable) -> list[Column]:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    fk = {name for key in table.foreign_keys for name in key.columns}
    unique = {next(iter(s)) for s in unique_sets(table) if len(s) == 1} - pk
    return [
        Column(
            name=c.name,
            type=str(c.type),
            pk=c.name in pk,
            fk=c.name in fk,
            unique=c.name in unique,
            nullable=c.nullable,
        )
        for c in table.columns
    ]


def describe_fk(table: str, fk: ForeignKey) -> str:
    return f"{table}({', '.join(fk.columns)}) → {fk.ref_table}({', '.join(fk.ref_columns)})"


def edge_for(
    table: EngineTable,
    fk: ForeignKey,
    source: int,
    source_ports: Mapping[str, int],
    target: int,
    target_ports: Mapping[str, int],
    status: str = "",
) -> Edge | None:
    """The edge of one foreign key, or None when a column it names is missing."""
    try:
        source_columns = tuple(source_ports[c] for c in fk.columns)
        target_columns = tuple(target_ports[c] for c in fk.ref_columns)
    except KeyError:
        return None
    nullable = any(c.nullable for c in table.columns if c.name in fk.columns)
    return Edge(
        source,
        source_columns,
        target,
        target_columns,
        unique=is_unique(table, fk.columns),
        nullable=nullable,
        description=describe_fk(table.name, fk),
        status=status,
    )


def from_schema(schema: Schema, groups: Mapping[str, Group] | None = None) -> Diagram:
    """The diagram of ``schema``; ``groups`` maps table names to their group."""
    return from_tables(schema.tables, groups or {})


def from_tables(tables: Sequence[EngineTable], groups: Mapping[str, Group]) -> Diagram:
    diagram_tables = [
        Table(
            name=t.name,
            key=t.id or t.name,
            columns=LazyColumns(t),
            group=groups[t.name].name if t.name in groups else UNGROUPED,
            junction=junction_of(t),
            comment=t.comment,
        )
        for t in tables
    ]
    index = {t.name: n for n, t in enumerate(tables)}
    ports = [{c.name: n for n, c in enumerate(t.columns)} for t in tables]
    edges = []
    for n, table in enumerate(tables):
        for fk in table.foreign_keys:
            target = index.get(fk.ref_table)
            if target is None:
                continue  # a key to a table outside the schema: nothing to draw it to
            edge = edge_for(table, fk, n, ports[n], target, ports[target])
            if edge is not None:
                edges.append(edge)
    assigned = (groups[t.name] for t in tables if t.name in groups)
    return Diagram(diagram_tables, edges, ordered_groups(assigned))


# ---------------------------------------------------------------- snapshot data -> diagram


# Snapshot elements as read, with the attributes the diagram uses (duck-typing the engine's
# classes). A column's type stays text: the diagram shows it, nothing here parses it.


class _Column:
    __slots__ = ("name", "nullable", "type")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.name, self.type, self.nullable = data["name"], data["type"], data.get("nullable", True)


class _Key:
    __slots__ = ("columns", "has_expressions", "ref_columns", "ref_table", "unique", "where")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.columns = tuple(data["columns"])
        self.ref_table = data.get("ref_table")
        self.ref_columns = tuple(data.get("ref_columns", ()))
        self.unique = data.get("unique", False)
        self.where = data.get("where")
        # An index's keys say which of its ``columns`` are expressions (snapshot format 3 on).
        self.has_expressions = any(key.get("expression") for key in data.get("keys") or ())


class _Table:
    __slots__ = (
        "columns",
        "comment",
        "foreign_keys",
        "id",
        "indexes",
        "name",
        "primary_key",
        "uniques",
    )

    def __init__(self, data: Mapping[str, Any]) -> None:
        get = data.get
        self.name, self.id, self.comment = data["name"], get("id"), get("comment")
        self.columns = tuple(map(_Column, get("columns", ())))
        self.primary_key = _Key(data["primary_key"]) if get("primary_key") else None
        self.foreign_keys = tuple(map(_Key, get("foreign_keys", ())))
        self.uniques = tuple(map(_Key, get("uniques", ())))
        self.indexes = tuple(map(_Key, get("indexes", ())))


def from_snapshot(
    data: Mapping[str, Any], groups: Iterable[Mapping[str, Any]] | None = None
) -> Diagram:
    """The diagram of a snapshot's data (``SchemaVersion.snapshot``), read without the engine's
    validation, hashing and type parsing: a published version was checked when it was stored,
    and on a large schema that reading costs more than drawing. ``groups`` is the designer's
    groups data."""
    tables: list[Any] = sorted(map(_Table, data.get("tables", ())), key=lambda t: t.name)
    return from_tables(tables, groups_by_table(tables, groups))
