"""Hypothesis strategies: random valid schemas with awkward names, and random edits of them.

``schemas()`` draws one schema; ``schema_pairs()`` draws an old schema and a new one derived from
it by random edits that keep ids, so renames happen. Both give *unfinished* schemas: constraints
with a conventional name have ``name=None`` (so a renamed table or column changes their name, as
in the designer) and check expressions quote column names PostgreSQL's way. ``finish(schema,
dialect)`` quotes check expressions for a dialect and fills in the conventional names.

Every schema drawn can be created on PostgreSQL, MariaDB/MySQL and SQLite:

* names have spaces, quotes, backticks, reserved words, mixed case and non-ASCII letters, are at
  most 30 characters and 40 UTF-8 bytes, never end in a space, and are distinct under
  ``fold`` (MySQL compares column and index names case- and accent-insensitively, SQLite
  case-insensitively); table, enum, constraint and index names share one namespace (PostgreSQL
  keeps tables, indexes and types together, MySQL foreign key names are per database);
* keys, uniques, indexes and foreign keys use only types MySQL can index without a prefix length;
* foreign keys reference a primary key or unique constraint, column types equal;
* primary key columns are NOT NULL; an identity is the single integer primary key column;
* checks compare a number or a string column not used by a foreign key with a constant;
* literal defaults fit their column's type.

Tables, columns and enums carry ids nine times in ten, constraints half the time; elements without
one match by name in the diff, as a live database's do. ``ENGINE_HYPOTHESIS=explore`` switches
from the fixed, derandomised examples CI runs to fresh random ones (more of them, shrunk on failure).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from itertools import count
from typing import TypeVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from migrations_engine.naming import with_default_names
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

T = TypeVar("T")

# ------------------------------------------------------------------ settings

#: ``ENGINE_HYPOTHESIS=explore`` draws fresh random examples (and more of them) instead of the
#: fixed, derandomised ones CI runs.
EXPLORE = os.environ.get("ENGINE_HYPOTHESIS") == "explore"


def model_settings(max_examples: int = 200) -> settings:
    """Settings for properties of the pure model (fast: hundreds of examples)."""
    return settings(
        max_examples=max_examples * (5 if EXPLORE else 1),
        derandomize=not EXPLORE,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


def live_settings(max_examples: int = 20) -> settings:
    """Settings for properties checked on real databases: few examples, no shrinking in CI
    (each example costs two scratch databases; ``ENGINE_HYPOTHESIS=explore`` shrinks)."""
    phases = (Phase.explicit, Phase.generate, Phase.shrink) if EXPLORE else (Phase.explicit, Phase.generate)
    return settings(
        max_examples=max_examples,
        derandomize=not EXPLORE,
        database=None,
        deadline=None,
        phases=phases,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


# ------------------------------------------------------------------ drawing helpers

# Strategies are built once: building one per draw costs more than the draw itself.
BOOLS = st.booleans()


@cache
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def pick(draw: Callable, options: Sequence[T]) -> T:
    """One of ``options`` (not empty)."""
    return options[draw(ints(0, len(options) - 1))]


def pick_some(draw: Callable, options: Sequence[T], low: int, high: int) -> list[T]:
    """Between ``low`` and ``high`` distinct elements of ``options``, in a random order."""
    pool = list(options)
    chosen = []
    for _ in range(draw(ints(low, min(high, len(pool))))):
        chosen.append(pool.pop(draw(ints(0, len(pool) - 1))))
    return chosen


# ------------------------------------------------------------------ names

FRAGMENTS = (
    "select",
    "order",
    "user",
    "table",
    "group",
    "from",
    "key",
    "index",
    "default",
    "naïve",
    "表",
    "ß",
    "Straße",
    "MixedCase",
    "ÉtÉ",
    "a b",
    'x"y',
    "q`t",
    "it's",
    "o'k\"`",
    "id",
    "Name",
    "x",
)
_ALPHABET = "abcxyzABCXYZ019 _-\"'`ïß表é"
MAX_NAME_CHARS = 30
MAX_NAME_BYTES = 40


def fold(name: str) -> str:
    """The key under which MySQL or SQLite might consider two names the same."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ss", "s")


def _acceptable_name(name: str) -> bool:
    return (
        bool(name)
        and name == name.strip()
        and len(name) <= MAX_NAME_CHARS
        and len(name.encode("utf-8")) <= MAX_NAME_BYTES
        and not fold(name).startswith("sqlite_")
        and "__renaming" not in name
    )


def _compose(parts: list[str], separator: str, suffix: str) -> str:
    return (separator.join(parts) + suffix).strip()


_SEPARATORS = ("", " ", "_", "-")
_SUFFIXES = ("", "", "1", "2", " 3", "_X")
_RANDOM_PART = st.text(_ALPHABET, min_size=1, max_size=6)


@st.composite
def _names(draw: Callable) -> str:
    parts = [pick(draw, FRAGMENTS) if draw(ints(0, 3)) else draw(_RANDOM_PART) for _ in range(draw(ints(1, 2)))]
    return _compose(parts, pick(draw, _SEPARATORS), pick(draw, _SUFFIXES))


#: Awkward names: reserved words, quotes, backticks, spaces, mixed case, non-ASCII letters.
names = _names().filter(_acceptable_name)


