"""DBML export (``generate.dbml.to_dbml``) read back by the importer: the same schema.

The round trip runs on real schemas nobody here wrote (Sakila and Chinook, loaded into a scratch
database of each dialect and read by the engine), and on hand-made ones with hostile names.
What DBML cannot carry is taken out of the original before comparing, item by item
(``without_what_dbml_cannot_say``), each with the reason; anything else lost fails the test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

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
from tests.engine.roundtrip import create_schema

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


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
            # DBML's pk means NOT NULL, where SQLite lets a key column without NOT NULL hold NULLs.
            columns=tuple(
                _column(replace(c, nullable=False) if table.primary_key and c.name in table.primary_key.columns else c)
                for c in table.columns
            ),
            # Constraint timing: DBML's keys have none.
            primary_key=replace(table.primary_key, deferrable=False, initially_deferred=False)
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
    assert f"database_type: '{ {'postgresql': 'PostgreSQL', 'mysql': 'MySQL', 'sqlite': 'SQLite'}[dialect]}'" in text


# ---------------------------------------------------------------- hostile names, on each server


def hostile_schema(dialect: str) -> Schema:
    """Names with spaces, quotes, backslashes, backticks, reserved words and non-ASCII letters;
    notes with quotes, backslashes and line breaks; every kind of key, index and reference."""
    mood = ColumnType("enum", enum="my mood")
    people = Table(
        "order items",
        columns=(
            Column("id", ColumnType("integer"), nullable=False, identity=True),
            Column("it's", ColumnType("varchar", length=40), nullable=False, default=Default("l'été 100% \\ ok"),
                   comment="a 'quoted'\nnote \\ with a backslash"),
            Column("select", ColumnType("decimal", precision=10, scale=2), default=Default("1.50")),
            Column("Straße ✓", ColumnType("boolean"), default=Default("false")),
            Column("a`b", ColumnType("text")),
            Column("x\\y", mood, default=Default("it's ok")),
            Column("from", ColumnType("timestamp"), default=Default("CURRENT_TIMESTAMP", expression=True)),
        ),
        primary_key=PrimaryKey(("id",), name="order items_pkey", comment="the key's note" if dialect == "postgresql" else None),
        uniques=(Unique(("it's", "select"), name="u 'two'"), Unique(("a`b",), name="single \\ named")) if dialect != "mysql"
        else (Unique(("it's", "select"), name="u 'two'"),),
        indexes=(
            Index(("select", "from"), name="idx on 'two'"),
            Index(("Straße ✓",), name="plain unique", unique=True),
        ),
        comment="the table's note",
    )
    lines = Table(
        "line's",
        columns=(
            Column("order id", ColumnType("integer"), nullable=False),
            Column("n", ColumnType("integer"), nullable=False),
            Column("group", ColumnType("varchar", length=10)),
        ),
        primary_key=PrimaryKey(("order id", "n"), name="line's key" if dialect == "sqlite" else "line's_pkey"),
        foreign_keys=(
            ForeignKey(("order id",), "order items", ("id",), name="to the 'order'", on_delete="CASCADE", on_update="RESTRICT"),
        ),
    )
    solo = Table(
        "one to one",
        columns=(Column("order id", ColumnType("integer"), nullable=False),),
        uniques=(Unique(("order id",), name="one to one_order id_key"),),
        foreign_keys=(ForeignKey(("order id",), "order items", ("id",), name="one to one_order id_fkey"),),
    )
    remarks = Table(
        "remarks on line's",
        columns=(
            Column("order id", ColumnType("integer"), nullable=False),
            Column("n", ColumnType("integer"), nullable=False),
            Column("remark", ColumnType("text")),
        ),
        foreign_keys=(ForeignKey(("order id", "n"), "line's", ("order id", "n"), name="remarks' line", on_delete="CASCADE"),),
    )
    return with_default_names(Schema(tables=(people, lines, solo, remarks), enums=(Enum("my mood", ("sad", "it's ok")),)))


def test_hostile_names_round_trip(db_url, dialect):
    """Built on the real server and read back by the engine, then through DBML: the same."""
    create_schema(db_url, hostile_schema(dialect))
    live = introspect(db_url)
    assert len(live.tables) == 4
    text = assert_round_trip(live, dialect, f"hostile names on {dialect}")
    assert '"Straße ✓"' in text and '"a`b"' in text
    # One-to-one written as such: the second side holds the key.
    assert 'Ref: "order items"."id" - "one to one"."order id"' in text
    assert 'Ref "remarks\' line": "remarks on line\'s".("order id", "n") > "line\'s".("order id", "n") [delete: cascade]' in text


def test_without_a_dialect_native_types_keep_their_dialect():
    schema = Schema(tables=(Table("t", columns=(
        Column("a", ColumnType("native", dialect="postgresql", native="inet")),
        Column("b", ColumnType("native", dialect="mysql", native="timestamp")),
    )),))
    text = to_dbml(schema, None)
    assert '"a" "postgresql:inet"' in text and '"b" "mysql:timestamp"' in text
    assert "Project" not in text
    assert normalized(read_dbml(text, None).schema) == normalized(schema)
    # On its own dialect a native type is written bare, unless it would read as a portable one.
    mysql = to_dbml(schema, "mysql")
    assert '"b" "mysql:timestamp"' in mysql
    assert normalized(read_dbml(mysql, "mysql").schema) == normalized(schema)


def test_a_nullable_primary_key_column(sqlite_url):
    """Only SQLite has them; DBML's pk means NOT NULL, so the note says it."""
    from migrations_engine.connection import connect

    with connect(sqlite_url) as db:
        db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, x INTEGER)")
    live = introspect(sqlite_url)
    assert live.table("t").column("id").nullable
    text = assert_round_trip(live, "sqlite", "a nullable primary key column")
    assert "- t.id: a primary key column that allows NULL" in text


def test_what_dbml_cannot_say_is_in_a_note():
    table = Table(
        "t",
        columns=(
            Column("a", ColumnType("integer"), nullable=False),
            Column("b", ColumnType("integer"), on_update="CURRENT_TIMESTAMP"),
        ),
        checks=(Check("a > 0", name="positive"),),
        indexes=(Index(("b",), name="partial", where="b > 1"),),
    )
    text = generate(with_default_names(Schema(tables=(table,))), "dbml", "postgresql")
    note = text[text.index("Note not_in_dbml"):]
    assert "- t: check positive: a > 0" in note
    assert "- t.b: on update CURRENT_TIMESTAMP" in note
    assert "- t: index partial (b) WHERE b > 1: left out, a partial index" in note
    assert '"partial"' not in text[: text.index("Note not_in_dbml")]
    # The note is read as a note, not as the schema.
    result = import_text(text, "dbml")
    assert result.schema.table("t").checks == ()
    assert any(n.startswith("note not_in_dbml: DBML cannot say these") for n in result.notes)


@pytest.mark.parametrize("name", ['say "hi"', "two\nlines", "tab\\table"])
def test_names_dbml_cannot_spell_are_refused(name):
    schema = Schema(tables=(Table(name, columns=(Column("id", ColumnType("integer")),)),))
    with pytest.raises(EngineError, match="DBML cannot write the name"):
        to_dbml(schema, "postgresql")
