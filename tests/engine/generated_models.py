"""What the tests of the SQLAlchemy and Django exports share: the schemas they export (Sakila and
Chinook as their authors' scripts make them on each server, and a hostile-names schema built by
the engine), and the comparison with what the exported models create.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

import pytest

from migrations_engine.dialects import get_dialect
from migrations_engine.introspect import introspect
from migrations_engine.schema import (
    Check, Column, Default, Enum, ForeignKey, Generated, Index, IndexKey, PrimaryKey, Schema, SequenceOptions, Table,
    Unique,
)
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.corpus import load
from tests.engine.roundtrip import create_schema

CORPORA = ("sakila", "chinook", "hostile")
DIALECTS = ("postgresql", "mysql", "sqlite")


def t(text: str) -> ColumnType:
    return ColumnType.parse(text)


def hostile_schema(dialect: str) -> Schema:
    """Names a Python module must not take as they are: keywords, spaces, quotes, a dot, unicode,
    leading digits, names of the generated module's own imports, two columns that become one
    identifier, a table pointing at itself twice, a pure junction with odd names, an enum, a
    composite foreign key, a table without a primary key, a key column with a dot."""
    q = get_dialect(dialect).quote
    mood = Enum("mood kind", ("happy", "it's", "back\\slash", "per%cent"))
    order = Table(
        "order",
        columns=(
            Column("class", t("integer"), nullable=False),
            Column("from", t("varchar(40)"), nullable=False, comment="l'été: 100% \"ok\""),
            Column("my col", t("decimal(10,2)"), default=Default("0")),
            Column("my-col", t("varchar(20)"), default=Default("it's :x")),
            Column("2nd", t("boolean"), default=Default("true")),
            Column("naïve ünïcode", t("text")),
            Column("pct", t("varchar(10)"), default=Default("5%")),
            Column("datetime", t("timestamp"), nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True)),
            Column("sa", t("date")),
            Column("mood", t("enum(mood kind)") if dialect != "mysql" else t("mysql:enum('happy','it''s')")),
            Column("parent", t("integer")),
            Column("previous.id", t("integer")),
        ),
        primary_key=PrimaryKey(("class",)),
        foreign_keys=(
            ForeignKey(("parent",), "order", ("class",), name="order parent fk", on_delete="CASCADE"),
            ForeignKey(("previous.id",), "order", ("class",), name="order_previous_fk", on_delete="SET NULL"),
        ),
        uniques=(Unique(("from", "my col"), name="order from key"),),
        checks=(Check(f"{q('my col')} >= 0 AND {q('from')} <> ':bind'", name="order money check"),),
        indexes=(
            Index(("my-col",), name="order my-col idx"),
            Index(("from", "datetime"), name="order_from_when_idx", keys=(IndexKey(), IndexKey(descending=True))),
        ),
        comment="Orders' \"table\"",
    )
    item = Table(
        "select item",
        columns=(
            Column("item.id", t("bigint"), nullable=False, identity=True, serial=dialect == "postgresql"),
            Column("name", t("varchar(100)"), nullable=False),
        ),
        primary_key=PrimaryKey(("item.id",)),
    )
    junction = Table(
        "order<->item",
        columns=(Column("order class", t("integer"), nullable=False), Column("item.id", t("bigint"), nullable=False)),
        primary_key=PrimaryKey(("order class", "item.id")),
        foreign_keys=(
            ForeignKey(("order class",), "order", ("class",), name="junction_order_fk", on_delete="CASCADE"),
            ForeignKey(("item.id",), "select item", ("item.id",), name="junction_item_fk", on_delete="CASCADE"),
        ),
    )
    line = Table(
        "Line",
        columns=(
            Column("order_id", t("integer"), nullable=False),
            Column("line no", t("smallint"), nullable=False),
            Column("qty", t("integer"), nullable=False, default=Default("1")),
        ),
        primary_key=PrimaryKey(("order_id", "line no")),
        foreign_keys=(ForeignKey(("order_id",), "order", ("class",), name="line_order_fk"),),
    )
    note = Table(
        "line note",
        columns=(
            Column("id", t("integer"), nullable=False),
            Column("order_id", t("integer"), nullable=False),
            Column("line no", t("smallint"), nullable=False),
            Column("note", t("text")),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("order_id", "line no"), "Line", ("order_id", "line no"), name="note_line_fk", on_delete="CASCADE"),),
    )
    log = Table(  # no primary key
        "audit log",
        columns=(Column("at", t("timestamp"), nullable=False), Column("what", t("text")), Column("order", t("integer"))),
        foreign_keys=(ForeignKey(("order",), "order", ("class",), name="audit_order_fk", on_delete="CASCADE"),),
        indexes=(Index(("order", "at"), name="audit_order_at"),),
    )
    pair = Table(  # the key's columns in another order than the table's
        "pair",
        columns=(Column("a", t("integer"), nullable=False), Column("b", t("integer"), nullable=False)),
        primary_key=PrimaryKey(("b", "a")),
    )
    tables = (order, item, junction, line, note, log, pair, _features(dialect))
    enums = (mood, Enum("unused kind", ("x",))) if dialect == "postgresql" else (mood,) if dialect == "sqlite" else ()
    return Schema(tables=tables, enums=enums)


def _features(dialect: str) -> Table:
    """What each dialect has beyond the common ground: identity options, a generated column, a
    deferrable foreign key, partial, expression, INCLUDE and prefix indexes, NULLS NOT DISTINCT."""
    q = get_dialect(dialect).quote
    pg, mysql = dialect == "postgresql", dialect == "mysql"
    columns = (
        Column("id", t("integer"), nullable=False, identity=True, identity_always=pg,
               sequence=SequenceOptions(start=100, increment=5) if pg else None),
        Column("name", t("varchar(50)"), nullable=False, collation="utf8mb4_unicode_ci" if mysql else None),
        Column("qty", t("integer"), nullable=False, default=Default("1")),
        Column("double qty", t("integer"), generated=Generated(f"{q('qty')} * 2", stored=not mysql)),
        Column("label", t("varchar(60)"), generated=Generated(
            f"concat({q('name')}, '%')" if mysql else f"{q('name')} || '%'", stored=not mysql)),
        Column("order", t("integer")),
        Column("payload", t("json")),
        Column("token", t("uuid")),
        Column("at", t("timestamptz(3)" if dialect != "sqlite" else "timestamp")),
    )
    indexes = [Index(("order",), name="features_order_idx")]
    if mysql:
        indexes.append(Index(("name",), name="features_name_prefix", keys=(IndexKey(length=10),)))
    else:
        indexes.append(Index(("name",), name="features_name_partial", where=f"{q('qty')} > 0"))
        indexes.append(Index((f"lower({q('name')})",), name="features_lower_name", keys=(IndexKey(expression=True),)))
    uniques = ()
    if pg:
        indexes.append(Index(("name",), name="features_name_include", include=("qty",)))
        uniques = (Unique(("name", "order"), name="features_name_order_key", nulls_not_distinct=True),)
    return Table(
        "features",
        columns=columns,
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("order",), "order", ("class",), name="features_order_fk",
                                 deferrable=not mysql, initially_deferred=not mysql),),
        uniques=uniques,
        checks=(Check(f"{q('qty')} >= 0", name="features_qty_check"),),
        indexes=tuple(indexes),
    )


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Iterator[Callable[[str, str], Schema]]:
    """Each source schema as its server holds it (read back by the engine), made once per
    module: the corpora from their scripts, the hostile schema by the engine's CREATE script."""
    read: dict[tuple[str, str], Schema] = {}
    with ExitStack() as stack:

        def get(corpus: str, dialect: str) -> Schema:
            if (corpus, dialect) not in read:
                server = SERVERS.get(dialect) or f"sqlite:///{tmp_path_factory.mktemp('src') / 'server.sqlite3'}"
                url = stack.enter_context(scratch_database(server, prefix="me_test"))
                if corpus == "hostile":
                    create_schema(url, hostile_schema(dialect))
                else:
                    load(url, corpus)
                read[(corpus, dialect)] = introspect(url)
            return read[(corpus, dialect)]

        yield get


def scratch_server(dialect: str, tmp_path) -> str:
    return SERVERS.get(dialect) or f"sqlite:///{tmp_path / 'server.sqlite3'}"


def without(schema: Schema, table: Callable[[Table], Table] | None = None, column: Callable[[Column], Column] | None = None, **fields) -> Schema:
    """``schema`` with each table passed through ``table`` and each column through ``column``
    (what the exports cannot express, taken out of the source before comparing)."""
    def one(t: Table) -> Table:
        if column is not None:
            t = replace(t, columns=tuple(column(c) for c in t.columns))
        return table(t) if table is not None else t

    return replace(schema, tables=tuple(one(t) for t in schema.tables), **fields)




def random_source(url: DatabaseURL, schema: Schema) -> Schema | None:
    """A drawn schema as ``url``'s server holds it (None when the server refuses it, which the
    engine's own round-trip tests cover)."""
    from tests.engine.strategies import finish

    try:
        create_schema(url, finish(schema, url.dialect))
    except AssertionError:
        return None
    return introspect(url)
