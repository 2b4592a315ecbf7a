"""One deterministic convention for constraint and index names left unnamed.

    primary key   <table>_pkey
    foreign key   <table>_<columns>_fkey
    unique        <table>_<columns>_key
    check         <table>_<hash of expression>_check
    index         <table>_<columns>_idx   (unique indexes too)

Names longer than ``MAX_NAME_LENGTH`` (63, PostgreSQL's limit; MySQL allows 64) are cut and end in
an 8-hex-digit hash of the full name, so they stay unique and stable.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from .schema import Check, ForeignKey, Index, PrimaryKey, Schema, Table, Unique

MAX_NAME_LENGTH = 63


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


def _named_table(table: Table) -> Table:
    pk = table.primary_key
    if pk is not None and pk.name is None:
        pk = replace(pk, name=primary_key_name(table.name))
    return replace(
        table,
        primary_key=pk,
        foreign_keys=tuple(
            fk if fk.name else replace(fk, name=foreign_key_name(table.name, fk.columns))
            for fk in table.foreign_keys
        ),
        uniques=tuple(
            u if u.name else replace(u, name=unique_name(table.name, u.columns))
            for u in table.uniques
        ),
        checks=tuple(
            c if c.name else replace(c, name=check_name(table.name, c.expression))
            for c in table.checks
        ),
        indexes=tuple(
            i if i.name else replace(i, name=index_name(table.name, i.columns))
            for i in table.indexes
        ),
    )


def _fully_named(table: Table) -> bool:
    items: list[PrimaryKey | ForeignKey | Unique | Check | Index] = [
        *table.foreign_keys,
        *table.uniques,
        *table.checks,
        *table.indexes,
    ]
    if table.primary_key is not None:
        items.append(table.primary_key)
    return all(item.name for item in items)


def with_default_names(schema: Schema) -> Schema:
    """``schema`` with every unnamed constraint and index given its conventional name."""
    if all(_fully_named(table) for table in schema.tables):
        return schema
    return replace(schema, tables=tuple(_named_table(t) for t in schema.tables))
