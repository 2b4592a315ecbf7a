"""Hostile names and literals survive a real round trip on every dialect: create, read back, diff empty."""

from __future__ import annotations

from migrations_engine.compare import normalized
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType

from .roundtrip import create_schema, insert_rows

NAMES = ["50% off", 'say "hi"', "it's", "back`tick", "select", "Mixed Case", "naïve", "表", "a.b", "semi;colon", "back\\slash"]


def hostile_schema() -> Schema:
    text = ColumnType.parse("varchar(40)")
    integer = ColumnType.parse("integer")
    columns = (Column("id", integer, nullable=False),) + tuple(
        Column(name, text, default=Default(f"{name} 100% \\n 'x'")) for name in NAMES
    )
    parent = Table(
        "order",
        columns,
        PrimaryKey(("id",)),  # unnamed: MySQL calls every primary key PRIMARY
        uniques=(Unique((NAMES[0],), name="u%1"),),
        indexes=(Index((NAMES[1], NAMES[2]), name="ix `1`"),),
    )
    child = Table(
        "user group",
        (Column("id", integer, nullable=False), Column("order id", integer)),
        PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("order id",), "order", ("id",), name="fk 'x'"),),
    )
    return Schema((parent, child))


def test_hostile_names_and_literals_round_trip(db_url):
    schema = with_default_names(hostile_schema())
    create_schema(db_url, schema)
    insert_rows(db_url, {"order": [{"id": 1}], "user group": [{"id": 1, "order id": 1}]})
    live = introspect(db_url)
    assert [op.describe() for op in diff(normalized(live), normalized(schema))] == []
    assert set(live.table("order").column_names) == {"id", *NAMES}
    default = live.table("order").column("50% off").default
    assert default is not None and default.value == "50% off 100% \\n 'x'"