class Namer:
    """Draws names not yet taken in one namespace, compared under ``fold``."""

    def __init__(self, draw: Callable, taken: set[str] | None = None) -> None:
        self.draw = draw
        self.taken = set(taken or ())

    def take(self, name: str) -> None:
        self.taken.add(fold(name))

    def fresh(self) -> str:
        for _ in range(5):
            name = self.draw(names)
            if fold(name) not in self.taken:
                break
        else:  # the simplest draws repeat themselves: still give an awkward name
            name = f"{FRAGMENTS[len(self.taken) % len(FRAGMENTS)]} {len(self.taken)}"
        self.take(name)
        return name


_ids = count(1)


def new_id(kind: str) -> str:
    return f"{kind}{next(_ids)}"


def maybe_id(draw: Callable, kind: str) -> str | None:
    """An id nine times in ten: elements without one (as read from a database) match by name."""
    return new_id(kind) if draw(ints(0, 9)) else None


# ------------------------------------------------------------------ types and defaults

_PRECISIONS = st.one_of(st.none(), st.integers(0, 6))


def _sized(kind: str, low: int, high: int) -> st.SearchStrategy[ColumnType]:
    return st.integers(low, high).map(lambda n: ColumnType(kind, length=n))


def _timed(kind: str) -> st.SearchStrategy[ColumnType]:
    return _PRECISIONS.map(lambda p: ColumnType(kind, precision=p))


decimals = st.one_of(
    st.just(ColumnType("decimal")),
    st.tuples(st.integers(1, 20), st.integers(0, 6)).map(lambda ps: ColumnType("decimal", precision=ps[0], scale=min(ps))),
)

#: Types every dialect can index as they are (no TEXT/BLOB/JSON: MySQL would need a prefix).
key_types = st.one_of(
    st.sampled_from([ColumnType(k) for k in ("smallint", "integer", "bigint", "date", "uuid")]),
    decimals,
    _sized("char", 1, 16),
    _sized("varchar", 1, 64),
    _sized("binary", 1, 16),
    st.integers(0, 6).map(lambda p: ColumnType("timestamp", precision=p)),
)
other_types = st.one_of(
    st.sampled_from([ColumnType(k) for k in ("float", "double", "boolean", "text", "json", "binary", "varchar")]),
    _sized("varchar", 65, 255),
    _timed("time"),
    _timed("timestamp"),
    _timed("timestamptz"),
)
native_types = st.sampled_from(
    [
        ColumnType("native", dialect="postgresql", native="inet"),
        ColumnType("native", dialect="mysql", native="mediumint unsigned"),
        ColumnType("native", dialect="sqlite", native="NUMERIC"),
    ]
)
#: Every logical kind but enums (which need an enum of the schema), and native types.
column_types = st.one_of(key_types, other_types, native_types)


def draw_type(draw: Callable, enums: tuple[Enum, ...], *, key: bool = False, natives: bool = False) -> ColumnType:
    if enums and draw(ints(0, 5)) == 0:
        return ColumnType("enum", enum=pick(draw, enums).name)
    if key or draw(BOOLS):
        return draw(key_types)
    if natives and draw(ints(0, 5)) == 0:
        return draw(native_types)
    return draw(other_types)


def is_key_type(column_type: ColumnType) -> bool:
    kind = column_type.kind
    if kind in ("smallint", "integer", "bigint", "date", "uuid", "decimal", "enum"):
        return True
    if kind in ("char", "varchar", "binary"):
        return column_type.length is not None and column_type.length <= 64
    return kind == "timestamp" and column_type.precision is not None


_TEXT_DEFAULTS = ("x", "it's", 'say "hi"', "naïve", "表")


def default_options(column_type: ColumnType, enums: tuple[Enum, ...]) -> list[Default | None]:
    """No default, and defaults that fit ``column_type`` on every dialect."""
    kind = column_type.kind
    literals: list[str] = []
    expressions: list[str] = []
    if column_type.is_integer:
        literals = ["0", "42", "-7"]
    elif kind == "decimal":
        literals = ["0"]
    elif kind in ("float", "double"):
        literals = ["1.5", "0"]
    elif kind == "boolean":
        literals = ["true", "false"]
    elif kind in ("char", "varchar") and column_type.length is not None:
        literals = [v for v in _TEXT_DEFAULTS if len(v) <= column_type.length]
    elif kind == "date":
        literals = ["2020-01-02"]
    elif kind == "time":
        literals = ["12:30:00"]
    elif kind in ("timestamp", "timestamptz"):
        literals = ["2020-01-02 03:04:05"]
        if column_type.precision is None:
            expressions = ["CURRENT_TIMESTAMP"]
    elif kind == "uuid":
        literals = ["00000000-0000-0000-0000-000000000001"]
    elif kind == "enum":
        literals = list(next(e for e in enums if e.name == column_type.enum).values)
    options: list[Default | None] = [None]
    return options + [Default(v) for v in literals] + [Default(v, expression=True) for v in expressions]


def draw_default(draw: Callable, column_type: ColumnType, enums: tuple[Enum, ...]) -> Default | None:
    return pick(draw, default_options(column_type, enums))


COMMENTS = (None, None, "a comment", "it's \"quoted\"", "naïve 表 `x`", "")


def draw_comment(draw: Callable) -> str | None:
    return pick(draw, COMMENTS)


# ------------------------------------------------------------------ checks

