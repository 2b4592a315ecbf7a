"""SQLite: the tables of a script, read as the engine's SQLite introspection reads them.

SQLite keeps each ``CREATE TABLE`` and ``CREATE INDEX`` text as written and answers its pragmas
from it; the introspection (``introspect/sqlite.py``) reads both. Here the pragmas' rows and what
the introspection reads from the stored text (``Declared``) are made from the statements, and the
introspection's own functions build the tables from them, so the import and the live reading
cannot drift apart.
"""

from __future__ import annotations

from ..introspect.sqlite import Declared, _folded, _foreign_keys, _indexes, _table, _with_enums
from dataclasses import replace

from ..naming import index_name
from ..schema import PLAIN_KEY, Index, IndexKey, Schema
from .drafts import TableDraft
from . import ImportFailed
from .collected import Collected


def build(collected: Collected) -> Schema:
    index_rows: dict[str, list[tuple]] = {name.lower(): [] for name in collected.tables}
    created: dict[str, list[Index]] = {name.lower(): [] for name in collected.tables}
    primary_keys = {name.lower(): _primary_key(draft) for name, draft in collected.tables.items()}
    for draft in collected.tables.values():
        index_rows[draft.name.lower()].extend(_unique_rows(draft))
    by_folded = {name.lower(): draft for name, draft in collected.tables.items()}  # SQLite's names ignore case
    for index in collected.indexes:
        owner = by_folded.get(index.table.lower())
        if owner is None:
            raise ImportFailed(f"index on table {index.table!r}, which is not created before it", index.line)
        created[owner.name.lower()].append(_index(owner, index))
    tables = []
    declared = {}
    for name, draft in collected.tables.items():
        declared[name] = _declared(draft)
        rows = _column_rows(draft, primary_keys[name.lower()])
        table = _table(name, rows, declared[name], primary_keys)
        uniques, _ = _indexes(name, index_rows[name.lower()], declared[name], {})
        fks = _foreign_keys(name, _foreign_key_rows(draft), declared[name], primary_keys)
        tables.append(replace(table, foreign_keys=fks, uniques=uniques, indexes=tuple(created[name.lower()])))
    return _with_enums(tables, declared)


def _declared(draft: TableDraft) -> Declared:
    """What ``introspect.sqlite.parse_create_table`` reads from the same text, from the draft
    already read (tokenizing each table twice was a third of the import's time)."""
    declared = Declared()
    for column in draft.columns:
        key = column.name.lower()
        if column.primary_key and column.primary_key_name:
            declared.primary_key_name = column.primary_key_name
        if column.autoincrement:
            declared.autoincrement.add(key)
        if column.generated is not None:
            declared.generated[key] = column.generated
        if column.collation:
            declared.collations[key] = column.collation
    for key in draft.keys:
        if key.kind == "primary" and key.name:
            declared.primary_key_name = key.name
        elif key.kind == "unique" and key.name:
            declared.unique_names[_folded(key.columns)] = key.name
    declared.checks = [(c.name, c.expression, c.column.lower() if c.column else None) for c in draft.checks]
    for fk in draft.foreign_keys:
        folded = (_folded(fk.columns), fk.ref_table.lower())
        if fk.name:
            declared.foreign_key_names[folded] = fk.name
        declared.foreign_key_timing[folded] = (fk.deferrable, fk.deferrable and fk.initially_deferred)
    declared.without_rowid = "WITHOUT ROWID" in draft.options
    declared.strict = "STRICT" in draft.options
    return declared


def _index(owner: TableDraft, index) -> Index:
    """A ``CREATE INDEX`` as ``introspect.sqlite._indexes`` reads it: elements as written (an
    expression without its parentheses), their collation and order, the predicate as written."""
    by_folded = {c.name.lower(): c.name for c in owner.columns}
    columns, keys = [], []
    for text, expression, descending, _length, collation, _opclass, _nulls in index.key.elements:
        columns.append(text if expression else by_folded.get(text.lower(), text))
        keys.append(IndexKey(expression=expression, descending=descending, collation=collation))
    plain = all(key == PLAIN_KEY for key in keys)
    return Index(
        tuple(columns), index.key.name or index_name(owner.name, tuple(columns)), unique=index.unique,
        where=index.where or None, keys=() if plain else tuple(keys),
    )


def _primary_key(draft: TableDraft) -> tuple[str, ...]:
    for column in draft.columns:
        if column.primary_key:
            return (column.name,)
    for key in draft.keys:
        if key.kind == "primary":
            by_folded = {c.name.lower(): c.name for c in draft.columns}
            return tuple(by_folded.get(c.lower(), c) for c in key.columns)
    return ()


def _column_rows(draft: TableDraft, primary_key: tuple[str, ...]) -> list[tuple]:
    rows = []
    for column in draft.columns:
        hidden = 0 if column.generated is None else (3 if column.stored else 2)
        pk = primary_key.index(column.name) + 1 if column.name in primary_key else 0
        rows.append((column.name, column.type_text, int(column.not_null), _default_text(column.default), pk, hidden))
    return rows


def _default_text(text: str | None) -> str | None:
    """As ``pragma_table_xinfo`` shows it: ``DEFAULT (expr)`` without its parentheses."""
    if text is None:
        return None
    value = text.strip()
    if value.startswith("(") and value.endswith(")"):
        from ..introspect.postgresql import _closing_paren

        if _closing_paren(value) == len(value) - 1:
            return value[1:-1].strip()
    return value


def _unique_rows(draft: TableDraft) -> list[tuple]:
    """``pragma_index_list`` rows of the automatic indexes of UNIQUE constraints (origin ``u``)."""
    rows = []
    by_folded = {c.name.lower(): (n, c.name) for n, c in enumerate(draft.columns)}
    uniques = [k for k in draft.keys if k.kind == "unique"]
    for number, key in enumerate(uniques, start=1):
        name = f"sqlite_autoindex_{draft.name}_{number}"
        for column in key.columns:
            cid, real = by_folded.get(column.lower(), (-1, column))
            rows.append((name, 1, "u", 0, real, cid, 0))
    return rows


def _foreign_key_rows(draft: TableDraft) -> list[tuple]:
    rows = []
    for number, fk in enumerate(reversed(draft.foreign_keys)):  # SQLite numbers them from the last
        ref_columns = fk.ref_columns or (None,) * len(fk.columns)
        for column, ref_column in zip(fk.columns, ref_columns):
            rows.append((number, fk.ref_table, column, ref_column, fk.on_update or "NO ACTION", fk.on_delete or "NO ACTION"))
    return rows
