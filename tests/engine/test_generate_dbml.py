"""DBML export (``generate.dbml.to_dbml``) read back by the importer: the same schema.

The round trip runs on real schemas nobody here wrote (Sakila and Chinook, loaded into a scratch
database of each dialect and read by the engine), and on hand-made ones with hostile names.
What DBML cannot carry is taken out of the original before comparing, item by item
(``without_what_dbml_cannot_say``), each with the reason; anything else lost fails the test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydbml import PyDBML

from migrations_engine.compare import differences, normalized
from migrations_engine.errors import EngineError
from migrations_engine.generate import generate
from migrations_engine.generate.dbml import to_dbml
from migrations_engine.imports import import_text
from migrations_engine.imports.dbml import read_dbml
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from migrations_engine.types import ColumnType
from tests.engine.corpus import FIXTURES, SCRIPTS, run_script


def without_what_dbml_cannot_say(schema: Schema) -> Schema:
    """``schema`` without what DBML (as pydbml 1.2.1 reads it) has no way to say."""
    tables = []
    for table in schema.tables:
        table = replace(
            table,
            # pydbml 1.2.1 reads no ``checks { }`` block (dbdiagram.io added it later).
            checks=(),
            # EXCLUDE constraints: DBML knows only keys, uniques, indexes and refs.
            exclusions=(),
            # Character sets, collations and SQLite's table options are physical settings DBML
            # has no word for.
            charset=None, collation=None, without_rowid=False, strict=False,
            columns=tuple(_column(c) for c in table.columns),
            # A key's own comment, and constraint timing: DBML's pk has no note nor timing.
            primary_key=replace(table.primary_key, comment=None, deferrable=False, initially_deferred=False)
            if table.primary_key else None,
            uniques=tuple(replace(u, deferrable=False, initially_deferred=False, nulls_not_distinct=False) for u in table.uniques),
            # A Ref has a name and actions only: no note, timing, MATCH or NOT VALID.
            foreign_keys=tuple(
                replace(fk, comment=None, deferrable=False, initially_deferred=False, match=None, not_valid=False)
                for fk in table.foreign_keys
            ),
            indexes=tuple(_index(i) for i in table.indexes if i.where is None),  # no partial indexes in DBML
        )
        tables.append(table)
    # Sequences and domains are PostgreSQL objects DBML has no block for; an enum has no note.
    return replace(
        schema, tables=tuple(tables), sequences=(), domains=(),
        enums=tuple(replace(e, comment=None) for e in schema.enums),
    )


def _column(column: Column) -> Column:
    # Column settings are pk, increment, not null, unique, default and note: no character set,
    # collation, ON UPDATE, generation, nor identity options (``increment`` is all there is).
    return replace(
        column, charset=None, collation=None, on_update=None, generated=None,
        identity_always=False, serial=False, sequence=None,
    )


def _index(index: Index) -> Index:
    # An index element is a column or an expression: no DESC, NULLS, operator class, collation
    # or prefix length; no INCLUDE; ``type:`` names only PostgreSQL's methods (not MySQL's fulltext).
    keys = tuple(IndexKey(expression=k.expression) for k in index.keys)
    return replace(
        index,
        keys=keys if any(k.expression for k in keys) else (),
        include=(),
        method=index.method if index.method in ("hash", "gin", "gist", "brin", "spgist") else None,
        nulls_not_distinct=False,
    )


def assert_round_trip(schema: Schema, dialect: str | None, context: str) -> str:
    text = to_dbml(schema, dialect)
    back = read_dbml(text, dialect).schema
    expected = with_default_names(without_what_dbml_cannot_say(schema))
    if normalized(back) != normalized(expected):
        raise AssertionError(f"{context}: differs after DBML: {differences(back, expected) or 'in details the diff does not see'}\n{text}")
    return text


# ---------------------------------------------------------------- the corpus, read from live databases


@pytest.mark.parametrize("corpus", ["sakila", "chinook"])
def test_corpus_round_trip(corpus, dialect, db_url):
    for name in SCRIPTS[(corpus, dialect)]:
        sql = (FIXTURES / name).read_text(encoding="utf-8")
        run_script(db_url, sql.replace("sakila.", "") if corpus == "sakila" else sql)
    live = introspect(db_url)
    assert len(live.tables) >= 11
    text = assert_round_trip(live, dialect, f"{corpus} on {dialect}")
    PyDBML(text)  # the file is DBML pydbml reads as it is
    assert f"database_type: '{ {'postgresql': 'PostgreSQL', 'mysql': 'MySQL', 'sqlite': 'SQLite'}[dialect]}'" in text