_CHECK = re.compile(r'^"((?:[^"]|"")*)" (.*)$', re.DOTALL)


def pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_for(column: Column) -> Check | None:
    """A check on ``column`` (None when its type takes none): ``"col" >= 0`` or ``"col" <> ''``."""
    if column.type.is_numeric:
        return Check(f"{pg_quote(column.name)} >= 0")
    if column.type.kind in ("char", "varchar", "text"):
        return Check(f"{pg_quote(column.name)} <> ''")
    return None


def check_column(check: Check) -> str:
    match = _CHECK.match(check.expression)
    assert match, check.expression
    return match.group(1).replace('""', '"')


def requote_check(check: Check, quote: Callable[[str], str]) -> Check:
    column = check_column(check)
    tail = check.expression[len(pg_quote(column)) :]
    return replace(check, expression=quote(column) + tail)


def finish(schema: Schema, dialect: str = "postgresql") -> Schema:
    """``schema`` as a dialect's tests use it: checks quoted for ``dialect``, names filled in."""
    if dialect != "postgresql" and any(t.checks for t in schema.tables):
        from migrations_engine.dialects import get_dialect

        quote = get_dialect(dialect).quote
        schema = replace(
            schema,
            tables=tuple(replace(t, checks=tuple(requote_check(c, quote) for c in t.checks)) for t in schema.tables),
        )
    return with_default_names(schema)


# ------------------------------------------------------------------ soundness of a drawn schema


def all_names(schema: Schema) -> list[str]:
    """Table, enum, constraint and index names: one namespace in our rules."""
    found = [t.name for t in schema.tables] + [e.name for e in schema.enums]
    for table in schema.tables:
        items = [table.primary_key, *table.foreign_keys, *table.uniques, *table.checks, *table.indexes]
        found += [item.name for item in items if item is not None and item.name]
    return found


def sound(schema: Schema) -> bool:
    """True when ``schema`` (finished) keeps every rule of the module docstring that edits can break."""
    finished = finish(schema)
    if problems(finished):
        return False
    folded = [fold(n) for n in all_names(finished)]
    if len(folded) != len(set(folded)):
        return False
    for table in finished.tables:
        columns = [fold(c.name) for c in table.columns]
        if len(columns) != len(set(columns)) or not table.columns:
            return False
        if not _keys_sound(table, finished):
            return False
    return True


def _keys_sound(table: Table, schema: Schema) -> bool:
    pk = table.primary_key
    if pk is not None and any(table.column(c).nullable for c in pk.columns):
        return False
    for column in table.columns:
        if column.identity and (pk is None or pk.columns != (column.name,) or column.default is not None):
            return False
    keyed = [*(u.columns for u in table.uniques), *(i.columns for i in table.indexes)]
    if pk is not None:
        keyed.append(pk.columns)
    for fk in table.foreign_keys:
        keyed.append(fk.columns)
        ref = schema.table(fk.ref_table)
        targets = [u.columns for u in ref.uniques] + ([ref.primary_key.columns] if ref.primary_key else [])
        if fk.ref_columns not in targets:
            return False
        if any(table.column(c).type != ref.column(r).type for c, r in zip(fk.columns, fk.ref_columns)):
            return False
        if any(table.column(c).identity for c in fk.columns):
            return False
    if any(not is_key_type(table.column(c).type) for cols in keyed for c in cols):
        return False
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    for check in table.checks:
        name = check_column(check)
        if not table.has_column(name) or name in fk_columns:
            return False
        column = table.column(name)
        if column.identity or check_for(column) is None or check_for(column).expression != check.expression:
            return False
    for cols in keyed:
        if len(set(cols)) != len(cols):
            return False
    return True


# ------------------------------------------------------------------ schemas


def _maybe_named(draw: Callable, namer: Namer, element: T) -> T:
    """Give a constraint an explicit awkward name one time in five, and an id half the time."""
    if draw(ints(0, 4)) == 0:
        element = replace(element, name=namer.fresh())
    if draw(BOOLS):
        element = replace(element, id=new_id("k"))
    return element


def draw_column(draw: Callable, namer: Namer, enums: tuple[Enum, ...], *, natives: bool = False, key: bool = False) -> Column:
    column_type = draw_type(draw, enums, key=key, natives=natives)
    return Column(
        name=namer.fresh(),
        type=column_type,
        nullable=draw(BOOLS),
        default=draw_default(draw, column_type, enums),
        comment=draw_comment(draw),
        id=maybe_id(draw, "c"),
    )


def draw_enum(draw: Callable, namer: Namer) -> Enum:
    values = Namer(draw)
    return Enum(namer.fresh(), tuple(values.fresh() for _ in range(draw(ints(1, 4)))), id=maybe_id(draw, "e"))


def draw_table(draw: Callable, namer: Namer, enums: tuple[Enum, ...], *, natives: bool = False) -> Table:
    """A table with columns, maybe a primary key (maybe an identity), uniques, indexes, checks."""
    columns_namer = Namer(draw)
    columns = [draw_column(draw, columns_namer, enums, natives=natives, key=draw(BOOLS)) for _ in range(draw(ints(1, 5)))]
    keyable = [c.name for c in columns if is_key_type(c.type)]
    table = Table(namer.fresh(), tuple(columns), comment=draw_comment(draw), id=maybe_id(draw, "t"))
    if keyable and draw(ints(0, 9)) < 7:
        table = _with_primary_key(draw, table, namer, keyable)
    used: set[tuple[str, ...]] = {table.primary_key.columns} if table.primary_key else set()
    for _ in range(draw(ints(0, 2))):
        table = _with_unique(draw, table, namer, used)
    for _ in range(draw(ints(0, 2))):
        table = _with_index(draw, table, namer, used)
    if draw(BOOLS):
        table = _with_check(draw, table, namer)
    return table


