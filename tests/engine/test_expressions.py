"""Renaming columns inside the SQL expressions the schema keeps as text."""

from __future__ import annotations

import re

import pytest

from migrations_engine.compare import normalized
from migrations_engine.diff import diff
from migrations_engine.errors import SchemaError, UnsupportedChange
from migrations_engine.expressions import (
    ExpressionError,
    check_expression,
    expression_problems,
    portable_expression,
    rename_column_in,
    rename_columns_in,
    unquote_names,
)
from migrations_engine.operations import RenameColumn
from migrations_engine.render import render, script_text
from migrations_engine.schema import Check, Column, Default, Index, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType


@pytest.mark.parametrize(
    ("expression", "new", "expected"),
    [
        ("qty > 0", "quantity", "quantity > 0"),
        ('"qty" > 0 AND qty < 9', "quantity", '"quantity" > 0 AND quantity < 9'),
        ("QTY > 0", "quantity", "quantity > 0"),
        ("`qty` BETWEEN 1 AND 9", "quantity", "`quantity` BETWEEN 1 AND 9"),
        ("qty > 0", "Quantity", '"Quantity" > 0'),
        ("qty > 0", "order", '"order" > 0'),
        ("qty > 0", "my qty", '"my qty" > 0'),
        ("qty > 0", 'say "hi"', '"say ""hi""" > 0'),
        ("items.qty > 0", "n", "items.n > 0"),
        ("(qty > (0)::numeric)", "n", "(n > (0)::numeric)"),
        ("length(qty) = 3 AND qty = upper(qty)", "n", "length(n) = 3 AND n = upper(n)"),
    ],
)
def test_a_renamed_column_is_renamed_where_the_expression_names_it(expression, new, expected):
    assert rename_column_in(expression, "qty", new, "items") == expected


@pytest.mark.parametrize(
    "expression",
    [
        "code = 'qty'",  # a string
        "qtyx > 0",  # another name holding it
        "other.qty > 0",  # another table's column
        "qty(3) > 0",  # a function of that name
        '"QTY" > 0',  # quoted: exactly that name, another column
        "not ( readable",  # no dialect reads it: left alone
    ],
)
def test_what_is_not_the_column_is_left_alone(expression):
    assert rename_column_in(expression, "qty", "n", "items") == expression


def test_a_swap_of_two_names_renames_both_at_once():
    assert rename_columns_in("a < b AND b > 0", {"a": "b", "b": "a"}) == "b < a AND a > 0"


def test_unquote_names_passes_over_strings():
    text = """"a" = 'it''s "a"' AND "Big" = 1"""
    assert unquote_names(text, '"', lambda name: name != "a", backslash_escapes=False) == """a = 'it''s "a"' AND "Big" = 1"""


def _table(column: str, check: str, where: str) -> Table:
    integer = ColumnType.parse("integer")
    return Table(
        "items",
        (Column("id", integer, nullable=False, id="id"), Column(column, integer, id="q")),
        PrimaryKey(("id",), "items_pkey"),
        checks=(Check(check, "items_q", id="k"),),
        indexes=(Index(("id",), "items_big", where=where, id="i"),),
        id="t",
    )


def test_rename_column_rewrites_the_tables_checks_and_index_conditions():
    before = Schema((_table("qty", "qty > 0", "qty > 5"),))
    after = RenameColumn("items", "qty", "quantity").apply(before)
    assert after == Schema((_table("quantity", "quantity > 0", "quantity > 5"),))
    assert RenameColumn("items", "quantity", "qty").apply(after) == before


def test_the_diff_of_a_rename_is_the_rename_alone():
    """The checks and conditions the rename rewrites are not dropped and added again."""
    before = Schema((_table("qty", "qty > 0", "qty > 5"),))
    after = Schema((_table("quantity", "quantity > 0", "quantity > 5"),))
    assert diff(before, after) == [RenameColumn("items", "qty", "quantity")]


