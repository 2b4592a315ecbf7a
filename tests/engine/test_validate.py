"""Structural checks of a schema, one sentence per problem."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given

from migrations_engine.schema import Check, Column, Default, Enum, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

from .strategies import finish, model_settings, sample_schema, schemas

INTEGER = ColumnType("integer")


def _table(name: str = "t", **changes) -> Table:
    table = Table(name, columns=(Column("a", INTEGER, nullable=False), Column("b", INTEGER)))
    return replace(table, **changes)


def test_sound_schemas_have_no_problems():
    assert problems(Schema()) == []
    assert problems(sample_schema()) == []


@given(schemas())
@model_settings(50)
def test_drawn_schemas_have_no_problems(schema):
    assert problems(finish(schema)) == []


CASES = [
    (Schema(tables=(_table(), _table())), "table 't' appears twice"),
    (Schema(enums=(Enum("e", ("x",)), Enum("e", ("y",)))), "enum 'e' appears twice"),
    (Schema(enums=(Enum("e", ()),)), "enum 'e' has no values"),
    (Schema(enums=(Enum("e", ("x", "y", "x")),)), "enum 'e': value 'x' appears twice"),
    (
        Schema(tables=(_table(columns=(Column("a", INTEGER), Column("a", ColumnType("text")))),)),
        "table 't': column 'a' appears twice",
    ),
    (Schema(tables=(_table(primary_key=PrimaryKey((), name="pk")),)), "table 't': primary key pk has no columns"),
    (Schema(tables=(_table(primary_key=PrimaryKey(("z",), name="pk")),)), "table 't': primary key pk names unknown column 'z'"),
    (Schema(tables=(_table(primary_key=PrimaryKey(("z",))),)), "table 't': primary key names unknown column 'z'"),
    (Schema(tables=(_table(uniques=(Unique(("a", "z"), name="u"),)),)), "table 't': unique constraint u names unknown column 'z'"),
    (Schema(tables=(_table(indexes=(Index(("z",), name="i"),)),)), "table 't': index i names unknown column 'z'"),
    (
        Schema(tables=(_table(foreign_keys=(ForeignKey(("z",), "t", ("a",), name="f"),)),)),
        "table 't': foreign key f names unknown column 'z'",
    ),
    (
        Schema(tables=(_table(foreign_keys=(ForeignKey(("a", "b"), "t", ("a",), name="f"),)),)),
        "table 't': foreign key f has 2 columns but references 1",
    ),
    (
        Schema(tables=(_table(foreign_keys=(ForeignKey(("b",), "nope", ("a",), name="f"),)),)),
        "table 't': foreign key f references unknown table 'nope'",
    ),
    (
        Schema(tables=(_table(foreign_keys=(ForeignKey(("b",), "t", ("z",), name="f"),)),)),
        "table 't': foreign key f references unknown column t.z",
    ),
    (
        Schema(tables=(_table(columns=(Column("m", ColumnType("enum", enum="mood")),)),)),
        "table 't': column 'm' uses unknown enum 'mood'",
    ),
    (
        Schema(tables=(_table(uniques=(Unique(("a",), name="k"),), checks=(Check("b > 0", name="k"),)),)),
        "table 't': constraint name 'k' used twice",
    ),
    (
        Schema(tables=(_table(primary_key=PrimaryKey(("a",), name="k"), foreign_keys=(ForeignKey(("b",), "t", ("a",), name="k"),)),)),
        "table 't': constraint name 'k' used twice",
    ),
    (
        Schema(tables=(_table(indexes=(Index(("a",), name="i"), Index(("b",), name="i", unique=True))),)),
        "table 't': index name 'i' used twice",
    ),
]


@pytest.mark.parametrize("schema, message", CASES, ids=[m for _, m in CASES])
def test_each_problem_is_one_sentence(schema, message):
    assert problems(schema) == [message]


def test_every_problem_is_listed():
    table = _table(
        primary_key=PrimaryKey(("z",), name="pk"),
        foreign_keys=(ForeignKey(("b",), "nope", ("a",), name="f"),),
    )
    found = problems(Schema(tables=(table,), enums=(Enum("e", ()),)))
    assert found == [
        "enum 'e' has no values",
        "table 't': primary key pk names unknown column 'z'",
        "table 't': foreign key f references unknown table 'nope'",
    ]


def test_unnamed_elements_are_described_without_a_name():
    table = _table(uniques=(Unique(()),))
    assert problems(Schema(tables=(table,))) == ["table 't': unique constraint has no columns"]


def test_the_same_name_in_two_tables_is_allowed_for_checks_and_foreign_keys():
    a = _table("a", checks=(Check("b > 0", name="positive"),), foreign_keys=(ForeignKey(("b",), "a", ("a",), name="f"),))
    b = _table("b", checks=(Check("b > 0", name="positive"),), foreign_keys=(ForeignKey(("b",), "b", ("a",), name="f"),))
    assert problems(Schema(tables=(a, b))) == []


def test_an_index_name_in_two_tables_is_a_problem():
    a = _table("a", indexes=(Index(("a",), name="i"),))
    b = _table("b", indexes=(Index(("a",), name="i"),))
    assert problems(Schema(tables=(a, b))) == ["index or key name 'i' used in tables 'a', 'b' (index names are per schema)"]


def test_a_unique_constraint_and_an_index_of_one_name_is_a_problem():
    table = _table(uniques=(Unique(("a",), name="k"),), indexes=(Index(("b",), name="k"),))
    assert problems(Schema(tables=(table,))) == ["table 't': name 'k' used by a constraint and an index"]


def test_a_primary_key_and_an_index_of_one_name_is_a_problem():
    table = _table(primary_key=PrimaryKey(("a",), name="k"), indexes=(Index(("b",), name="k"),))
    assert problems(Schema(tables=(table,))) == ["table 't': name 'k' used by a constraint and an index"]


@pytest.mark.parametrize(
    "a, b",
    [
        (_table("a", uniques=(Unique(("a",), name="k"),)), _table("b", uniques=(Unique(("a",), name="k"),))),
        (_table("a", primary_key=PrimaryKey(("a",), name="k")), _table("b", indexes=(Index(("a",), name="k"),))),
        (_table("a", uniques=(Unique(("a",), name="k"),)), _table("b", primary_key=PrimaryKey(("a",), name="k"))),
    ],
    ids=["two uniques", "a primary key and an index", "a unique and a primary key"],
)
def test_keys_are_indexes_whose_names_are_per_schema(a, b):
    assert problems(Schema(tables=(a, b))) == ["index or key name 'k' used in tables 'a', 'b' (index names are per schema)"]


def test_an_index_name_in_three_tables_is_one_problem():
    tables = tuple(_table(n, indexes=(Index(("a",), name="i"),)) for n in "abc")
    assert problems(Schema(tables=tables)) == ["index or key name 'i' used in tables 'a', 'b', 'c' (index names are per schema)"]


def test_a_table_listed_twice_is_not_reported_for_its_index_names():
    table = _table(indexes=(Index(("a",), name="i"),))
    assert problems(Schema(tables=(table, table))) == ["table 't' appears twice"]


def test_a_check_or_foreign_key_may_share_a_name_with_an_index():
    table = _table(
        checks=(Check("b > 0", name="k"),),
        foreign_keys=(ForeignKey(("b",), "t", ("a",), name="f"),),
        indexes=(Index(("b",), name="k"), Index(("a",), name="f")),
    )
    assert problems(Schema(tables=(table,))) == []


def test_a_mysql_snapshot_may_reuse_an_index_name_in_two_tables():
    from migrations_engine import snapshot
    from migrations_engine.schema import Column, Index, Schema, Table
    from migrations_engine.types import ColumnType

    column = Column("a", ColumnType.parse("integer"))
    schema = Schema(tuple(Table(name, (column,), indexes=(Index(("a",), name="idx_a"),)) for name in ("t1", "t2")))
    assert any("per schema" in p for p in problems(schema))
    assert snapshot.loads(snapshot.dumps(schema)) == schema


def test_expressions_that_break_out_or_name_unknown_columns_are_problems():
    table = Table(
        "items",
        (Column("price", ColumnType("integer"), default=Default("0); DROP TABLE items; --", True)),),
        checks=(Check("pric >= 0", "positive"), Check("price >= 0); DROP TABLE customers; --", "sneaky")),
        indexes=(Index(("price",), "cheap", where="price < 10; DELETE FROM items"),),
    )

    found = problems(Schema(tables=(table,)))

    assert "table 'items': check positive 'pric >= 0' names column “pric”, which the table does not have" in found
    assert any(p.startswith("table 'items': check sneaky") and "closes a parenthesis" in p for p in found)
    assert any(p.startswith("table 'items': index cheap condition") and "holds a ';'" in p for p in found)
    assert any(p.startswith("table 'items': default of column 'price'") for p in found)


def test_safe_expressions_sqlglot_cannot_read_are_no_problem():
    # As a database may write them; the database accepted them.
    table = Table("items", (Column("price", ColumnType("integer")),), checks=(Check("price > ALL 0", "c"),))

    assert problems(Schema(tables=(table,))) == []


def test_expressions_sqlglot_cannot_read_are_noted_as_unchecked_not_refused():
    from migrations_engine.schema import Check, Column, Generated, Index, IndexKey, Schema, Table
    from migrations_engine.types import ColumnType
    from migrations_engine.validate import problems, unchecked_expressions

    odd = "xmlexists('//a' PASSING x)"  # PostgreSQL's XML function: sqlglot does not read it
    table = Table(
        "t",
        (Column("x", ColumnType.parse("postgresql:xml")), Column("n", ColumnType.parse("integer"), generated=Generated("n2 + 1"))),
        checks=(Check(odd, "t_x_check"), Check("x IS DOCUMENT", "t_ok")),
        indexes=(Index((odd,), "t_doc_idx", keys=(IndexKey(expression=True),)),),
    )
    schema = Schema(tables=(table,))
    notes = unchecked_expressions(schema, "postgresql")
    assert notes == [
        f"table 't': check t_x_check {odd!r} was kept as written, unchecked (sqlglot cannot read it)",
        f"table 't': index t_doc_idx expression {odd!r} was kept as written, unchecked (sqlglot cannot read it)",
    ]
    # The generated column names an unknown column: a problem, not an unchecked note; and
    # ``x IS DOCUMENT`` (which sqlglot reads as ``x IS <a column DOCUMENT>``) is none.
    found = problems(schema, dialect="postgresql")
    assert len(found) == 1 and "names column “n2”" in found[0]