def _key_columns(draw: Callable, keyable: list[str]) -> tuple[str, ...]:
    return tuple(pick_some(draw, keyable, 1, 2))


def _with_primary_key(draw: Callable, table: Table, namer: Namer, keyable: list[str]) -> Table:
    columns = _key_columns(draw, keyable)
    table = replace(
        table,
        primary_key=_maybe_named(draw, namer, PrimaryKey(columns)),
        columns=tuple(replace(c, nullable=False) if c.name in columns else c for c in table.columns),
    )
    only = table.column(columns[0])
    if len(columns) == 1 and only.type.kind in ("integer", "bigint") and draw(ints(0, 2)) == 0:
        table = table.replace_column(only.name, replace(only, identity=True, default=None))
    return table


def _keyable(table: Table) -> list[str]:
    return [c.name for c in table.columns if is_key_type(c.type)]


def _with_unique(draw: Callable, table: Table, namer: Namer, used: set[tuple[str, ...]]) -> Table:
    keyable = _keyable(table)
    if not keyable:
        return table
    columns = _key_columns(draw, keyable)
    if columns in used:
        return table
    used.add(columns)
    return replace(table, uniques=(*table.uniques, _maybe_named(draw, namer, Unique(columns))))


def _with_index(draw: Callable, table: Table, namer: Namer, used: set[tuple[str, ...]]) -> Table:
    keyable = _keyable(table)
    if not keyable:
        return table
    columns = _key_columns(draw, keyable)
    if columns in used:
        return table
    used.add(columns)
    index = _maybe_named(draw, namer, Index(columns, unique=draw(BOOLS)))
    return replace(table, indexes=(*table.indexes, index))


def _with_check(draw: Callable, table: Table, namer: Namer) -> Table:
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    checked = {check_column(c) for c in table.checks}
    candidates = [
        c for c in table.columns if check_for(c) and not c.identity and c.name not in fk_columns and c.name not in checked
    ]
    if not candidates:
        return table
    check = _maybe_named(draw, namer, check_for(pick(draw, candidates)))
    return replace(table, checks=(*table.checks, check))


def _key_targets(table: Table) -> list[tuple[str, ...]]:
    targets = [u.columns for u in table.uniques]
    if table.primary_key is not None:
        targets.append(table.primary_key.columns)
    return targets


def _with_foreign_key(draw: Callable, schema: Schema, table_name: str, namer: Namer) -> Schema:
    """Add a foreign key from ``table_name`` to a key of any table (itself included), reusing
    columns of the right type when there are some and adding nullable ones otherwise."""
    table = schema.table(table_name)
    targets = [(t.name, cols) for t in schema.tables for cols in _key_targets(t)]
    if not targets:
        return schema
    ref_name, ref_columns = pick(draw, targets)
    ref = schema.table(ref_name) if ref_name != table_name else table
    used = {c for fk in table.foreign_keys for c in fk.columns} | {check_column(c) for c in table.checks}
    columns_namer = Namer(draw, {fold(c.name) for c in table.columns})
    local: list[str] = []
    for ref_column in ref_columns:
        wanted = ref.column(ref_column).type
        reuse = [
            c.name
            for c in table.columns
            if c.type == wanted and not c.identity and c.name not in used and c.name not in local
            and not (ref_name == table_name and c.name in ref_columns)
        ]
        if reuse and draw(BOOLS):
            local.append(pick(draw, reuse))
        else:
            column = Column(columns_namer.fresh(), wanted, comment=draw_comment(draw), id=new_id("c"))
            table = replace(table, columns=(*table.columns, column))
            local.append(column.name)
    if tuple(local) in {fk.columns for fk in table.foreign_keys}:
        return schema
    fk = ForeignKey(
        tuple(local),
        ref_name,
        tuple(ref_columns),
        on_delete=pick(draw, ("NO ACTION", "NO ACTION", "CASCADE", "RESTRICT")),
        on_update=pick(draw, ("NO ACTION", "NO ACTION", "CASCADE")),
    )
    table = replace(table, foreign_keys=(*table.foreign_keys, _maybe_named(draw, namer, fk)))
    return schema.replace_table(table_name, table)


@st.composite
def schemas(draw: Callable, *, max_tables: int = 4, natives: bool = False) -> Schema:
    """A random sound schema (unfinished: see the module docstring)."""
    namer = Namer(draw)
    enums = tuple(draw_enum(draw, namer) for _ in range(draw(ints(0, 2))))
    tables = [draw_table(draw, namer, enums, natives=natives) for _ in range(draw(ints(1, max_tables)))]
    schema = Schema(tables=tuple(tables), enums=enums)
    for table in tables:
        for _ in range(draw(ints(0, 2))):
            candidate = _with_foreign_key(draw, schema, table.name, namer)
            if sound(candidate):
                schema = candidate
    if not sound(schema):
        from hypothesis import assume

        assume(False)
    return schema