def test_comparison_ignores_quotes_around_plain_column_names():
    """SQLite's RENAME COLUMN writes ``"quantity" > 0``; a fresh build keeps ``quantity > 0``."""
    live = Schema((_table("quantity", '"quantity" > 0', '"quantity" > 5'),))
    built = Schema((_table("quantity", "quantity > 0", "quantity > 5"),))
    assert normalized(live) == normalized(built)
    assert normalized(Schema((_table("quantity", "\"quantity\" > 'x'", "quantity > 5"),))) != normalized(
        Schema((_table("quantity", "quantity > 'y'", "quantity > 5"),))
    )


# ---------------------------------------------------------------- one expression, its columns

DIALECTS = ("postgresql", "mysql", "sqlite")
COLUMNS = ("price", "Größe", "select", "Mixed Case")


@pytest.mark.parametrize("dialect", [*DIALECTS, None])
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("price >= 0); DROP TABLE customers; --", "closes a parenthesis it did not open"),
        ("price >= 0); DROP TABLE customers; --", "holds a ';'"),
        ("price >= 0); DROP TABLE customers; --", "ends in a comment"),
        ("'x'); DROP TABLE items; --", "closes a parenthesis it did not open"),
        ("price >= 0; price < 10", "holds a ';'"),
        ("(price >= 0", "leaves a parenthesis open"),
        ("price >= 0 -- and more", "ends in a comment"),
        ("price >= 0 /* and more", "unclosed string, quoted name or comment"),
        ("price >= 0 AND 'unclosed", "unclosed string, quoted name or comment"),
        ("price >= 0 /* closed */ AND price < 9", "holds a comment"),
        ("DROP TABLE customers", "holds a statement or a subquery"),
        ("price > (SELECT max(price) FROM items)", "holds a statement or a subquery"),
        ("pric >= 0", "names column “pric”, which the table does not have"),
        ("", "is empty"),
    ],
)
def test_what_is_not_one_expression_on_the_tables_columns_is_refused(dialect, text, problem):
    found = expression_problems(text, dialect, COLUMNS, table="items")

    assert any(problem in p for p in found), found


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
@pytest.mark.parametrize(
    "text",
    [
        "price >= 0",
        "PRICE >= 0 AND price < 1e9",
        '"price" BETWEEN 0 AND 10',
        '"Größe" > 0',
        '"select" IS NOT NULL',
        '"Mixed Case" <> \'a);b\'',  # a parenthesis and a ';' inside a string are text
        "items.price > 0",
        "length(\"select\") > 0 AND price IN (1, 2, 3)",
    ],
)
def test_expressions_on_the_tables_columns_pass(dialect, text):
    assert expression_problems(text, dialect, COLUMNS, table="items") == []


def test_mysql_reads_backticks_as_names_and_double_quotes_as_strings():
    assert expression_problems("`Größe` > 0 AND `select` <> \"pric\"", "mysql", COLUMNS) == []
    assert expression_problems("`pric` > 0", "mysql", COLUMNS) == ["names column “pric”, which the table does not have"]


def test_a_backslash_escape_is_read_as_each_dialect_reads_it():
    text = "'x\\'); DROP TABLE items; --'"  # one string for MySQL, a way out for the others

    assert expression_problems(text, "mysql", COLUMNS) == []
    assert "closes a parenthesis it did not open" in expression_problems(text, "postgresql", COLUMNS)


def test_quoted_names_match_exactly_unquoted_ones_regardless_of_case():
    assert expression_problems('"PRICE" > 0', "postgresql", COLUMNS) == ["names column “PRICE”, which the table does not have"]
    assert expression_problems("PRICE > 0", "postgresql", COLUMNS) == []


def test_another_tables_name_is_refused():
    assert expression_problems("orders.price > 0", "postgresql", COLUMNS, table="items") == ["names table “orders”, not this one"]


def test_a_default_names_no_column():
    assert expression_problems("price + 1", "postgresql", ()) == ["names a column, which a default cannot"]
    assert expression_problems("CURRENT_TIMESTAMP", "sqlite", ()) == []


def test_lenient_reading_lets_through_safe_text_sqlglot_cannot_read():
    text = "price > ALL 0"  # sqlglot cannot read it, yet it stays inside its parentheses

    assert expression_problems(text, "postgresql", COLUMNS, strict=False) == []
    assert expression_problems(text, "postgresql", COLUMNS)[0].startswith("cannot be read as SQL")
    assert expression_problems("price >= 0); DROP TABLE t; --", "postgresql", COLUMNS, strict=False)


