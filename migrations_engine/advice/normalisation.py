"""Normalisation hints: where a schema stores one fact in several places or several facts in one,
each with the change that would fix it, as the engine's operations.

Four kinds, each found by one function:

* **repeating group** (``phone1, phone2, phone3``): columns named one stem and a number; the fix
  is a child table ``<table>_phones`` with a foreign key to the table, and the columns dropped;
* **list column**: a text column holding several values, by its name (``tags``, ``role_list``,
  ``tag_ids``) or, with sampled rows, by its values (``red, green``; separators ``,`` ``;``
  ``|``); the fix is a child table holding one item per row, and the column dropped;
* **copied column** (``orders.customer_name`` beside ``orders.customer_id`` → ``customers``,
  which has ``name``): a value the foreign key already reaches; the fix is to drop it;
* **functional dependency**, with sampled rows only (``zip → city``): in every sampled row, each
  value of one column goes with one value of others; the fix is a table keyed by the first
  holding the others once, a foreign key to it, and the others dropped.

The proposals change the schema only: the values of dropped columns are not moved (the operations
say which are lost). ``hint_for`` rebuilds a hint from its kind, table and columns against the
schema as it is now (the designer's Apply does, without sampling again).

``sample_rows`` reads a bounded sample of a live database's rows (``SAMPLE_LIMIT`` per table, at
most ``MAX_TABLES`` tables and ``MAX_COLUMNS`` columns each) for the two checks that need values.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..connection import Database, connect
from ..errors import EngineError
from ..expressions import rename_column_in
from ..naming import fit_name, foreign_key_name, index_name, primary_key_name
from ..operations import (
    AddForeignKey,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropExclusion,
    DropIndex,
    DropUnique,
    Operation,
    apply_all,
    exclusion_with_column_renamed,
)
from ..schema import Column, Exclusion, ForeignKey, Index, PrimaryKey, Schema, Table
from ..types import ColumnType
from ..urls import DatabaseURL, parse_url

REPEATING_GROUP = "repeating-group"
LIST_COLUMN = "list-column"
COPIED_COLUMN = "copied-column"
FUNCTIONAL_DEPENDENCY = "functional-dependency"
KINDS = (REPEATING_GROUP, LIST_COLUMN, COPIED_COLUMN, FUNCTIONAL_DEPENDENCY)

#: Rows read per table, tables read, and columns read per table (the checks' work is bounded by
#: these: a dependency check compares every pair of columns over every row).
SAMPLE_LIMIT = 1000
MAX_TABLES = 100
MAX_COLUMNS = 40
#: Seconds a sampling query may run (PostgreSQL and MariaDB stop it); the whole sampling reads
#: no new table after this many times as long.
QUERY_TIMEOUT_SECONDS = 10
TIME_BUDGET_FACTOR = 3
#: The dependency check's work over the whole sample, as rows × columns²: about 3 s of Python
#: when every pair holds (checks stop at a pair's first contradiction, so real rows take less).
#: Past it, fewer rows are read, and none below MIN_SAMPLE_ROWS.
MAX_WORK = 10_000_000
MIN_SAMPLE_ROWS = 50

#: A dependency A → B counts when A has at least this many distinct values …
MIN_DISTINCT = 3
#: … and at least this many sampled rows (and a fifth of them) repeat an A value seen before:
#: the rows that could have contradicted it.
MIN_REPEATS = 5
#: A sampled text column holds lists when at least this many of its values (and this share) do.
MIN_LIST_VALUES = 3
MIN_LIST_SHARE = 0.3
#: An item of a list is short: at most this many characters and words.
MAX_ITEM_LENGTH = 40
MAX_ITEM_WORDS = 3
SEPARATORS = (",", ";", "|")

#: Names of columns that hold lists: these suffixes, or these words.
_LIST_SUFFIXES = ("_list", "_csv", "_ids")
_LIST_NAMES = frozenset(
    {"tags", "keywords", "categories", "emails", "phones", "phone_numbers", "roles", "permissions",
     "skills", "labels", "aliases", "ids"}
)
_NUMBERED = re.compile(r"^(?P<stem>.*?[A-Za-z][^\d]*?)(?P<number>\d+)$")
#: A name no column has, put in an expression's place to see whether it names a column.
_PROBE = "__probe_column__"
_NOT_COMPARABLE = re.compile(
    r"blob|bytea|json|xml|geometry|geography|tsvector|\[\]|binary", re.IGNORECASE
)


class HintError(EngineError):
    """A hint that does not apply to the schema (any more): a column gone, a table renamed."""


@dataclass(frozen=True)
class Hint:
    """One normalisation hint: what it names, why, and the change it proposes.

    ``columns`` are columns of ``table``: the group's, the list column, the copied column, or
    the determinant followed by what it determines. ``operations`` turn the schema into the
    proposed one (empty when the hint proposes nothing it can build, ``reason`` says why).
    """

    kind: str
    table: str
    columns: tuple[str, ...]
    reason: str
    operations: tuple[Operation, ...] = ()
    #: The other tables it names: the one a copied column copies, the one it proposes.
    other_tables: tuple[str, ...] = ()
    #: What it was found from: the schema (``"schema"``) or sampled rows (``"rows"``).
    evidence: str = "schema"

    @property
    def summary(self) -> str:
        """The proposed change in a few words (the draft's undo bar names it so)."""
        columns = ", ".join(self.columns)
        other = self.other_tables[0] if self.other_tables else ""
        if self.kind == COPIED_COLUMN:
            return f"Drop {self.table}.{columns}, a copy of {other}"
        if self.kind == FUNCTIONAL_DEPENDENCY:
            moved = ", ".join(self.columns[1:])
            return f"Move {self.table}.{moved} to {other}, keyed by {self.columns[0]}"
        return f"Move {self.table}.{columns} to a child table {other}"

    @property
    def changes(self) -> list[str]:
        """The proposed change in words, one sentence per operation."""
        return [op.describe() for op in self.operations]

    @property
    def data_loss(self) -> list[str]:
        """What applying the change to a database would lose (the dropped columns' values)."""
        return [loss for op in self.operations if (loss := op.data_loss())]

    def proposed(self, schema: Schema) -> Schema:
        """``schema`` with the change applied."""
        return apply_all(list(self.operations), schema)


@dataclass(frozen=True)
class TableSample:
    """Rows sampled from one table: the columns read, and their values in that order."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def values(self, column: str) -> list[Any]:
        at = self.columns.index(column)
        return [row[at] for row in self.rows]


@dataclass(frozen=True)
class Samples:
    """What ``sample_rows`` read: a sample per table, and why any table was left out."""

    tables: dict[str, TableSample] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------- the entry point


def hints(schema: Schema, dialect: str | None = None, samples: Samples | None = None) -> list[Hint]:
    """Every normalisation hint for ``schema``; with ``samples`` (``sample_rows``), also those
    found in the rows. ``dialect`` bounds the names proposed (MySQL allows 64 characters)."""
    limit = _name_limit(dialect)
    found: list[Hint] = []
    for table in schema.tables:
        found += _repeating_groups(schema, table, limit)
        found += _copied_columns(schema, table)
        sample = samples.tables.get(table.name) if samples else None
        found += _list_columns(schema, table, sample, limit)
        if sample is not None:
            found += _dependencies(schema, table, sample, limit)
    return [_checked(schema, hint) for hint in found]


def _checked(schema: Schema, hint: Hint) -> Hint:
    """``hint``, or the same without operations when they do not apply (a generated column
    computed from a column it would drop), saying why."""
    try:
        hint.proposed(schema)
    except EngineError as exc:
        return replace(hint, operations=(), reason=f"{hint.reason} (no change proposed: {exc})")
    return hint


def hint_for(
    schema: Schema, kind: str, table: str, columns: Sequence[str], dialect: str | None = None
) -> Hint:
    """The hint of ``kind`` naming ``table`` and ``columns``, built against ``schema`` as it is
    now; ``HintError`` when it no longer fits (a column gone or now a key, a name changed).
    Sampled evidence is not checked again: what rows showed is the caller's word."""
    if not schema.has_table(table):
        raise HintError(f"there is no table {table!r} any more")
    row = schema.table(table)
    missing = [c for c in columns if not row.has_column(c)]
    if missing:
        raise HintError(f"table {table!r} has no column {missing[0]!r} any more")
    limit = _name_limit(dialect)
    columns = tuple(columns)
    if kind == REPEATING_GROUP:
        found = [h for h in _repeating_groups(schema, row, limit) if h.columns == columns]
    elif kind == COPIED_COLUMN:
        found = [h for h in _copied_columns(schema, row) if h.columns == columns]
    elif kind == LIST_COLUMN and len(columns) == 1 and columns[0] in _plain_columns(row):
        by_name = [h for h in _list_columns(schema, row, None, limit) if h.columns == columns]
        text = _is_text(row.column(columns[0]).type)
        sampled = _list_hint(schema, row, columns[0], "sampled values are lists", "rows", limit)
        found = by_name or ([sampled] if text else [])
    elif kind == FUNCTIONAL_DEPENDENCY and len(columns) >= 2 and set(columns) <= set(_plain_columns(row)):
        evidence = "it held in the sampled rows"
        found = [_dependency_hint(schema, row, columns[0], columns[1:], evidence, limit)]
    elif kind not in KINDS:
        raise HintError(f"unknown kind of hint {kind!r}")
    else:
        found = []
    if not found:
        raise HintError(f"the {kind} hint on {table}.{', '.join(columns)} no longer applies")
    return _checked(schema, found[0])


# ---------------------------------------------------------------- repeating groups


def _repeating_groups(schema: Schema, table: Table, limit: int) -> list[Hint]:
    plain = _plain_columns(table)
    stems: dict[str, list[tuple[int, str]]] = {}
    for name in plain:
        match = _NUMBERED.match(name)
        if match:
            stem = match["stem"]
            stems.setdefault(stem, []).append((int(match["number"]), name))
    found = []
    for stem, numbered in stems.items():
        numbers = sorted(n for n, _ in numbered)
        base = stem.rstrip("_")
        if len(base) < 2 or len(set(numbers)) != len(numbers):
            continue
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            continue  # sha1, sha256: not one attribute repeated
        members = [name for _, name in sorted(numbered)]
        if numbers[0] == 2 and base in plain:  # address, address2
            members.insert(0, base)
        if len(members) < 2 or numbers[0] > 2:
            continue
        members.sort(key=table.column_names.index)
        child = _free_table_name(schema, fit_name(f"{table.name}_{_named_as(schema, base)}", limit))
        item = table.column(members[0])
        item = replace(item, name=base, id=None, comment=None, default=None, nullable=False)
        operations, note = _child_table(schema, table, child, item, members)
        reason = (
            f"{table.name}.{', '.join(members)} repeat one attribute in numbered columns: "
            f"a child table {child} would hold any number of {_plural(base)}, one per row{note}"
        )
        hint = Hint(REPEATING_GROUP, table.name, tuple(members), reason, operations, (child,))
        found.append(hint)
    return found


# ---------------------------------------------------------------- list columns


def _list_columns(
    schema: Schema, table: Table, sample: TableSample | None, limit: int
) -> list[Hint]:
    found = []
    for name in _plain_columns(table):
        column = table.column(name)
        item_type = _list_type_item(column.type)
        if item_type is not None:
            what = "a SET" if column.type.dialect == "mysql" else "an array"
            evidence = f"its type is {what}"
            found.append(_list_hint(schema, table, name, evidence, "schema", limit, item_type))
            continue
        if not _is_text(column.type):
            continue
        if _list_name(name):
            evidence = "its name says it holds a list"
            found.append(_list_hint(schema, table, name, evidence, "schema", limit))
        elif sample is not None and name in sample.columns:
            evidence = _list_evidence(sample.values(name))
            if evidence:
                found.append(_list_hint(schema, table, name, evidence, "rows", limit))
    return found


def _list_name(name: str) -> bool:
    lower = name.lower()
    return lower in _LIST_NAMES or lower.endswith(_LIST_SUFFIXES)


def _list_evidence(values: Iterable[Any]) -> str | None:
    """Why sampled ``values`` look like lists (``"12 of 20 sampled values are lists separated
    by ','"``), or None."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    best: tuple[int, str] = (0, "")
    for separator in SEPARATORS:
        lists = [_parts(text, separator) for text in texts if _is_list(text, separator)]
        if _like_lists(lists):
            best = max(best, (len(lists), separator))
    count, separator = best
    if count >= MIN_LIST_VALUES and count >= MIN_LIST_SHARE * len(texts):
        return f"{count} of {len(texts)} sampled values are lists separated by '{separator}'"
    return None


def _like_lists(lists: list[list[str]]) -> bool:
    """Whether split values behave as lists rather than as fields in a fixed order (``12 Main
    St, Springfield``): their lengths vary, or one item comes at two places."""
    if len({len(parts) for parts in lists}) > 1:
        return True
    places: dict[str, set[int]] = {}
    for parts in lists:
        for place, item in enumerate(parts):
            places.setdefault(item.lower(), set()).add(place)
    return any(len(seen) > 1 for seen in places.values())


def _parts(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator)]


def _is_list(text: str, separator: str) -> bool:
    parts = _parts(text, separator)
    return len(parts) >= 2 and all(
        part and len(part) <= MAX_ITEM_LENGTH and len(part.split()) <= MAX_ITEM_WORDS
        for part in parts
    )


def _list_type_item(column_type: ColumnType) -> ColumnType | None:
    """The type of one item of a list type: a PostgreSQL array's element, a MySQL SET's member
    (a varchar as long as its longest value); None for other types."""
    native = column_type.native or ""
    if column_type.dialect == "postgresql" and native.endswith("[]") and native.count("[]") == 1:
        element = native[:-2]
        try:
            return ColumnType.parse(element)
        except EngineError:
            return ColumnType("native", dialect="postgresql", native=element)
    if column_type.dialect == "mysql" and native.lower().startswith("set("):
        values = re.findall(r"'((?:[^']|'')*)'", native)
        longest = max((len(v.replace("''", "'")) for v in values), default=1)
        return ColumnType("varchar", length=longest)
    return None


def _list_hint(
    schema: Schema,
    table: Table,
    name: str,
    evidence: str,
    source: str,
    limit: int,
    item_type: ColumnType | None = None,
) -> Hint:
    stem = name
    for suffix in ("_list", "_csv"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
    child = _free_table_name(schema, fit_name(f"{table.name}_{_named_as(schema, _singular(stem))}", limit))
    column = table.column(name)
    item = replace(
        column, name=_singular(stem), id=None, comment=None, default=None, nullable=False
    )
    if item_type is not None:
        item = Column(item.name, item_type, nullable=False)
    operations, note = _child_table(schema, table, child, item, [name])
    reason = (
        f"{table.name}.{name} keeps several values in one ({evidence}): "
        f"a child table {child} would hold one {item.name} per row{note}"
    )
    return Hint(LIST_COLUMN, table.name, (name,), reason, operations, (child,), source)


# ---------------------------------------------------------------- copied columns


def _copied_columns(schema: Schema, table: Table) -> list[Hint]:
    found = []
    plain = _plain_columns(table)
    for fk in table.foreign_keys:
        if len(fk.columns) != 1 or not schema.has_table(fk.ref_table):
            continue
        referenced = schema.table(fk.ref_table)
        key = set(referenced.primary_key.columns) if referenced.primary_key else set()
        prefixes = _prefixes(fk.columns[0], referenced.name)
        for name in plain:
            copied = next(
                (
                    name[len(prefix) + 1 :]
                    for prefix in prefixes
                    if name.lower().startswith(prefix.lower() + "_")
                    and referenced.has_column(name[len(prefix) + 1 :])
                    and name[len(prefix) + 1 :] not in key
                    and name[len(prefix) + 1 :] not in fk.ref_columns
                ),
                None,
            )
            if copied is None:
                continue
            reason = (
                f"{table.name}.{name} copies {referenced.name}.{copied}, which the foreign key "
                f"{fk.columns[0]} already reaches: the copy goes stale when {referenced.name} "
                f"changes; drop it and read {copied} through the key"
            )
            operations = _drop_columns(table, [name])
            others = (referenced.name,)
            found.append(Hint(COPIED_COLUMN, table.name, (name,), reason, tuple(operations), others))
    return found


def _prefixes(fk_column: str, ref_table: str) -> list[str]:
    """How a column copied through ``fk_column`` may begin: ``customer`` for ``customer_id``,
    the referenced table's name and its singular."""
    prefixes = []
    lower = fk_column.lower()
    for suffix in ("_id", "id"):
        if lower.endswith(suffix) and len(fk_column) > len(suffix):
            prefixes.append(fk_column[: -len(suffix)].rstrip("_"))
            break
    prefixes += [ref_table, _singular(ref_table)]
    return [p for p in dict.fromkeys(prefixes) if p]


# ---------------------------------------------------------------- functional dependencies


def _dependencies(schema: Schema, table: Table, sample: TableSample, limit: int) -> list[Hint]:
    candidates = [
        name for name in _plain_columns(table)
        if name in sample.columns and _comparable(table.column(name).type)
    ][:MAX_COLUMNS]
    values = {name: [_hashable(v) for v in sample.values(name)] for name in candidates}
    determined = _determined(values)
    found = []
    for a, dependents in _reported(determined, table.column_names).items():
        present = [v for v in values[a] if v is not None]
        evidence = f"in all {len(present)} sampled rows with a {a}, {len(set(present))} values"
        found.append(_dependency_hint(schema, table, a, dependents, evidence, limit))
    return found


def _determined(values: dict[str, list[Any]]) -> dict[str, list[str]]:
    """For each column A that repeats enough (``MIN_DISTINCT``, ``MIN_REPEATS``), the columns B
    with one value for each value of A in every row (B not constant)."""
    distinct = {name: len(set(column)) for name, column in values.items()}
    determined: dict[str, list[str]] = {}
    for a, column_a in values.items():
        rows = [(n, v) for n, v in enumerate(column_a) if v is not None]
        seen = len({v for _, v in rows})
        if seen < MIN_DISTINCT or len(rows) - seen < max(MIN_REPEATS, len(rows) / 5):
            continue
        first: dict[Any, int] = {}
        for n, v in rows:
            first.setdefault(v, n)
        for b, column_b in values.items():
            # all() stops at the first row that contradicts: most pairs cost a few rows.
            if b != a and distinct[b] >= 2 and all(column_b[n] == column_b[first[v]] for n, v in rows):
                determined.setdefault(a, []).append(b)
    return determined


def _reported(determined: dict[str, list[str]], order: tuple[str, ...]) -> dict[str, list[str]]:
    """The dependencies worth a hint each: of two columns that determine each other (a code and
    its name) the first in ``order`` only, and none whose dependents another column determines
    along with it (``zip → city, state`` says ``city → state`` already)."""

    def mutual(a: str, b: str) -> bool:
        return b in determined.get(a, ()) and a in determined.get(b, ())

    reported = {}
    for a, dependents in determined.items():
        if any(mutual(a, b) and order.index(b) < order.index(a) for b in dependents):
            continue
        if any(
            a in others and set(dependents) <= set(others)
            for b, others in determined.items()
            if b != a and not mutual(a, b)
        ):
            continue
        reported[a] = dependents
    return reported


def _dependency_hint(
    schema: Schema, table: Table, determinant: str, dependents: Sequence[str], evidence: str, limit: int
) -> Hint:
    lookup = _free_table_name(schema, fit_name(_named_as(schema, determinant), limit))
    key = replace(
        table.column(determinant), id=None, nullable=False, identity=False, default=None, comment=None
    )
    moved = [replace(table.column(name), id=None) for name in dependents]
    new = Table(
        lookup,
        columns=(key, *moved),
        primary_key=PrimaryKey((determinant,), name=primary_key_name(lookup)),
    )
    fk_name = foreign_key_name(table.name, (determinant,))
    fk = ForeignKey((determinant,), lookup, (determinant,), name=fk_name)
    drops = _drop_columns(table, dependents)
    dropped = {op.index.name for op in drops if isinstance(op, DropIndex)}
    operations: list[Operation] = [CreateTable(new), AddForeignKey(table.name, fk), *drops]
    if not any(
        i.columns[:1] == (determinant,) and not i.key(0).expression and i.name not in dropped
        for i in table.indexes
    ):  # joins look rows up by it
        index = Index((determinant,), name=index_name(table.name, (determinant,)))
        operations.insert(2, CreateIndex(table.name, index))
    reason = (
        f"{table.name}.{determinant} determines {', '.join(dependents)} ({evidence}): a table "
        f"{lookup} keyed by {determinant} would hold {'them' if len(dependents) > 1 else 'it'} once"
    )
    columns = (determinant, *dependents)
    return Hint(FUNCTIONAL_DEPENDENCY, table.name, columns, reason, tuple(operations), (lookup,), "rows")


# ---------------------------------------------------------------- proposals


def _child_table(
    schema: Schema, parent: Table, child: str, item: Column, dropped: list[str]
) -> tuple[tuple[Operation, ...], str]:
    """Operations creating ``child`` (an id, a reference to ``parent``, ``item``) and dropping
    ``dropped`` from ``parent``; with a note when ``parent`` has no primary key to refer to."""
    key = parent.primary_key
    if key is None:
        return (), " (give the table a primary key first: the child table needs one to refer to)"
    if item.name == "id":  # a list of ids (a column "ids"): the child's own key is "id"
        item = replace(item, name="item_id")
    taken = {"id", item.name}
    refs = []
    for name in key.columns:
        column = parent.column(name)
        ref_name = _free_column_name(taken, _reference_name(parent.name, name))
        taken.add(ref_name)
        refs.append(Column(ref_name, column.type, nullable=False))
    new = Table(
        child,
        columns=(
            Column("id", ColumnType("bigint"), nullable=False, identity=True),
            *refs,
            item,
        ),
        primary_key=PrimaryKey(("id",), name=primary_key_name(child)),
    )
    ref_columns = tuple(c.name for c in refs)
    fk_name = foreign_key_name(child, ref_columns)
    fk = ForeignKey(ref_columns, parent.name, key.columns, name=fk_name, on_delete="CASCADE")
    # Joins and cascading deletes look rows up by the reference: it gets an index.
    index = Index(ref_columns, name=index_name(child, ref_columns))
    operations = (CreateTable(new), AddForeignKey(child, fk), CreateIndex(child, index))
    return (*operations, *_drop_columns(parent, dropped)), ""


def _drop_columns(table: Table, names: Sequence[str]) -> list[Operation]:
    """Dropping ``names`` from ``table``: first the indexes, unique constraints and checks that
    use them (the databases refuse or drop them along), then the columns."""
    doomed = set(names)

    def uses(element: Index | Exclusion) -> bool:
        return any(
            exclusion_with_column_renamed(element, name, _PROBE, table.name) != element  # type: ignore[arg-type]
            for name in doomed
        )

    operations: list[Operation] = [DropIndex(table.name, i) for i in table.indexes if uses(i)]
    operations += [DropExclusion(table.name, x) for x in table.exclusions if uses(x)]
    operations += [DropUnique(table.name, u) for u in table.uniques if doomed & set(u.columns)]
    operations += [
        DropCheck(table.name, c) for c in table.checks
        if any(rename_column_in(c.expression, n, _PROBE, table.name) != c.expression for n in doomed)
    ]
    operations += [DropColumn(table.name, table.column(name)) for name in names]
    return operations


# ---------------------------------------------------------------- sampling rows


def sample_rows(
    source: str | DatabaseURL | Database,
    schema: Schema,
    tables: Iterable[str] | None = None,
    limit: int = SAMPLE_LIMIT,
    *,
    timeout: float = QUERY_TIMEOUT_SECONDS,
) -> Samples:
    """Read up to ``limit`` rows of each of ``tables`` (default: every table of ``schema``, at
    most ``MAX_TABLES``) from a live database, only the columns the checks look at (not keys,
    not binary or JSON; at most ``MAX_COLUMNS``) and only those the database has. A table the
    database lacks or refuses to read is left out with a note. ``ConnectionFailed`` when the
    database cannot be reached."""
    names = list(tables) if tables is not None else [t.name for t in schema.tables]
    names = [n for n in names if schema.has_table(n)][:MAX_TABLES]
    if isinstance(source, Database):
        return _sample(source, schema, names, limit, timeout)
    url = parse_url(source) if isinstance(source, str) else source
    with connect(url, create=False, timeout=timeout) as database:
        return _sample(database, schema, names, limit, timeout)


def _sample(
    database: Database, schema: Schema, names: list[str], limit: int, timeout: float
) -> Samples:
    from ..dialects import get_dialect

    quote = get_dialect(database.dialect).quote
    _limit_query_time(database, timeout)
    deadline = time.monotonic() + TIME_BUDGET_FACTOR * timeout
    work = MAX_WORK
    read: dict[str, TableSample] = {}
    notes = []
    for name in names:
        table = schema.table(name)
        wanted = [c for c in _plain_columns(table) if _comparable(table.column(c).type)]
        wanted = wanted[:MAX_COLUMNS]
        if not wanted:
            continue
        if time.monotonic() > deadline:
            spent = TIME_BUDGET_FACTOR * timeout
            notes.append(f"{name}: not read (the sampling's {spent:g} seconds are spent)")
            continue
        try:
            live = _live_columns(database, quote(name))
            columns = [c for c in wanted if c in live]
            if not columns:
                notes.append(f"{name}: none of its columns to check is in the database")
                continue
            # The dependency check compares each pair of columns over each row: its work is
            # bounded here, by reading fewer rows once the budget runs short.
            rows_allowed = min(limit, work // len(columns) ** 2)
            if rows_allowed < min(limit, MIN_SAMPLE_ROWS):
                notes.append(f"{name}: not read (the sample is as large as the checks allow)")
                continue
            selected = ", ".join(quote(c) for c in columns)
            rows = database.query(f"SELECT {selected} FROM {quote(name)} LIMIT {int(rows_allowed)}")
        except Exception as exc:  # a table not made yet, no privilege, a timeout: others still count
            notes.append(f"{name}: not read ({_first_line(exc)})")
            continue
        work -= len(rows) * len(columns) ** 2
        values = tuple(tuple(_hashable(v) for v in row) for row in rows)
        read[name] = TableSample(tuple(columns), values)
    return Samples(read, tuple(notes))


def _live_columns(database: Database, quoted_table: str) -> set[str]:
    cursor = database.raw.cursor()
    try:
        cursor.execute(f"SELECT * FROM {quoted_table} WHERE 1 = 0")
        cursor.fetchall()
        return {d[0] for d in cursor.description or ()}
    finally:
        cursor.close()


def _limit_query_time(database: Database, timeout: float) -> None:
    statements = {
        "postgresql": [f"SET statement_timeout = {int(timeout * 1000)}"],
        # MariaDB's variable, then MySQL's (each server ignores, or refuses, the other's).
        "mysql": [
            f"SET SESSION max_statement_time = {float(timeout)}",
            f"SET SESSION max_execution_time = {int(timeout * 1000)}",
        ],
    }.get(database.dialect, [])
    for statement in statements:
        try:
            database.execute(statement)
        except Exception:
            pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------- small helpers


def _plain_columns(table: Table) -> list[str]:
    """Columns that are no key: not in the primary key, a foreign key, a unique constraint or a
    unique index, not counted or generated by the database."""
    keys: set[str] = set(table.primary_key.columns) if table.primary_key else set()
    for fk in table.foreign_keys:
        keys.update(fk.columns)
    for unique in table.uniques:
        keys.update(unique.columns)
    for index in table.indexes:
        if index.unique:
            keys.update(index.column_names)
    return [
        c.name for c in table.columns
        if c.name not in keys and not c.identity and c.generated is None
    ]


def _is_text(column_type: ColumnType) -> bool:
    if column_type.is_native:
        native = (column_type.native or "").lower()
        return ("char" in native or "text" in native) and "[]" not in native
    return column_type.kind in ("char", "varchar", "text")


def _comparable(column_type: ColumnType) -> bool:
    if column_type.is_native:
        return not _NOT_COMPARABLE.search(column_type.native or "")
    return column_type.kind not in ("json", "binary")


def _hashable(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (list, dict, set)):
        return repr(value)
    return value


def _name_limit(dialect: str | None) -> int:
    return 64 if dialect == "mysql" else 63


def _free_table_name(schema: Schema, wanted: str) -> str:
    name, n = wanted, 2
    while schema.has_table(name):
        name, n = fit_name(f"{wanted}_{n}"), n + 1
    return name


def _free_column_name(taken: set[str], wanted: str) -> str:
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    return name


def _named_as(schema: Schema, word: str) -> str:
    """``word`` as a new table's name: plural where most of the schema's tables are (or when
    it has none), singular where most are singular (Sakila's ``address``, Chinook's ``Invoice``)."""
    plural = sum(1 for t in schema.tables if _singular(t.name) != t.name)
    return _plural(word) if 2 * plural >= len(schema.tables) else _singular(word)


def _reference_name(table: str, key: str) -> str:
    """The name of a column referring to ``table``'s key column ``key``: ``customer_id`` for
    ``customers.id``; the key's own name when it names the table already (``address_id``)."""
    singular = _singular(table)
    if key.lower().startswith(singular.lower() + "_"):
        return key
    return f"{singular}_{key}"


def _plural(word: str) -> str:
    lower = word.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word if lower.endswith("s") and not lower.endswith("ss") else word + "es"
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word