# ------------------------------------------------------------------ edits


class _Editor:
    """Random edits of a schema; each edit either gives a sound schema or is skipped."""

    def __init__(self, draw: Callable, schema: Schema) -> None:
        self.draw = draw
        self.schema = schema
        self.namer = Namer(draw, {fold(n) for n in all_names(finish(schema))})
        self.edits = [getattr(self, name) for name in dir(self) if name.startswith("edit_")]

    def run(self, n: int) -> Schema:
        for _ in range(n):
            edit = pick(self.draw, self.edits)
            try:
                candidate = edit(self.schema)
            except _Skip:
                continue
            if candidate is not None and candidate != self.schema and sound(candidate):
                self.schema = candidate
        return self.schema

    # -------------------------------------------------------------- helpers

    def table(self, schema: Schema, *, where: Callable[[Table], bool] = lambda t: True) -> Table:
        options = [t for t in schema.tables if where(t)]
        if not options:
            raise _Skip
        return pick(self.draw, options)

    def column(self, table: Table, *, where: Callable[[Column], bool] = lambda c: True) -> Column:
        options = [c for c in table.columns if where(c)]
        if not options:
            raise _Skip
        return pick(self.draw, options)

    def fresh_column_name(self, table: Table) -> str:
        return Namer(self.draw, {fold(c.name) for c in table.columns} | self.namer.taken).fresh()

    # -------------------------------------------------------------- tables

    def edit_rename_table(self, schema: Schema) -> Schema:
        table = self.table(schema)
        return rename_tables(schema, {table.name: self.namer.fresh()})

    def edit_swap_table_names(self, schema: Schema) -> Schema:
        if len(schema.tables) < 2:
            raise _Skip
        a, b = pick_some(self.draw, schema.tables, 2, 2)
        return rename_tables(schema, {a.name: b.name, b.name: a.name})

    def edit_take_old_name(self, schema: Schema) -> Schema:
        """Rename a table and create another under its old name."""
        table = self.table(schema)
        renamed = rename_tables(schema, {table.name: self.namer.fresh()})
        new = replace(draw_table(self.draw, self.namer, renamed.enums), name=table.name)
        return renamed.with_table(new)

    def edit_add_table(self, schema: Schema) -> Schema:
        table = draw_table(self.draw, self.namer, schema.enums)
        schema = schema.with_table(table)
        if self.draw(BOOLS):
            schema = _with_foreign_key(self.draw, schema, table.name, self.namer)
        return schema

    def edit_drop_table(self, schema: Schema) -> Schema:
        if len(schema.tables) < 2:
            raise _Skip
        table = self.table(schema)
        schema = schema.without_table(table.name)
        return _without_foreign_keys(schema, lambda t, fk: fk.ref_table == table.name)

    def edit_table_comment(self, schema: Schema) -> Schema:
        table = self.table(schema)
        return schema.replace_table(table.name, replace(table, comment=draw_comment(self.draw)))

    # -------------------------------------------------------------- columns

    def edit_rename_column(self, schema: Schema) -> Schema:
        table = self.table(schema)
        column = self.column(table)
        return rename_columns(schema, table.name, {column.name: self.fresh_column_name(table)})

    def edit_swap_column_names(self, schema: Schema) -> Schema:
        table = self.table(schema, where=lambda t: len(t.columns) >= 2)
        a, b = pick_some(self.draw, table.columns, 2, 2)
        return rename_columns(schema, table.name, {a.name: b.name, b.name: a.name})

    def edit_add_column(self, schema: Schema) -> Schema:
        table = self.table(schema)
        namer = Namer(self.draw, {fold(c.name) for c in table.columns})
        column = draw_column(self.draw, namer, schema.enums)
        return schema.replace_table(table.name, replace(table, columns=(*table.columns, column)))

    def edit_drop_column(self, schema: Schema) -> Schema:
        table = self.table(schema, where=lambda t: len(t.columns) >= 2)
        column = self.column(table)
        return drop_column(schema, table.name, column.name)

    def edit_change_type(self, schema: Schema) -> Schema:
        table = self.table(schema)
        in_fks = _foreign_key_columns(schema)
        column = self.column(table, where=lambda c: not c.identity and (table.name, c.name) not in in_fks)
        new_type = draw_related_type(self.draw, column.type)
        if _keyed(table, column.name) and not is_key_type(new_type):
            raise _Skip
        default = draw_default(self.draw, new_type, schema.enums)
        return schema.replace_table(table.name, table.replace_column(column.name, replace(column, type=new_type, default=default)))

    def edit_nullable(self, schema: Schema) -> Schema:
        table = self.table(schema)
        pk = table.primary_key.columns if table.primary_key else ()
        column = self.column(table, where=lambda c: c.name not in pk)
        return schema.replace_table(table.name, table.replace_column(column.name, replace(column, nullable=not column.nullable)))

    def edit_default(self, schema: Schema) -> Schema:
        table = self.table(schema)
        column = self.column(table, where=lambda c: not c.identity)
        default = draw_default(self.draw, column.type, schema.enums)
        return schema.replace_table(table.name, table.replace_column(column.name, replace(column, default=default)))

    def edit_column_comment(self, schema: Schema) -> Schema:
        table = self.table(schema)
        column = self.column(table)
        return schema.replace_table(table.name, table.replace_column(column.name, replace(column, comment=draw_comment(self.draw))))

    # -------------------------------------------------------------- keys, constraints, indexes

    def edit_primary_key(self, schema: Schema) -> Schema:
        table = self.table(schema, where=lambda t: not any(c.identity for c in t.columns))
        if table.primary_key is not None:
            schema = _without_foreign_keys(
                schema, lambda t, fk: fk.ref_table == table.name and fk.ref_columns == table.primary_key.columns
            )
            return schema.replace_table(table.name, replace(schema.table(table.name), primary_key=None))
        keyable = _keyable(table)
        if not keyable:
            raise _Skip
        return schema.replace_table(table.name, _with_primary_key(self.draw, table, self.namer, keyable))

    def edit_add_unique(self, schema: Schema) -> Schema:
        table = self.table(schema)
        return schema.replace_table(table.name, _with_unique(self.draw, table, self.namer, _used_keys(table)))

    def edit_drop_unique(self, schema: Schema) -> Schema:
        table = self.table(schema, where=lambda t: bool(t.uniques))
        unique = pick(self.draw, table.uniques)
        schema = _without_foreign_keys(schema, lambda t, fk: fk.ref_table == table.name and fk.ref_columns == unique.columns)
        current = schema.table(table.name)
        return schema.replace_table(table.name, replace(current, uniques=tuple(u for u in current.uniques if u != unique)))

    def edit_add_index(self, schema: Schema) -> Schema:
        table = self.table(schema)
        return schema.replace_table(table.name, _with_index(self.draw, table, self.namer, _used_keys(table)))

    def edit_change_index(self, schema: Schema) -> Schema:
        """Drop an index, or flip whether it is unique."""
        table = self.table(schema, where=lambda t: bool(t.indexes))
        index = pick(self.draw, table.indexes)
        rest = tuple(i for i in table.indexes if i != index)
        if self.draw(BOOLS):
            rest = (*rest, replace(index, unique=not index.unique))
        return schema.replace_table(table.name, replace(table, indexes=rest))

    def edit_checks(self, schema: Schema) -> Schema:
        table = self.table(schema)
        if table.checks and self.draw(BOOLS):
            gone = pick(self.draw, table.checks)
            return schema.replace_table(table.name, replace(table, checks=tuple(c for c in table.checks if c != gone)))
        return schema.replace_table(table.name, _with_check(self.draw, table, self.namer))

    def edit_add_foreign_key(self, schema: Schema) -> Schema:
        table = self.table(schema)
        return _with_foreign_key(self.draw, schema, table.name, self.namer)

    def edit_change_foreign_key(self, schema: Schema) -> Schema:
        """Drop a foreign key, or change its ON DELETE action."""
        table = self.table(schema, where=lambda t: bool(t.foreign_keys))
        fk = pick(self.draw, table.foreign_keys)
        rest = tuple(f for f in table.foreign_keys if f != fk)
        if self.draw(BOOLS):
            action = pick(self.draw, [a for a in ("NO ACTION", "CASCADE", "RESTRICT") if a != fk.on_delete])
            rest = (*rest, replace(fk, on_delete=action))
        return schema.replace_table(table.name, replace(table, foreign_keys=rest))

    def edit_rename_constraint(self, schema: Schema) -> Schema:
        """Give a key, constraint or index an explicit new name (its id kept)."""
        table = self.table(schema)
        attr = self._named_kind(table)
        items = list(_elements(finish_table(schema, table.name), attr))
        index = self.draw(ints(0, len(items) - 1))
        items[index] = replace(items[index], name=self.namer.fresh())
        return schema.replace_table(table.name, _with_elements(table, attr, items))

    def edit_swap_constraint_names(self, schema: Schema) -> Schema:
        """Swap the names of two constraints (or two indexes) of one table."""
        table = self.table(schema)
        attr = self._named_kind(table, at_least=2)
        items = list(_elements(finish_table(schema, table.name), attr))
        i, j = pick_some(self.draw, range(len(items)), 2, 2)
        items[i], items[j] = replace(items[i], name=items[j].name), replace(items[j], name=items[i].name)
        return schema.replace_table(table.name, _with_elements(table, attr, items))

    def edit_take_index_name(self, schema: Schema) -> Schema:
        """Rename an index and create another one under its old name."""
        table = self.table(schema, where=lambda t: bool(t.indexes))
        items = list(finish_table(schema, table.name).indexes)
        index = self.draw(ints(0, len(items) - 1))
        old_name = items[index].name
        items[index] = replace(items[index], name=self.namer.fresh())
        table = replace(table, indexes=tuple(items))
        grown = _with_index(self.draw, table, self.namer, _used_keys(table))
        added = [i for i in grown.indexes if i not in table.indexes]
        if not added:
            raise _Skip
        return schema.replace_table(table.name, replace(table, indexes=(*table.indexes, replace(added[0], name=old_name))))

    def _named_kind(self, table: Table, at_least: int = 1) -> str:
        kinds = [attr for attr in ("foreign_keys", "uniques", "checks", "indexes") if len(getattr(table, attr)) >= at_least]
        if at_least == 1 and table.primary_key is not None:
            kinds.append("primary_key")
        if not kinds:
            raise _Skip
        return pick(self.draw, kinds)

    # -------------------------------------------------------------- enums

    def edit_add_enum(self, schema: Schema) -> Schema:
        enum = draw_enum(self.draw, self.namer)
        schema = replace(schema, enums=(*schema.enums, enum))
        if self.draw(BOOLS):
            table = self.table(schema)
            column = Column(self.fresh_column_name(table), ColumnType("enum", enum=enum.name), id=new_id("c"))
            schema = schema.replace_table(table.name, replace(table, columns=(*table.columns, column)))
        return schema

    def edit_rename_enum(self, schema: Schema) -> Schema:
        if not schema.enums:
            raise _Skip
        enum = pick(self.draw, schema.enums)
        return rename_enum(schema, enum.name, self.namer.fresh())

    def edit_enum_values(self, schema: Schema) -> Schema:
        """Add a value somewhere, or remove one (columns defaulting to it lose their default)."""
        if not schema.enums:
            raise _Skip
        enum = pick(self.draw, schema.enums)
        values = list(enum.values)
        if len(values) > 1 and self.draw(BOOLS):
            gone = values.pop(self.draw(ints(0, len(values) - 1)))
            schema = _without_default(schema, enum.name, gone)
        else:
            namer = Namer(self.draw, {fold(v) for v in values})
            values.insert(self.draw(ints(0, len(values))), namer.fresh())
        return schema.replace_enum(enum.name, replace(enum, values=tuple(values)))

    def edit_drop_enum(self, schema: Schema) -> Schema:
        """Drop an enum; its columns become varchar(64) first."""
        if not schema.enums:
            raise _Skip
        enum = pick(self.draw, schema.enums)
        if any(
            (t.name, c.name) in _foreign_key_columns(schema) for t, c in schema.columns_of_enum(enum.name)
        ):
            raise _Skip
        for table, column in schema.columns_of_enum(enum.name):
            current = schema.table(table.name)
            schema = schema.replace_table(
                table.name, current.replace_column(column.name, replace(column, type=ColumnType("varchar", length=64)))
            )
        return replace(schema, enums=tuple(e for e in schema.enums if e.name != enum.name))


