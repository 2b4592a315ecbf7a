"""Structural checks of a schema: what must hold before it can be diffed or rendered.

Names: a table's constraints (primary key, foreign keys, uniques, checks, exclusions) have distinct
names, and so have its indexes. Primary keys, unique and exclusion constraints and indexes are all
indexes on PostgreSQL (and MySQL, for uniques), whose index names are per schema (PostgreSQL,
SQLite): so their names are distinct across the whole schema, and no constraint of that kind shares
a name with an index.
"""

from __future__ import annotations

from collections import Counter

from .expressions import expression_problems
from .schema import Schema, Table
from .type_checks import type_problems
from .validate_objects import object_problems


def _duplicates(names: list[str]) -> list[str]:
    return [name for name, count in Counter(names).items() if count > 1]


def _table_problems(table: Table, schema: Schema, dialect: str | None = None) -> list[str]:
    where = f"table {table.name!r}"
    found = [f"{where}: column {n!r} appears twice" for n in _duplicates(list(table.column_names))]
    columns = set(table.column_names)

    def missing(kind: str, name: str | None, cols: tuple[str, ...]) -> None:
        if not cols:
            found.append(f"{where}: {kind} {name or ''} has no columns".replace("  ", " "))
        for col in cols:
            if col not in columns:
                found.append(f"{where}: {kind} {name or ''} names unknown column {col!r}".replace("  ", " "))

    if table.primary_key is not None:
        missing("primary key", table.primary_key.name, table.primary_key.columns)
    for unique in table.uniques:
        missing("unique constraint", unique.name, unique.columns)
    for index in table.indexes:
        if index.column_names or not index.columns:
            missing("index", index.name, index.column_names)  # expressions are checked below
        if index.keys and len(index.keys) != len(index.columns):
            found.append(f"{where}: index {index.name or ''} has {len(index.columns)} elements but {len(index.keys)} keys")
    for exclusion in table.exclusions:
        missing("exclusion constraint", exclusion.name, exclusion.column_names if exclusion.columns else ())
        if len(exclusion.operators) != len(exclusion.columns):
            found.append(f"{where}: exclusion constraint {exclusion.name or ''} has {len(exclusion.columns)} elements but {len(exclusion.operators)} operators")
        if exclusion.keys and len(exclusion.keys) != len(exclusion.columns):
            found.append(f"{where}: exclusion constraint {exclusion.name or ''} has {len(exclusion.columns)} elements but {len(exclusion.keys)} keys")
    for fk in table.foreign_keys:
        missing("foreign key", fk.name, fk.columns)
        if len(fk.columns) != len(fk.ref_columns):
            found.append(f"{where}: foreign key {fk.name or ''} has {len(fk.columns)} columns but references {len(fk.ref_columns)}")
        if not schema.has_table(fk.ref_table):
            found.append(f"{where}: foreign key {fk.name or ''} references unknown table {fk.ref_table!r}")
        else:
            ref = schema.table(fk.ref_table)
            for col in fk.ref_columns:
                if not ref.has_column(col):
                    found.append(f"{where}: foreign key {fk.name or ''} references unknown column {fk.ref_table}.{col}")
    for column in table.columns:
        if column.type.kind == "enum" and not schema.has_enum(column.type.enum or ""):
            found.append(f"{where}: column {column.name!r} uses unknown enum {column.type.enum!r}")
        found += [f"{where}: column {column.name!r}: {problem}" for problem in type_problems(column.type, dialect)]
    found += _expression_problems(table, dialect)
    names = [c.name for c in (*table.foreign_keys, *table.uniques, *table.checks, *table.exclusions) if c.name]
    if table.primary_key and table.primary_key.name:
        names.append(table.primary_key.name)
    found += [f"{where}: constraint name {n!r} used twice" for n in _duplicates(names)]
    found += [f"{where}: index name {n!r} used twice" for n in _duplicates([i.name for i in table.indexes if i.name])]
    index_names = {i.name for i in table.indexes if i.name}
    found += [
        f"{where}: name {n!r} used by a constraint and an index"
        for n in _keyed_names(table)
        if n in index_names
    ]
    return [f.replace("  ", " ") for f in found]