def test_check_expression_raises_an_engine_error_naming_each_problem():
    with pytest.raises(ExpressionError) as raised:
        check_expression("pric >= 0); x", "postgresql", COLUMNS, what="The check")

    assert isinstance(raised.value, SchemaError)
    assert raised.value.problems[0].startswith("The check “pric >= 0); x” ")
    assert check_expression("price >= 0", "sqlite", COLUMNS) == "price >= 0"


# ---------------------------------------------------------------- functions per dialect


@pytest.mark.parametrize(
    ("text", "dialect", "expected"),
    [
        ("now()", "sqlite", "CURRENT_TIMESTAMP"),
        ("NOW( )", "sqlite", "CURRENT_TIMESTAMP"),
        ("CURRENT_TIMESTAMP()", "sqlite", "CURRENT_TIMESTAMP"),
        ("date(now())", "sqlite", "date(CURRENT_TIMESTAMP)"),
        ("curdate()", "postgresql", "CURRENT_DATE"),
        ("now()", "postgresql", "now()"),
        ("now()", "mysql", "now()"),
        ("CURRENT_TIMESTAMP", "sqlite", "CURRENT_TIMESTAMP"),
        ("'now()'", "sqlite", "'now()'"),  # a string is text
        ("gen_random_uuid()", "postgresql", "gen_random_uuid()"),
    ],
)
def test_functions_are_written_as_the_dialect_has_them(text, dialect, expected):
    assert portable_expression(text, dialect) == expected


@pytest.mark.parametrize(
    ("text", "dialect", "message"),
    [
        ("gen_random_uuid()", "sqlite", "SQLite has no function gen_random_uuid()"),
        ("gen_random_uuid()", "mysql", "MySQL has no function gen_random_uuid()"),
        ("uuid()", "postgresql", "PostgreSQL has no function uuid()"),
        ("strftime('%s', 'now')", "postgresql", "PostgreSQL has no function strftime()"),
    ],
)
def test_a_function_the_dialect_lacks_is_refused_by_name(text, dialect, message):
    with pytest.raises(UnsupportedChange, match=re.escape(message)):
        portable_expression(text, dialect)


def test_rendering_writes_now_as_sqlite_has_it_and_refuses_what_it_lacks():
    def table(default: str) -> Schema:
        column = Column("at", ColumnType("timestamp"), default=Default(default, True))
        return Schema(tables=(Table("events", (column,), checks=(Check("at > date(now())", "recent"),)),))

    sql = script_text(render(diff(Schema(), table("now()")), Schema(), "sqlite"))

    assert '"at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP' in sql
    assert "CHECK (at > date(CURRENT_TIMESTAMP))" in sql
    assert "DEFAULT now()" in script_text(render(diff(Schema(), table("now()")), Schema(), "postgresql"))
    with pytest.raises(UnsupportedChange, match="SQLite has no function gen_random_uuid()"):
        render(diff(Schema(), table("gen_random_uuid()")), Schema(), "sqlite")


def test_rendering_refuses_text_that_is_one_expression_only_in_another_dialect():
    check = Check("note <> 'x\\'); DROP TABLE items; --'", "c")  # one string for MySQL only
    schema = Schema(tables=(Table("items", (Column("note", ColumnType("text")),), checks=(check,)),))

    assert "CHECK (note <> 'x\\'); DROP TABLE items; --')" in script_text(render(diff(Schema(), schema), Schema(), "mysql"))
    with pytest.raises(UnsupportedChange, match="PostgreSQL would not read .* closes a parenthesis"):
        render(diff(Schema(), schema), Schema(), "postgresql")


def test_predicates_sqlglot_reads_as_a_column_after_is_are_not_unknown_columns():
    # PostgreSQL writes these back in checks on xml/text columns; they must load.
    for text in ("x IS DOCUMENT", "x IS NOT DOCUMENT", "x IS NFC NORMALIZED"):
        assert expression_problems(text, "postgresql", ["x"]) == []
    assert expression_problems("pric IS NULL", "postgresql", ["x"]) == ["names column “pric”, which the table does not have"]