class _Skip(Exception):
    """The drawn edit does not apply to this schema."""


@st.composite
def schema_pairs(
    draw: Callable, *, max_tables: int = 4, min_edits: int = 1, max_edits: int = 6, natives: bool = False
) -> tuple[Schema, Schema]:
    """An old schema and a new one made from it by random edits (unfinished)."""
    old = draw(schemas(max_tables=max_tables, natives=natives))
    new = _Editor(draw, old).run(draw(ints(min_edits, max_edits)))
    return old, new


# ------------------------------------------------------------------ schema surgery used by the edits


def finish_table(schema: Schema, name: str) -> Table:
    """The table with its conventional names filled in."""
    return with_default_names(Schema(tables=(schema.table(name),))).tables[0]


def _elements(table: Table, attr: str) -> tuple:
    if attr == "primary_key":
        return (table.primary_key,)
    return getattr(table, attr)


def _with_elements(table: Table, attr: str, items: list) -> Table:
    return replace(table, **{attr: items[0] if attr == "primary_key" else tuple(items)})


def _foreign_key_columns(schema: Schema) -> set[tuple[str, str]]:
    """(table, column) of every column a foreign key uses or references."""
    found = set()
    for table in schema.tables:
        for fk in table.foreign_keys:
            found |= {(table.name, c) for c in fk.columns} | {(fk.ref_table, c) for c in fk.ref_columns}
    return found


