"""Conventional names of constraints and indexes, and the cut of long names."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given

from migrations_engine.naming import (
    MAX_NAME_LENGTH,
    check_name,
    fit_name,
    foreign_key_name,
    index_name,
    primary_key_name,
    unique_name,
    with_default_names,
)
from migrations_engine.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

from .strategies import model_settings, names

INTEGER = ColumnType("integer")


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def test_conventions():
    assert primary_key_name("user") == "user_pkey"
    assert foreign_key_name("order", ("user id",)) == "order_user id_fkey"
    assert foreign_key_name("order", ("a", "b")) == "order_a_b_fkey"
    assert unique_name("user", ("e-mail",)) == "user_e-mail_key"
    assert index_name("表", ("naïve", "x")) == "表_naïve_x_idx"
    assert check_name("t", '"a" > 0') == f"t_{_hash8(chr(34) + 'a' + chr(34) + ' > 0')}_check"


def test_check_name_depends_on_the_table_and_expression_only():
    assert check_name("t", "a > 0") == check_name("t", "a > 0")
    assert check_name("t", "a > 0") != check_name("t", "a > 1")
    assert check_name("t", "a > 0") != check_name("u", "a > 0")


def _table() -> Table:
    return Table(
        "t",
        columns=(Column("a", INTEGER, nullable=False), Column("b", INTEGER)),
        primary_key=PrimaryKey(("a",)),
        foreign_keys=(ForeignKey(("b",), "t", ("a",)),),
        uniques=(Unique(("b",)), Unique(("a", "b"), name="explicit")),
        checks=(Check("b > 0"),),
        indexes=(Index(("b", "a"), unique=True), Index(("a",), name="mine")),
    )


def test_with_default_names_fills_every_unnamed_element():
    table = with_default_names(Schema(tables=(_table(),))).table("t")
    assert table.primary_key == PrimaryKey(("a",), name="t_pkey")
    assert [fk.name for fk in table.foreign_keys] == ["t_b_fkey"]
    assert [u.name for u in table.uniques] == ["explicit", "t_b_key"]
    assert [c.name for c in table.checks] == [check_name("t", "b > 0")]
    assert [i.name for i in table.indexes] == ["mine", "t_b_a_idx"]


def test_with_default_names_keeps_explicit_names_and_is_idempotent():
    named = with_default_names(Schema(tables=(_table(),)))
    assert with_default_names(named) is named
    assert "explicit" in [u.name for u in named.table("t").uniques]


def test_names_follow_the_current_table_and_column_names():
    table = replace(_table(), name="renamed")
    named = with_default_names(Schema(tables=(table,))).table("renamed")
    assert named.primary_key.name == "renamed_pkey"
    assert "renamed_b_key" in [u.name for u in named.uniques]


# ------------------------------------------------------------------ long names


def test_names_up_to_the_limit_are_kept():
    name = "n" * MAX_NAME_LENGTH
    assert fit_name(name) == name
    three_bytes_each = "表" * 21  # 63 bytes
    assert fit_name(three_bytes_each) == three_bytes_each


def test_long_names_are_cut_and_end_in_a_hash_of_the_whole_name():
    name = "a" * 64
    fitted = fit_name(name)
    assert len(fitted) == MAX_NAME_LENGTH
    assert fitted == "a" * 54 + "_" + _hash8(name)


def test_long_non_ascii_names_are_cut_to_63_bytes():
    name = "表" * 30
    fitted = fit_name(name)
    assert len(fitted.encode("utf-8")) <= MAX_NAME_LENGTH
    assert fitted == "表" * 18 + "_" + _hash8(name)


def test_names_sharing_a_long_prefix_stay_distinct():
    prefix = "x" * 70
    assert fit_name(prefix + "_a_key") != fit_name(prefix + "_b_key")


def test_conventional_names_of_long_tables_fit():
    table = "t" * 60
    for name in (primary_key_name(table), foreign_key_name(table, ("c" * 30,)), index_name(table, ("a", "b"))):
        assert len(name.encode("utf-8")) <= MAX_NAME_LENGTH
    assert primary_key_name(table) == fit_name(table + "_pkey")


@given(names, names)
@model_settings(100)
def test_fitted_names_are_short_stable_and_keep_short_names(table, column):
    name = foreign_key_name(table * 3, (column, column))
    assert len(name.encode("utf-8")) <= MAX_NAME_LENGTH
    assert name == foreign_key_name(table * 3, (column, column))
    full = f"{table}_{column}_key"
    if len(full.encode("utf-8")) <= MAX_NAME_LENGTH:
        assert unique_name(table, (column,)) == full


def test_custom_limit():
    assert fit_name("abcdefghij", limit=10) == "abcdefghij"
    assert len(fit_name("abcdefghijk", limit=10)) == 10


# ------------------------------------------------------------------ clashes


def test_two_foreign_keys_on_the_same_columns_get_distinct_names():
    key = Column("id", INTEGER, nullable=False)
    x = Table("x", columns=(key,), primary_key=PrimaryKey(("id",)))
    y = Table("y", columns=(key,), primary_key=PrimaryKey(("id",)))
    t = Table("t", columns=(Column("a", INTEGER),), foreign_keys=(ForeignKey(("a",), "x", ("id",)), ForeignKey(("a",), "y", ("id",))))
    assert problems(with_default_names(Schema(tables=(t, x, y)))) == []


def test_two_indexes_on_the_same_columns_get_distinct_names():
    t = Table("t", columns=(Column("a", INTEGER),), indexes=(Index(("a",)), Index(("a",), unique=True)))
    assert problems(with_default_names(Schema(tables=(t,)))) == []


def _fk_table(*targets: str) -> Table:
    return Table("t", columns=(Column("a", INTEGER),), foreign_keys=tuple(ForeignKey(("a",), r, ("id",)) for r in targets))


def _targets(*names: str) -> tuple[Table, ...]:
    key = Column("id", INTEGER, nullable=False)
    return tuple(Table(n, columns=(key,), primary_key=PrimaryKey(("id",), name=f"{n}_pkey")) for n in names)


def test_a_taken_conventional_name_gets_the_first_free_number_as_postgresql_does():
    schema = with_default_names(Schema(tables=(_fk_table("x", "y", "z"), *_targets("x", "y", "z"))))
    assert {fk.ref_table: fk.name for fk in schema.table("t").foreign_keys} == {
        "x": "t_a_fkey",
        "y": "t_a_fkey1",
        "z": "t_a_fkey2",
    }


def test_numbering_follows_the_canonical_order_not_the_listing_order():
    forwards = with_default_names(Schema(tables=(_fk_table("x", "y"), *_targets("x", "y"))))
    backwards = with_default_names(Schema(tables=(_fk_table("y", "x"), *_targets("y", "x"))))
    assert forwards == backwards


def test_explicit_names_keep_theirs_and_unnamed_elements_step_aside():
    t = Table(
        "t",
        columns=(Column("a", INTEGER),),
        uniques=(Unique(("a",)), Unique(("a",), name="t_a_key")),
        indexes=(Index(("a",)), Index(("a",), name="t_a_idx1")),
        checks=(Check("a > 0", name=index_name("t", ("a",))),),
    )
    named = with_default_names(Schema(tables=(t,))).table("t")
    assert [u.name for u in named.uniques] == ["t_a_key", "t_a_key1"]
    assert [i.name for i in named.indexes] == ["t_a_idx1", "t_a_idx2"]
    assert [c.name for c in named.checks] == ["t_a_idx"]


def test_two_identical_unnamed_checks_get_distinct_names():
    t = Table("t", columns=(Column("a", INTEGER),), checks=(Check("a > 0"), Check("a > 0")))
    named = with_default_names(Schema(tables=(t,))).table("t")
    assert [c.name for c in named.checks] == [check_name("t", "a > 0"), check_name("t", "a > 0") + "1"]


def test_index_names_are_distinct_across_tables():
    # "a" on ("b", "c") and "a_b" on ("c",) both make a_b_c_idx; index names are per schema.
    a = Table("a", columns=(Column("b", INTEGER), Column("c", INTEGER)), indexes=(Index(("b", "c")),))
    a_b = Table("a_b", columns=(Column("c", INTEGER),), indexes=(Index(("c",)),), uniques=(Unique(("c",)),))
    named = with_default_names(Schema(tables=(a, a_b)))
    assert [i.name for i in named.table("a").indexes] == ["a_b_c_idx"]
    assert [i.name for i in named.table("a_b").indexes] == ["a_b_c_idx1"]
    assert problems(named) == []


def test_foreign_key_and_check_names_may_repeat_across_tables():
    t = Table("t", columns=(Column("a", INTEGER),), foreign_keys=(ForeignKey(("a",), "t", ("a",)),), checks=(Check("a > 0"),))
    u = Table(
        "u",
        columns=(Column("a", INTEGER),),
        foreign_keys=(ForeignKey(("a",), "u", ("a",), name="t_a_fkey"),),
        checks=(Check("a > 0", name=check_name("t", "a > 0")),),
    )
    named = with_default_names(Schema(tables=(t, u))).table("t")
    assert [fk.name for fk in named.foreign_keys] == ["t_a_fkey"]
    assert [c.name for c in named.checks] == [check_name("t", "a > 0")]


def test_numbered_long_names_still_fit():
    long = "t" * 70
    t = Table(long, columns=(Column("a", INTEGER),), indexes=(Index(("a",)), Index(("a",), unique=True)))
    names = [i.name for i in with_default_names(Schema(tables=(t,))).table(long).indexes]
    assert len(set(names)) == 2
    assert all(len(n.encode("utf-8")) <= MAX_NAME_LENGTH for n in names)
    assert index_name(long, ("a",)) in names


def test_a_schema_is_named_once_and_its_named_form_is_named_already():
    integer = ColumnType.parse("integer")
    parent = Table("parent", (Column("id", integer),), PrimaryKey(("id",)))
    child = Table("child", (Column("parent_id", integer),), foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",)),))
    schema = Schema((parent, child))

    named = with_default_names(schema)

    assert with_default_names(schema) is named and with_default_names(named) is named
    assert named == with_default_names(replace(schema))  # a fresh copy, named afresh, gives the same
    assert named.table("child").foreign_keys[0].name == "child_parent_id_fkey"
    assert schema.table("child").foreign_keys[0].name is None  # the original is left as it was
