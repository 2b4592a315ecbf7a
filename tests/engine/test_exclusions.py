"""Exclusion constraints (PostgreSQL's EXCLUDE) in the model: snapshot, names, checks, diff,
operations and the SQL each dialect writes (or refuses). Live round trips are in
``test_exclusions_postgresql.py``."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from migrations_engine import snapshot
from migrations_engine.diff import diff
from migrations_engine.errors import SchemaError, SnapshotFormatError, UnsupportedChange
from migrations_engine.naming import with_default_names
from migrations_engine.operations import (
    AddExclusion,
    CreateTable,
    DropColumn,
    DropExclusion,
    Operation,
    RenameColumn,
    RenameConstraint,
    SetComment,
    apply_all,
    reverse_all,
)
from migrations_engine.render import render
from migrations_engine.schema import Column, Exclusion, Index, IndexKey, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

T = ColumnType.parse

NO_OVERLAP = Exclusion(
    ("room", "during"),
    ("=", "&&"),
    name="no_overlap",
    method="gist",
    where="NOT cancelled",
    deferrable=True,
    initially_deferred=True,
    comment="one booking per room at a time",
)
LOWER_NAME = Exclusion(
    ("lower(name)", "during"),
    ("=", "&&"),
    name="one_name",
    method="gist",
    keys=(IndexKey(expression=True, opclass="gist_text_ops"), IndexKey()),
    include=("id",),
)


def booking(*exclusions: Exclusion, **changes) -> Table:
    table = Table(
        "booking",
        columns=(
            Column("id", T("integer"), nullable=False),
            Column("room", T("integer"), nullable=False),
            Column("during", T("postgresql:tstzrange"), nullable=False),
            Column("name", T("text")),
            Column("cancelled", T("boolean"), nullable=False),
        ),
        primary_key=PrimaryKey(("id",), "booking_pkey"),
        exclusions=exclusions,
    )
    return replace(table, **changes)


def schema(*exclusions: Exclusion, **changes) -> Schema:
    return with_default_names(Schema(tables=(booking(*exclusions, **changes),)))


# ------------------------------------------------------------------ snapshot


def test_snapshot_round_trip_keeps_every_option():
    original = schema(NO_OVERLAP, LOWER_NAME)
    text = snapshot.dumps(original)
    assert snapshot.loads(text) == original
    data = json.loads(text)
    assert data["format"] == "schema-snapshot/3"
    written = {x["name"]: x for x in data["tables"][0]["exclusions"]}
    assert written["no_overlap"] == {
        "name": "no_overlap",
        "method": "gist",
        "columns": ["room", "during"],
        "operators": ["=", "&&"],
        "where": "NOT cancelled",
        "deferrable": True,
        "initially_deferred": True,
        "comment": "one booking per room at a time",
    }
    assert written["one_name"]["keys"] == [{"expression": True, "opclass": "gist_text_ops"}, {}]
    assert written["one_name"]["include"] == ["id"]


def test_a_schema_without_exclusions_is_written_as_before():
    assert "exclusions" not in snapshot.to_data(schema())["tables"][0]
    assert snapshot.to_data(schema())["format"] == "schema-snapshot/1"


def test_unknown_key_in_an_exclusion_is_refused():
    data = snapshot.to_data(schema(NO_OVERLAP))
    data["tables"][0]["exclusions"][0]["operator"] = "&&"
    del data["hash"]
    with pytest.raises(SnapshotFormatError, match=r"exclusions\[0\]: unknown key 'operator'"):
        snapshot.from_data(data)


def test_snapshot_with_a_wrong_number_of_operators_is_refused():
    data = snapshot.to_data(schema(NO_OVERLAP))
    data["tables"][0]["exclusions"][0]["operators"] = ["&&"]
    del data["hash"]
    with pytest.raises(SnapshotFormatError, match="2 elements but 1 operators"):
        snapshot.from_data(data)


# ------------------------------------------------------------------ names and checks


def test_conventional_name_is_postgresqls():
    unnamed = Exclusion(("room", "during"), ("=", "&&"), method="gist")
    assert schema(unnamed).table("booking").exclusions[0].name == "booking_room_during_excl"
    expression = Exclusion(("lower(name)",), ("=",), keys=(IndexKey(expression=True),), include=("id",))
    assert schema(expression).table("booking").exclusions[0].name == "booking_expr_id_excl"


def test_exclusion_names_are_index_names():
    taken = Index(("room",), "booking_room_during_excl")
    named = schema(Exclusion(("room", "during"), ("=", "&&")), indexes=(taken,))
    assert named.table("booking").exclusions[0].name == "booking_room_during_excl1"
    clash = Schema(tables=(booking(replace(NO_OVERLAP, name="booking_pkey")),))
    assert any("'booking_pkey' used twice" in p for p in problems(clash))


def test_problems_name_the_faulty_exclusion():
    bad = Exclusion(("room", "gone"), ("=",), name="bad", include=("nothing",), where="missing > 0")
    found = " | ".join(problems(Schema(tables=(booking(bad),))))
    assert "exclusion constraint bad names unknown column 'gone'" in found
    assert "exclusion constraint bad names unknown column 'nothing'" in found
    assert "exclusion constraint bad has 2 elements but 1 operators" in found
    assert "exclusion constraint bad condition 'missing > 0'" in found


# ------------------------------------------------------------------ diff


def test_added_and_dropped():
    assert diff(schema(), schema(NO_OVERLAP)) == [AddExclusion("booking", NO_OVERLAP)]
    assert diff(schema(NO_OVERLAP), schema()) == [DropExclusion("booking", NO_OVERLAP)]


def test_a_changed_exclusion_is_dropped_then_added():
    changed = replace(NO_OVERLAP, where=None)
    assert diff(schema(NO_OVERLAP), schema(changed)) == [
        DropExclusion("booking", NO_OVERLAP),
        AddExclusion("booking", changed),
    ]


def test_a_new_name_alone_is_a_rename():
    renamed = replace(NO_OVERLAP, name="no_double_booking")
    assert diff(schema(NO_OVERLAP), schema(renamed)) == [RenameConstraint("booking", "no_overlap", "no_double_booking")]


def test_a_comment_alone_is_set_in_place():
    quiet = replace(NO_OVERLAP, comment=None)
    assert diff(schema(NO_OVERLAP), schema(quiet)) == [
        SetComment("booking", "exclusion", "no_overlap", "one booking per room at a time", None)
    ]


def test_a_renamed_column_is_followed_into_the_exclusion():
    old = Schema(tables=(replace(booking(NO_OVERLAP, LOWER_NAME), id="t", columns=tuple(replace(c, id=c.name) for c in booking().columns)),))
    new_columns = tuple(
        replace(c, id=c.name, name={"name": "title", "cancelled": "void"}.get(c.name, c.name)) for c in booking().columns
    )
    new_exclusions = (
        replace(NO_OVERLAP, where="NOT void"),
        replace(LOWER_NAME, columns=("lower(title)", "during")),
    )
    new = Schema(tables=(replace(booking(*new_exclusions), id="t", columns=new_columns),))
    operations = diff(old, new)
    assert operations == [RenameColumn("booking", "name", "title"), RenameColumn("booking", "cancelled", "void")]
    assert with_default_names(apply_all(operations, old)) == with_default_names(new)


# ------------------------------------------------------------------ operations


def test_rename_column_renames_inside_elements_expressions_include_and_condition():
    start = schema(NO_OVERLAP, LOWER_NAME)
    after = RenameColumn("booking", "id", "ident").apply(start)
    after = RenameColumn("booking", "name", "title").apply(after)
    after = RenameColumn("booking", "cancelled", "void").apply(after)
    after = RenameColumn("booking", "room", "place").apply(after)
    by_name = {x.name: x for x in after.table("booking").exclusions}
    assert by_name["no_overlap"].columns == ("place", "during")
    assert by_name["no_overlap"].where == "NOT void"
    assert by_name["one_name"].columns == ("lower(title)", "during")
    assert by_name["one_name"].include == ("ident",)


@pytest.mark.parametrize(
    ("column", "users"),
    [("room", "“no_overlap”"), ("cancelled", "“no_overlap”"), ("name", "“one_name”"), ("id", "“one_name”")],
)
def test_a_column_in_use_cannot_be_dropped_before_its_exclusion(column, users):
    """As an element, in the condition, in an expression, as an INCLUDE column."""
    start = schema(NO_OVERLAP, LOWER_NAME)
    with pytest.raises(SchemaError, match=f"drop its .*exclusion constraint {users}"):
        DropColumn("booking", start.table("booking").column(column)).apply(start)
    table = replace(start.table("booking"), primary_key=None, exclusions=())
    assert not DropColumn("booking", table.column(column)).apply(start.replace_table("booking", table)).table("booking").has_column(column)


def test_a_taken_name_is_refused():
    with pytest.raises(SchemaError, match="has a primary key named 'booking_pkey' already"):
        AddExclusion("booking", replace(NO_OVERLAP, name="booking_pkey")).apply(schema())


def test_rename_constraint_and_set_comment_find_it():
    start = schema(NO_OVERLAP)
    renamed = RenameConstraint("booking", "no_overlap", "no_double").apply(start)
    assert renamed.table("booking").exclusions[0].name == "no_double"
    commented = SetComment("booking", "exclusion", "no_overlap", NO_OVERLAP.comment, "new").apply(start)
    assert commented.table("booking").exclusions[0].comment == "new"


@pytest.mark.parametrize("op", [AddExclusion("booking", LOWER_NAME), DropExclusion("booking", NO_OVERLAP)])
def test_operations_serialise_reverse_and_describe(op):
    assert Operation.from_data(json.loads(json.dumps(op.to_data()))) == op
    assert op.reverse().reverse() == op
    assert f"“{op.exclusion.name}”" in op.describe()
    assert not op.destructive
    start = schema(NO_OVERLAP)
    assert reverse_all([op])[0].apply(op.apply(start)) == start


def test_describe_shows_the_elements_and_operators():
    assert AddExclusion("booking", NO_OVERLAP).describe() == (
        "Add exclusion constraint “no_overlap” on “booking” using gist (“room” WITH =, “during” WITH &&)"
        " where NOT cancelled"
    )


# ------------------------------------------------------------------ SQL


def test_postgresql_create_table_writes_the_constraints_and_their_comment():
    statements = [s.sql for s in render([CreateTable(booking(NO_OVERLAP, LOWER_NAME))], Schema(), "postgresql")]
    assert statements == [
        'CREATE TABLE "booking" (\n'
        '  "id" integer NOT NULL,\n'
        '  "room" integer NOT NULL,\n'
        '  "during" tstzrange NOT NULL,\n'
        '  "name" text,\n'
        '  "cancelled" boolean NOT NULL,\n'
        '  CONSTRAINT "booking_pkey" PRIMARY KEY ("id"),\n'
        '  CONSTRAINT "no_overlap" EXCLUDE USING gist ("room" WITH =, "during" WITH &&)'
        " WHERE (NOT cancelled) DEFERRABLE INITIALLY DEFERRED,\n"
        '  CONSTRAINT "one_name" EXCLUDE USING gist ((lower(name)) "gist_text_ops" WITH =, "during" WITH &&)'
        ' INCLUDE ("id")\n'
        ")",
        "COMMENT ON CONSTRAINT \"no_overlap\" ON \"booking\" IS 'one booking per room at a time'",
    ]


def test_postgresql_add_drop_rename_and_comment():
    start = schema()
    plain = Exclusion(("name",), ("=",), name="ex1")
    deferrable = Exclusion(("during",), ("&&",), name="ex2", method="gist", deferrable=True)
    ops = [
        AddExclusion("booking", plain),
        AddExclusion("booking", deferrable),
        RenameConstraint("booking", "ex1", "ex3"),
        SetComment("booking", "exclusion", "ex3", None, "it's"),
        DropExclusion("booking", deferrable),
    ]
    assert [s.sql for s in render(ops, start, "postgresql")] == [
        'ALTER TABLE "booking" ADD CONSTRAINT "ex1" EXCLUDE USING btree ("name" WITH =)',
        'ALTER TABLE "booking" ADD CONSTRAINT "ex2" EXCLUDE USING gist ("during" WITH &&) DEFERRABLE',
        'ALTER TABLE "booking" RENAME CONSTRAINT "ex1" TO "ex3"',
        "COMMENT ON CONSTRAINT \"ex3\" ON \"booking\" IS 'it''s'",
        'ALTER TABLE "booking" DROP CONSTRAINT "ex2"',
    ]


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
@pytest.mark.parametrize(
    "op",
    [CreateTable(booking(NO_OVERLAP)), AddExclusion("booking", NO_OVERLAP)],
    ids=["create_table", "add_exclusion"],
)
def test_other_dialects_refuse_naming_the_constraint(dialect, op):
    start = Schema() if isinstance(op, CreateTable) else schema()
    with pytest.raises(UnsupportedChange, match=f"{dialect} has no exclusion constraints: table 'booking' has EXCLUDE constraint 'no_overlap'"):
        render([op], start, dialect)


def test_an_exclusion_goes_before_its_column_and_comes_after_a_new_one():
    on_name = Exclusion(("name",), ("=",), name="one_name")
    without_name = booking(columns=tuple(c for c in booking().columns if c.name != "name"))
    old = with_default_names(Schema(tables=(booking(on_name),)))
    new = with_default_names(Schema(tables=(without_name,)))
    assert [op.kind for op in diff(old, new)] == ["drop_exclusion", "drop_column"]
    assert [op.kind for op in diff(new, old)] == ["add_column", "add_exclusion"]


# ------------------------------------------------------------------ three-way merge


def test_merge_keeps_an_exclusion_added_on_one_side_and_a_column_renamed_on_the_other():
    from migrations_engine.merge import merge

    columns = tuple(replace(c, id=f"c-{c.name}") for c in booking().columns)
    base = Schema(tables=(booking(columns=columns, id="t"),))
    ours = Schema(tables=(booking(replace(NO_OVERLAP, id="x"), columns=columns, id="t"),))
    renamed = tuple(replace(c, name="place") if c.name == "room" else c for c in columns)
    theirs = Schema(tables=(booking(columns=renamed, id="t"),))

    result = merge(base, ours, theirs)

    assert result.clean
    assert result.schema.table("booking").exclusions[0].columns == ("place", "during")