def _keyed(table: Table, column: str) -> bool:
    keys = [*(u.columns for u in table.uniques), *(i.columns for i in table.indexes)]
    if table.primary_key is not None:
        keys.append(table.primary_key.columns)
    return any(column in cols for cols in keys)


def _used_keys(table: Table) -> set[tuple[str, ...]]:
    used = {u.columns for u in table.uniques} | {i.columns for i in table.indexes}
    return used | ({table.primary_key.columns} if table.primary_key else set())


_NUMERIC_TYPES = st.one_of(
    st.sampled_from([ColumnType(k) for k in ("smallint", "integer", "bigint", "float", "double")]), decimals
)
_TEXT_TYPES = st.one_of(
    _sized("char", 1, 16), _sized("varchar", 1, 255), st.sampled_from([ColumnType("text"), ColumnType("varchar")])
)
_TIME_TYPES = {
    "time": _timed("time"),
    "timestamp": st.one_of(_timed("timestamp"), _timed("timestamptz")),
    "timestamptz": st.one_of(_timed("timestamp"), _timed("timestamptz")),
}


def draw_related_type(draw: Callable, column_type: ColumnType) -> ColumnType:
    """A type a column of ``column_type`` can change to on every dialect without a custom cast."""
    kind = column_type.kind
    if column_type.is_numeric:
        return draw(_NUMERIC_TYPES)
    if kind in ("char", "varchar", "text", "enum"):
        return draw(_TEXT_TYPES)
    if kind in _TIME_TYPES:
        return draw(_TIME_TYPES[kind])
    return column_type


def _without_foreign_keys(schema: Schema, gone: Callable[[Table, ForeignKey], bool]) -> Schema:
    return replace(
        schema,
        tables=tuple(replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if not gone(t, fk))) for t in schema.tables),
    )


