"""Rename suggestions after an import paired by name (migrations_engine.renames)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.diff import diff
from migrations_engine.operations import RenameColumn, RenameTable
from migrations_engine.pairing import adopt_ids
from migrations_engine.renames import (
    COLUMN,
    TABLE,
    RenameNotApplicable,
    RenameSuggestion,
    apply_rename,
    find_suggestion,
    suggest_renames,
)
from migrations_engine.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType


def col(name: str, type_: str = "integer", uid: str | None = None) -> Column:
    return Column(name, ColumnType.parse(type_), id=uid)


def designed() -> Schema:
    """A schema as the designer holds it: every element has an id."""
    return Schema(
        tables=(
            Table(
                "customer",
                columns=(col("id", "bigint", "c-id"), col("email", "varchar(200)", "c-email"), col("age", "integer", "c-age")),
                primary_key=PrimaryKey(("id",), "customer_pkey", "pk-customer"),
                indexes=(Index(("email",), "customer_email_idx", id="i-email"),),
                id="t-customer",
            ),
            Table(
                "orders",
                columns=(col("id", "bigint", "o-id"), col("customer_id", "bigint", "o-customer")),
                primary_key=PrimaryKey(("id",), "orders_pkey", "pk-orders"),
                foreign_keys=(ForeignKey(("customer_id",), "customer", ("id",), "orders_customer_fk", id="fk-orders"),),
                id="t-orders",
            ),
        )
    )


def without_ids(schema: Schema) -> Schema:
    """The schema as an import reads it: no ids at all."""
    def table(t: Table) -> Table:
        return replace(
            t, id=None, columns=tuple(replace(c, id=None) for c in t.columns),
            primary_key=replace(t.primary_key, id=None) if t.primary_key else None,
            indexes=tuple(replace(i, id=None) for i in t.indexes),
            foreign_keys=tuple(replace(f, id=None) for f in t.foreign_keys),
        )
    return Schema(tables=tuple(table(t) for t in schema.tables))


def imported(old: Schema, incoming: Schema) -> Schema:
    """``incoming`` (read without ids) paired by name with ``old``, new elements given ids as a
    draft gives them."""
    paired = adopt_ids(without_ids(incoming), old)
    n = iter(range(1000))

    def table(t: Table) -> Table:
        return replace(t, id=t.id or f"new-t{next(n)}", columns=tuple(replace(c, id=c.id or f"new-c{next(n)}") for c in t.columns))
    return Schema(tables=tuple(table(t) for t in paired.tables))


def rename_column(schema: Schema, table: str, old: str, new: str) -> Schema:
    t = schema.table(table)
    return schema.replace_table(table, t.replace_column(old, replace(t.column(old), name=new)))


def test_a_renamed_column_is_suggested_and_applied_as_a_rename() -> None:
    old = designed()
    new = imported(old, rename_column(old, "customer", "age", "years"))
    suggestions = suggest_renames(old, new)
    assert suggestions == [RenameSuggestion(COLUMN, "customer", "age", "years")]
    assert suggestions[0].key == "column:customer:age:years"
    assert suggestions[0].describe() == "Rename column customer.age to years"
    assert [type(op).__name__ for op in diff(old, new)] == ["DropColumn", "AddColumn"]
    renamed = apply_rename(new, suggestions[0], old)
    assert renamed.table("customer").column("years").id == "c-age"
    assert [type(op) for op in diff(old, renamed)] == [RenameColumn]
    assert suggest_renames(old, renamed) == []  # applied: no longer offered


def test_a_column_of_another_type_is_not_suggested() -> None:
    old = designed()
    t = old.table("customer")
    changed = old.replace_table("customer", replace(t, columns=(*t.columns[:2], col("birth_year", "smallint"))))
    assert suggest_renames(old, imported(old, changed)) == []


def test_two_columns_gone_are_not_guessed() -> None:
    old = designed()
    t = old.table("customer")
    changed = old.replace_table("customer", replace(t, columns=(t.columns[0], col("mail", "varchar(200)"), col("years", "integer"))))
    changed = replace(changed, tables=tuple(replace(x, indexes=()) for x in changed.tables))
    assert suggest_renames(old, imported(old, changed)) == []


def test_a_column_only_added_is_not_a_rename() -> None:
    old = designed()
    t = old.table("customer")
    changed = old.replace_table("customer", replace(t, columns=(*t.columns, col("note", "text"))))
    assert suggest_renames(old, imported(old, changed)) == []


def test_a_renamed_table_is_suggested_and_keeps_its_parts() -> None:
    old = designed()
    t = old.table("orders")
    changed = old.without_table("orders").with_table(replace(t, name="purchase"))
    new = imported(old, changed)
    suggestions = suggest_renames(old, new)
    assert suggestions == [RenameSuggestion(TABLE, "", "orders", "purchase")]
    assert suggestions[0].describe() == "Rename table orders to purchase"
    renamed = apply_rename(new, suggestions[0], old)
    table = renamed.table("purchase")
    assert (table.id, table.column("customer_id").id, table.primary_key.id) == ("t-orders", "o-customer", "pk-orders")
    assert table.foreign_keys[0].id == "fk-orders"
    assert [type(op) for op in diff(old, renamed)] == [RenameTable]
    assert suggest_renames(old, renamed) == []


def test_a_table_with_other_columns_is_not_a_rename() -> None:
    old = designed()
    t = old.table("orders")
    changed = old.without_table("orders").with_table(replace(t, name="purchase", columns=(*t.columns, col("total"))))
    assert suggest_renames(old, imported(old, changed)) == []


def test_two_candidates_for_one_table_are_not_guessed() -> None:
    old = Schema(tables=(Table("a", (col("x", uid="a-x"),), id="t-a"), Table("b", (col("x", uid="b-x"),), id="t-b")))
    new = Schema(tables=(Table("c", (col("x", uid="n1"),), id="t-c"),))
    assert suggest_renames(old, new) == []


def test_find_suggestion_by_key_and_refusals() -> None:
    old = designed()
    new = imported(old, rename_column(old, "customer", "age", "years"))
    found = find_suggestion(old, new, "column:customer:age:years")
    assert found is not None and found.new_name == "years"
    assert find_suggestion(old, new, "column:customer:age:nope") is None
    with pytest.raises(RenameNotApplicable, match="no column 'nope'"):
        apply_rename(new, RenameSuggestion(COLUMN, "customer", "age", "nope"), old)
    with pytest.raises(RenameNotApplicable, match="no table 'ghost'"):
        apply_rename(new, RenameSuggestion(TABLE, "", "ghost", "customer"), old)


def test_names_with_spaces_quotes_and_unicode() -> None:
    old = Schema(tables=(Table('my "table"', (col("id", uid="i"), col("prénom ü", "text", "p")), id="t"),))
    new = imported(old, rename_column(old, 'my "table"', "prénom ü", "名前"))
    (suggestion,) = suggest_renames(old, new)
    assert suggestion.new_name == "名前"
    assert suggestion.key == "column:my%20%22table%22:pr%C3%A9nom%20%C3%BC:%E5%90%8D%E5%89%8D"
    assert RenameSuggestion(COLUMN, "a:b", "c", "d").key != RenameSuggestion(COLUMN, "a", "b:c", "d").key
    assert apply_rename(new, suggestion, old).table('my "table"').column("名前").id == "p"
