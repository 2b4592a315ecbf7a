"""A deterministic pair of large schemas for the benchmarks, and loading one into a live database.

``generate_pair(tables=1000, seed=1)`` returns ``(old, new)``: ``old`` has ``tables`` tables of
about ten columns each (a mix of logical types), primary keys, foreign keys to earlier tables,
uniques, indexes and checks; ``new`` is ``old`` after a realistic round of changes to about 5% of
its tables (columns added and dropped, types widened, defaults and nullability changed, indexes and
checks added or dropped) plus a few tables created and dropped. The same arguments always give the
same pair.

Every column, index and constraint is portable to PostgreSQL, MySQL/MariaDB and SQLite: no
literal defaults on text or JSON columns (MySQL 8 refuses them), indexes only on columns MySQL can
index without a prefix length, check expressions on plain lower-case column names.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from migrations_engine.naming import with_default_names  # noqa: E402
from migrations_engine.schema import (  # noqa: E402
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
from migrations_engine.types import ColumnType  # noqa: E402

NOUNS = (
    "account", "invoice", "order", "product", "customer", "shipment", "payment", "ticket",
    "project", "task", "comment", "document", "event", "user", "team", "report", "asset",
    "contract", "vendor", "warehouse",
)
ENUMS = (
    Enum("status", ("draft", "active", "archived")),
    Enum("priority", ("low", "normal", "high", "urgent")),
)

# (column name stem, type text, may carry a literal default, indexable by MySQL without a prefix)
COLUMN_KINDS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("name", "varchar(120)", None, True),
    ("code", "varchar(32)", "'none'", True),
    ("title", "varchar(255)", None, True),
    ("notes", "text", None, False),
    ("quantity", "integer", "0", True),
    ("grade", "smallint", "1", True),
    ("total", "decimal(12,2)", "0", True),
    ("ratio", "double", None, False),
    ("active", "boolean", "true", True),
    ("born_on", "date", None, True),
    ("created_at", "timestamp", "CURRENT_TIMESTAMP", True),
    ("seen_at", "timestamptz", None, True),
    ("token", "uuid", None, True),
    ("payload", "json", None, False),
    ("country", "char(2)", None, True),
    ("score", "float", None, False),
    ("big_count", "bigint", "0", True),
    ("state", "enum(status)", "'draft'", True),
    ("urgency", "enum(priority)", None, True),
)
_ENUM_WEIGHT = 0.15  # enum columns are rarer than the others


def generate_pair(tables: int = 1000, seed: int = 1, change_rate: float = 0.05) -> tuple[Schema, Schema]:
    """The ``(old, new)`` schema pair: ``tables`` tables in ``old``, ``new`` changed from it."""
    rng = random.Random(seed)
    old = generate_schema(tables, rng)
    new = change_schema(old, rng, change_rate)
    return old, new


def generate_schema(count: int, rng: random.Random) -> Schema:
    """``count`` tables, each with a primary key and ~10 columns; some reference earlier tables."""
    tables = [_table(i, rng, tables_before=i) for i in range(count)]
    return with_default_names(Schema(tables=tuple(tables), enums=ENUMS))


def _table_name(i: int) -> str:
    return f"{NOUNS[i % len(NOUNS)]}_{i:04d}"


def _pick_kinds(rng: random.Random, count: int) -> list[tuple[str, str, str | None, bool]]:
    weights = [_ENUM_WEIGHT if kind[1].startswith("enum") else 1.0 for kind in COLUMN_KINDS]
    picked: list[tuple[str, str, str | None, bool]] = []
    while len(picked) < count:
        kind = rng.choices(COLUMN_KINDS, weights)[0]
        if kind not in picked:
            picked.append(kind)
    return picked


def _column(stem: str, type_text: str, default: str | None, rng: random.Random) -> Column:
    column_type = ColumnType.parse(type_text)
    value = None
    if default is not None and rng.random() < 0.5:
        expression = default == "CURRENT_TIMESTAMP"
        value = Default(default.strip("'"), expression=expression)
    return Column(stem, column_type, nullable=rng.random() < 0.6, default=value)


def _table(i: int, rng: random.Random, tables_before: int) -> Table:
    name = _table_name(i)
    kinds = _pick_kinds(rng, rng.randint(5, 12))
    columns = [Column("id", ColumnType("bigint"), nullable=False, identity=rng.random() < 0.7)]
    columns += [_column(stem, type_text, default, rng) for stem, type_text, default, _ in kinds]
    foreign_keys = []
    for n in range(rng.choice((0, 0, 1, 1, 2)) if tables_before else 0):
        target = rng.randrange(tables_before)
        column = f"ref{n}_{_table_name(target)}_id"
        columns.append(Column(column, ColumnType("bigint"), nullable=rng.random() < 0.5))
        on_delete = rng.choice(("NO ACTION", "NO ACTION", "CASCADE", "SET NULL"))
        if on_delete == "SET NULL" and not columns[-1].nullable:
            on_delete = "CASCADE"
        foreign_keys.append(ForeignKey((column,), _table_name(target), ("id",), on_delete=on_delete))
    indexable = [stem for stem, _, _, ok in kinds if ok]
    indexes, uniques = [], []
    if indexable and rng.random() < 0.6:
        indexes.append(Index((rng.choice(indexable),)))
    if len(indexable) >= 2 and rng.random() < 0.25:
        indexes.append(Index(tuple(rng.sample(indexable, 2))))
    if indexable and rng.random() < 0.2:
        candidate = rng.choice(indexable)
        if all(candidate not in index.columns for index in indexes):
            uniques.append(Unique((candidate,)))
    checks = []
    numeric = [stem for stem, text, _, _ in kinds if text in ("integer", "smallint", "decimal(12,2)")]
    if numeric and rng.random() < 0.3:
        checks.append(Check(f"{rng.choice(numeric)} >= 0"))
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=tuple(foreign_keys),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(indexes),
    )


# ---------------------------------------------------------------- the second schema


def change_schema(old: Schema, rng: random.Random, rate: float = 0.05) -> Schema:
    """``old`` after one release's worth of changes: ``rate`` of its tables altered, a few tables
    added and a few unreferenced ones dropped."""
    tables = {table.name: table for table in old.tables}
    referenced = {fk.ref_table for table in old.tables for fk in table.foreign_keys}
    names = sorted(tables)
    changed = rng.sample(names, max(1, round(len(names) * rate)))
    for name in changed:
        tables[name] = _change_table(tables[name], rng)
    droppable = [n for n in names if n not in referenced and n not in changed]
    for name in rng.sample(droppable, min(len(droppable), max(1, len(names) // 200))):
        del tables[name]
    for n in range(max(1, len(names) // 200)):
        new = _table(len(names) + n, rng, tables_before=0)
        target = rng.choice(sorted(tables))
        new = replace(
            new,
            columns=(*new.columns, Column("owner_id", ColumnType("bigint"))),
            foreign_keys=(ForeignKey(("owner_id",), target, ("id",)),),
        )
        tables[new.name] = new
    return with_default_names(Schema(tables=tuple(tables.values()), enums=old.enums))


def _free_columns(table: Table) -> list[Column]:
    """Columns no key, index, check or foreign key uses: safe to drop or alter."""
    used = set(table.primary_key.columns if table.primary_key else ())
    for element in (*table.foreign_keys, *table.uniques, *table.indexes):
        used.update(element.columns)
    checked = {check.expression.split()[0] for check in table.checks}
    return [c for c in table.columns if c.name not in used and c.name not in checked]


def _change_table(table: Table, rng: random.Random) -> Table:
    for change in rng.sample(_CHANGES, rng.randint(1, 3)):
        table = change(table, rng)
    return table


def _add_column(table: Table, rng: random.Random) -> Table:
    stem, type_text, default, _ = rng.choice(COLUMN_KINDS[:11])
    name = f"{stem}_v2"
    if table.has_column(name):
        return table
    if default is not None and rng.random() < 0.5:
        column = Column(name, ColumnType.parse(type_text), nullable=False,
                        default=Default(default.strip("'"), expression=default == "CURRENT_TIMESTAMP"))
    else:
        column = Column(name, ColumnType.parse(type_text))
    return replace(table, columns=(*table.columns, column))


def _drop_column(table: Table, rng: random.Random) -> Table:
    free = _free_columns(table)
    if len(free) < 2:
        return table
    victim = rng.choice(free).name
    return replace(table, columns=tuple(c for c in table.columns if c.name != victim))


_WIDER = {"smallint": "integer", "integer": "bigint", "varchar(32)": "varchar(64)",
          "varchar(120)": "varchar(200)", "varchar(255)": "text", "float": "double",
          "char(2)": "varchar(8)", "decimal(12,2)": "decimal(16,2)"}


def _widen_type(table: Table, rng: random.Random) -> Table:
    candidates = [c for c in _free_columns(table) if str(c.type) in _WIDER and c.default is None]
    if not candidates:
        return table
    column = rng.choice(candidates)
    wider = ColumnType.parse(_WIDER[str(column.type)])
    return table.replace_column(column.name, replace(column, type=wider))


def _change_nullability(table: Table, rng: random.Random) -> Table:
    keys = {name for fk in table.foreign_keys for name in fk.columns}
    candidates = [c for c in table.columns
                  if c.name != "id" and c.name not in keys and c.type.kind not in ("json", "text")]
    if not candidates:
        return table
    column = rng.choice(candidates)
    return table.replace_column(column.name, replace(column, nullable=not column.nullable))


def _change_default(table: Table, rng: random.Random) -> Table:
    for column in rng.sample(table.columns, len(table.columns)):
        if column.default is not None and not column.default.expression:
            return table.replace_column(column.name, replace(column, default=None))
        if column.type.is_integer and column.name != "id" and not column.identity:
            default = Default(str(rng.randint(1, 9)))
            return table.replace_column(column.name, replace(column, default=default))
    return table


def _add_index(table: Table, rng: random.Random) -> Table:
    indexed = {cols for cols in (i.columns for i in table.indexes)}
    candidates = [c.name for c in table.columns
                  if c.type.kind in ("integer", "smallint", "bigint", "varchar", "date", "timestamp")
                  and (c.name,) not in indexed]
    name = f"{table.name}_v2_idx"
    if not candidates or any(index.name == name for index in table.indexes):
        return table
    return replace(table, indexes=(*table.indexes, Index((rng.choice(candidates),), name=name)))


def _drop_index(table: Table, rng: random.Random) -> Table:
    if not table.indexes:
        return _add_index(table, rng)
    victim = rng.choice(table.indexes).name
    return replace(table, indexes=tuple(i for i in table.indexes if i.name != victim))


def _add_check(table: Table, rng: random.Random) -> Table:
    numeric = [c.name for c in table.columns if c.type.is_integer and c.name != "id"]
    if not numeric:
        return table
    check = Check(f"{rng.choice(numeric)} < 1000000000", name=f"{table.name}_v2_check")
    return replace(table, checks=(*table.checks, check))


_CHANGES = (_add_column, _drop_column, _widen_type, _change_nullability, _change_default,
            _add_index, _drop_index, _add_check)


# ---------------------------------------------------------------- loading into a database


def creation_statements(schema: Schema, dialect: str) -> list[str]:
    """The SQL that builds ``schema`` in an empty database of ``dialect``."""
    from migrations_engine.render import render

    operations = creation_operations(schema, inline_foreign_keys=dialect == "sqlite")
    return [statement.sql for statement in render(operations, Schema(), dialect)]


def creation_operations(schema: Schema, inline_foreign_keys: bool = False) -> list:
    """``diff(Schema(), schema)``; with ``inline_foreign_keys``, each table is created whole instead.

    SQLite cannot add a foreign key to a table, so the diff's ``AddForeignKey`` rebuilds the
    table, 800 times for the full pair (minutes); it accepts a reference to a table not yet
    created, so creating each table with its foreign keys builds the same schema at once.
    """
    from migrations_engine.diff import diff
    from migrations_engine.operations import CreateEnum, CreateTable

    if inline_foreign_keys:
        return [*(CreateEnum(enum) for enum in schema.enums), *(CreateTable(t) for t in schema.tables)]
    return diff(Schema(), schema)


def load(schema: Schema, url: object) -> int:
    """Build ``schema`` in the empty database at ``url``; return the number of statements run.

    PostgreSQL and SQLite run the whole script in one transaction (their DDL is transactional);
    MySQL commits each DDL statement itself, so its foreign-key checks are switched off instead.
    """
    from migrations_engine.connection import connect

    with connect(url) as database:  # type: ignore[arg-type]
        statements = creation_statements(schema, database.dialect)
        if database.dialect == "mysql":
            database.execute("SET SESSION foreign_key_checks = 0")
            database.execute_script(statements)
        else:
            database.execute("BEGIN")
            database.execute_script(statements)
            database.execute("COMMIT")
    return len(statements)


if __name__ == "__main__":
    import argparse

    from migrations_engine.validate import problems

    parser = argparse.ArgumentParser(description="Generate the benchmark schema pair and report its size.")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    a, b = generate_pair(args.tables, args.seed)
    for label, s in (("old", a), ("new", b)):
        cols = sum(len(t.columns) for t in s.tables)
        fks = sum(len(t.foreign_keys) for t in s.tables)
        idx = sum(len(t.indexes) for t in s.tables)
        print(f"{label}: {len(s.tables)} tables, {cols} columns, {fks} foreign keys, {idx} indexes, "
              f"{len(problems(s))} problems")