def _without_default(schema: Schema, enum: str, value: str) -> Schema:
    for table, column in schema.columns_of_enum(enum):
        if column.default == Default(value):
            current = schema.table(table.name)
            schema = schema.replace_table(table.name, current.replace_column(column.name, replace(column, default=None)))
    return schema


def rename_tables(schema: Schema, renames: dict[str, str]) -> Schema:
    """Rename tables (a mapping, so swaps work), following every foreign key."""
    tables = []
    for table in schema.tables:
        fks = tuple(replace(fk, ref_table=renames.get(fk.ref_table, fk.ref_table)) for fk in table.foreign_keys)
        tables.append(replace(table, name=renames.get(table.name, table.name), foreign_keys=fks))
    return replace(schema, tables=tuple(tables))


def rename_columns(schema: Schema, table_name: str, renames: dict[str, str]) -> Schema:
    """Rename columns of one table (a mapping, so swaps work) everywhere they are named."""

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(renames.get(n, n) for n in names)

    table = schema.table(table_name)
    pk = table.primary_key
    table = replace(
        table,
        columns=tuple(replace(c, name=renames.get(c.name, c.name)) for c in table.columns),
        primary_key=replace(pk, columns=cols(pk.columns)) if pk else None,
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in table.uniques),
        indexes=tuple(replace(i, columns=cols(i.columns)) for i in table.indexes),
        checks=tuple(_renamed_check(c, renames) for c in table.checks),
        foreign_keys=tuple(replace(fk, columns=cols(fk.columns)) for fk in table.foreign_keys),
    )
    schema = schema.replace_table(table_name, table)
    tables = []
    for other in schema.tables:
        fks = tuple(
            replace(fk, ref_columns=cols(fk.ref_columns)) if fk.ref_table == table_name else fk for fk in other.foreign_keys
        )
        tables.append(replace(other, foreign_keys=fks))
    return replace(schema, tables=tuple(tables))


def _renamed_check(check: Check, renames: dict[str, str]) -> Check:
    column = check_column(check)
    if column not in renames:
        return check
    tail = check.expression[len(pg_quote(column)) :]
    return replace(check, expression=pg_quote(renames[column]) + tail)


def drop_column(schema: Schema, table_name: str, column: str) -> Schema:
    """Drop a column with every key, constraint and index using it, and the foreign keys that
    used or referenced those keys."""
    table = schema.table(table_name)
    pk = table.primary_key
    gone_keys = [u.columns for u in table.uniques if column in u.columns]
    if pk is not None and column in pk.columns:
        gone_keys.append(pk.columns)
    schema = _without_foreign_keys(
        schema,
        lambda t, fk: (t.name == table_name and column in fk.columns)
        or (fk.ref_table == table_name and (column in fk.ref_columns or fk.ref_columns in gone_keys)),
    )
    table = schema.table(table_name)
    table = replace(
        table,
        columns=tuple(c for c in table.columns if c.name != column),
        primary_key=None if pk is not None and column in pk.columns else table.primary_key,
        uniques=tuple(u for u in table.uniques if column not in u.columns),
        indexes=tuple(i for i in table.indexes if column not in i.columns),
        checks=tuple(c for c in table.checks if check_column(c) != column),
    )
    return schema.replace_table(table_name, table)


def rename_enum(schema: Schema, old: str, new: str) -> Schema:
    schema = schema.replace_enum(old, replace(schema.enum(old), name=new))
    for table, column in schema.columns_of_enum(old):
        current = schema.table(table.name)
        schema = schema.replace_table(
            table.name, current.replace_column(column.name, replace(column, type=ColumnType("enum", enum=new)))
        )
    return schema


# ------------------------------------------------------------------ a fixed example


def sample_schema() -> Schema:
    """A small schema using every feature of the model (finished: every name filled in)."""
    mood = Enum("mood", ("happy", "it's ok", "sad"), id="e-mood")
    users = Table(
        "user",
        columns=(
            Column("id", ColumnType("bigint"), nullable=False, identity=True, id="c-user-id"),
            Column("e-mail", ColumnType("varchar", length=255), nullable=False, comment="login", id="c-user-mail"),
            Column("naïve 表", ColumnType("enum", enum="mood"), default=Default("happy"), id="c-user-mood"),
            Column("created", ColumnType("timestamptz"), nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True)),
            Column("address", ColumnType("native", dialect="postgresql", native="inet")),
        ),
        primary_key=PrimaryKey(("id",), id="k-user-pk"),
        uniques=(Unique(("e-mail",), id="k-user-mail"),),
        comment="people who log in",
        id="t-user",
    )
    orders = Table(
        "order",
        columns=(
            Column("id", ColumnType("integer"), nullable=False),
            Column("user id", ColumnType("bigint"), nullable=False),
            Column("total", ColumnType("decimal", precision=10, scale=2), default=Default("0")),
            Column("parent", ColumnType("integer")),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(
            ForeignKey(("user id",), "user", ("id",), on_delete="CASCADE", on_update="RESTRICT"),
            ForeignKey(("parent",), "order", ("id",), name="order parent"),
        ),
        checks=(Check('"total" >= 0'),),
        indexes=(Index(("user id", "total"), unique=True), Index(("parent",), where='"parent" IS NOT NULL', name="with parent")),
    )
    return with_default_names(Schema(tables=(users, orders), enums=(mood,)))
