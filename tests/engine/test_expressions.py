"""Renaming columns inside the SQL expressions the schema keeps as text."""

from __future__ import annotations

import pytest

from migrations_engine.compare import normalized
from migrations_engine.diff import diff
from migrations_engine.expressions import (
    rename_column_in,
    rename_columns_in,
    unquote_names,
)
from migrations_engine.operations import RenameColumn
from migrations_engine.schema import Check, Column, Index, PrimaryKey, Schema, Table
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