def _expression_problems(table: Table, dialect: str | None) -> list[str]:
    """Checks, index and exclusion conditions and expressions, expression defaults and generated
    columns that would not stay one expression in the SQL, or name columns the table lacks
    (``expressions.expression_problems``, lenient: text sqlglot cannot read passes when it is
    safe, as a database may have written it)."""
    where = f"table {table.name!r}"
    found = [
        f"{where}: {what} {text!r} {problem}"
        for what, text, columns in _expressions(table)
        for problem in expression_problems(text, dialect, columns, table=table.name, strict=False)
    ]
    found += [
        f"{where}: generated column {column.name!r} cannot have a default"
        for column in table.columns
        if column.generated is not None and column.default is not None
    ]
    return found


def _expressions(table: Table) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """Every SQL expression of ``table``: (what it is, its text, the columns it may name; None:
    none, as for a default)."""
    columns = table.column_names
    found: list[tuple[str, str, tuple[str, ...] | None]] = []
    found += [(f"check {c.name or ''}", c.expression, columns) for c in table.checks]
    for kind, elements in (("index", table.indexes), ("exclusion constraint", table.exclusions)):
        for element in elements:
            if element.where:
                found.append((f"{kind} {element.name or ''} condition", element.where, columns))
            found += [
                (f"{kind} {element.name or ''} expression", text, columns)
                for n, text in enumerate(element.columns)
                if element.key(n).expression
            ]
    for column in table.columns:
        if column.default is not None and column.default.expression:
            found.append((f"default of column {column.name!r}", column.default.value, None))
        if column.generated is not None:
            found.append((f"generated column {column.name!r}", column.generated.expression, columns))
    return found


def unchecked_expressions(schema: Schema, dialect: str | None = None) -> list[str]:
    """Expressions kept as read because sqlglot cannot parse them (a database accepted them, so
    ``problems`` lets them through): their columns and functions went unchecked. One sentence
    each, for a note beside a diff or an inspection."""
    notes = []
    for table in schema.tables:
        for what, text, columns in _expressions(table):
            if expression_problems(text, dialect, columns, table=table.name, strict=False):
                continue  # a problem of its own, reported by ``problems``
            strict = expression_problems(text, dialect, columns, table=table.name)
            if any(problem.startswith("cannot be read as SQL") for problem in strict):
                notes.append(f"table {table.name!r}: {what} {text!r} was kept as written, unchecked (sqlglot cannot read it)")
    return [note.replace("  ", " ") for note in notes]


def _keyed_names(table: Table) -> list[str]:
    """Names of the constraints that are indexes too: the primary key, unique and exclusion
    constraints."""
    keys = [table.primary_key, *table.uniques, *table.exclusions] if table.primary_key else [*table.uniques, *table.exclusions]
    return list(dict.fromkeys(k.name for k in keys if k.name))


def _index_names_across_tables(schema: Schema) -> list[str]:
    """Index, primary key and unique names found in more than one table."""
    tables_of: dict[str, list[str]] = {}
    for table in schema.tables:
        names = {i.name for i in table.indexes if i.name} | set(_keyed_names(table))
        for name in sorted(names):
            tables = tables_of.setdefault(name, [])
            if table.name not in tables:  # a table listed twice is reported as such
                tables.append(table.name)
    return [
        f"index or key name {name!r} used in tables {', '.join(map(repr, tables))}"
        " (index names are per schema)"
        for name, tables in tables_of.items()
        if len(tables) > 1
    ]


def problems(schema: Schema, *, index_names_per_schema: bool = True, dialect: str | None = None) -> list[str]:
    """Every structural problem of ``schema`` as a sentence; empty when it is sound.

    ``index_names_per_schema=False`` allows one index name in several tables, as MySQL does:
    snapshots read from a MySQL database must load. ``dialect``: expressions are read as that
    database's SQL (else as the first of PostgreSQL, SQLite, MySQL that reads them), and type
    arguments checked against its limits (else only against what no database takes).
    """
    found = [f"table {n!r} appears twice" for n in _duplicates([t.name for t in schema.tables])]
    found += [f"enum {n!r} appears twice" for n in _duplicates([e.name for e in schema.enums])]
    for enum in schema.enums:
        if not enum.values:
            found.append(f"enum {enum.name!r} has no values")
        found += [f"enum {enum.name!r}: value {v!r} appears twice" for v in _duplicates(list(enum.values))]
    for table in schema.tables:
        found += _table_problems(table, schema, dialect)
    found += object_problems(schema)
    if index_names_per_schema:
        found += _index_names_across_tables(schema)
    return found
