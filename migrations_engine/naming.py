"""One deterministic convention for constraint and index names left unnamed.

    primary key   <table>_pkey
    foreign key   <table>_<columns>_fkey
    unique        <table>_<columns>_key
    check         <table>_<hash of expression>_check
    index         <table>_<columns>_idx   (unique indexes too)
    exclusion     <table>_<columns>_excl  (INCLUDE columns too; an expression counts as ``expr``)

Names longer than ``MAX_NAME_LENGTH`` (63, PostgreSQL's limit; MySQL allows 64) are cut and end in
an 8-hex-digit hash of the full name, so they stay unique and stable.

A conventional name already taken gets a number, as PostgreSQL does (``t_a_idx1``, ``t_a_idx2``):
taken within the table (constraints and indexes share one set of names) or, for the names of
primary keys, unique and exclusion constraints and indexes (indexes on PostgreSQL), anywhere in
the schema. Explicit names are never changed; unnamed elements are numbered in the canonical order
of tables and, within a table, primary key, foreign keys, uniques, checks, indexes, exclusions
(each sorted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from .schema import Check, Exclusion, ForeignKey, Index, PrimaryKey, Schema, Table, Unique

MAX_NAME_LENGTH = 63

E = TypeVar("E", PrimaryKey, ForeignKey, Unique, Check, Index, Exclusion)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def fit_name(name: str, limit: int = MAX_NAME_LENGTH) -> str:
    """``name`` itself when short enough, else a cut prefix plus a hash of the whole name."""
    if len(name.encode("utf-8")) <= limit and len(name) <= limit:
        return name
    suffix = "_" + _short_hash(name)
    prefix = name
    while len((prefix + suffix).encode("utf-8")) > limit:
        prefix = prefix[:-1]
    return prefix + suffix


def primary_key_name(table: str) -> str:
    return fit_name(f"{table}_pkey")


def foreign_key_name(table: str, columns: tuple[str, ...]) -> str:
    return fit_name(f"{table}_{'_'.join(columns)}_fkey")


def unique_name(table: str, columns: tuple[str, ...]) -> str:
    return fit_name(f"{table}_{'_'.join(columns)}_key")


def check_name(table: str, expression: str) -> str:
    return fit_name(f"{table}_{_short_hash(expression)}_check")


def index_name(table: str, columns: tuple[str, ...]) -> str:
    return fit_name(f"{table}_{'_'.join(columns)}_idx")


def exclusion_name(table: str, exclusion: Exclusion) -> str:
    columns = [
        "expr" if exclusion.key(n).expression else column for n, column in enumerate(exclusion.columns)
    ]
    return fit_name(f"{table}_{'_'.join([*columns, *exclusion.include])}_excl")


def _elements(table: Table) -> list[PrimaryKey | ForeignKey | Unique | Check | Index | Exclusion]:
    pk = [table.primary_key] if table.primary_key is not None else []
    return [*pk, *table.foreign_keys, *table.uniques, *table.checks, *table.indexes, *table.exclusions]


def _is_index(item: object) -> bool:
    """True for the elements PostgreSQL keeps as indexes, whose names are per schema."""
    return isinstance(item, (PrimaryKey, Unique, Index, Exclusion))


class _Names:
    """The names taken so far: in each table, and by indexes anywhere in the schema."""

    def __init__(self, schema: Schema) -> None:
        self.in_table = {t.name: {i.name for i in _elements(t) if i.name} for t in schema.tables}
        self.indexes = {
            i.name for t in schema.tables for i in _elements(t) if i.name and _is_index(i)
        }

    def free(self, table: str, item: object, name: str) -> str:
        """``name``, or the first of ``name1``, ``name2``… not yet taken; then taken."""
        taken = self.in_table[table]
        candidate, n = name, 0
        while candidate in taken or (_is_index(item) and candidate in self.indexes):
            n += 1
            candidate = fit_name(f"{name}{n}")
        taken.add(candidate)
        if _is_index(item):
            self.indexes.add(candidate)
        return candidate


def _fill(
    items: tuple[E, ...], conventional: Callable[[E], str], free: Callable[[E, str], str]
) -> tuple[E, ...]:
    return tuple(i if i.name else replace(i, name=free(i, conventional(i))) for i in items)


def _named_table(table: Table, names: _Names) -> Table:
    t = table.name

    def free(item: PrimaryKey | ForeignKey | Unique | Check | Index | Exclusion, name: str) -> str:
        return names.free(t, item, name)

    pk = table.primary_key
    if pk is not None and pk.name is None:
        pk = replace(pk, name=free(pk, primary_key_name(t)))
    return replace(
        table,
        primary_key=pk,
        foreign_keys=_fill(table.foreign_keys, lambda fk: foreign_key_name(t, fk.columns), free),
        uniques=_fill(table.uniques, lambda u: unique_name(t, u.columns), free),
        checks=_fill(table.checks, lambda c: check_name(t, c.expression), free),
        indexes=_fill(table.indexes, lambda i: index_name(t, i.columns), free),
        exclusions=_fill(table.exclusions, lambda x: exclusion_name(t, x), free),
    )


def _fully_named(table: Table) -> bool:
    return all(item.name for item in _elements(table))


def with_default_names(schema: Schema) -> Schema:
    """``schema`` with every unnamed constraint and index given its conventional name.

    A conventional name already taken gets the first free number (see the module docstring).
    """
    named = schema.__dict__.get(_NAMED)
    if named is not None:
        return named  # a schema is immutable: named once, whatever the number of diffs it enters
    if all(_fully_named(table) for table in schema.tables):
        named = schema
    else:
        names = _Names(schema)
        named = replace(schema, tables=tuple(t if _fully_named(t) else _named_table(t, names) for t in schema.tables))
    object.__setattr__(named, _NAMED, named)
    object.__setattr__(schema, _NAMED, named)
    return named


#: The attribute under which a schema keeps its named form (not a field: equality ignores it).
_NAMED = "_with_default_names"
