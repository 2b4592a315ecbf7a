"""The JSON snapshot format: round trips, canonical order, the content hash, and every refusal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from hypothesis import given

from migrations_engine import snapshot
from migrations_engine.errors import SnapshotFormatError
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Check, Column, Default, Enum, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

from .strategies import finish, model_settings, sample_schema, schemas

INTEGER = ColumnType("integer")


def _data(**body) -> dict:
    return {"format": "schema-snapshot/1", **body}


def _refusal(data) -> str:
    with pytest.raises(SnapshotFormatError) as caught:
        snapshot.from_data(data)
    return str(caught.value)


# ------------------------------------------------------------------ round trips


def test_load_of_dump_gives_the_schema_back():
    schema = sample_schema()
    assert snapshot.loads(snapshot.dumps(schema)) == schema


def test_dump_of_load_gives_the_same_text():
    text = snapshot.dumps(sample_schema())
    assert snapshot.dumps(snapshot.loads(text)) == text


def test_files_round_trip(tmp_path):
    path = tmp_path / "schema.json"
    snapshot.dump(sample_schema(), path)
    assert snapshot.load(path) == sample_schema()
    assert path.read_text(encoding="utf-8").endswith("}\n")


def test_text_keeps_non_ascii_names_as_they_are():
    assert "naïve 表" in snapshot.dumps(sample_schema())


def test_empty_schema():
    assert snapshot.to_data(Schema()) == {
        "format": "schema-snapshot/1",
        "hash": snapshot.content_hash(Schema()),
        "enums": [],
        "tables": [],
    }
    assert snapshot.loads(snapshot.dumps(Schema())) == Schema()


@given(schemas(natives=True))
@model_settings(150)
def test_every_schema_round_trips(schema):
    schema = finish(schema)
    text = snapshot.dumps(schema)
    assert snapshot.loads(text) == schema
    assert snapshot.dumps(snapshot.loads(text)) == text


def test_schema_with_unnamed_constraints_round_trips():
    # Loading always names every element (see the test below), so an unnamed schema comes back
    # with its conventional names: equal to itself named, and with the same text and hash.
    table = Table("t", columns=(Column("a", INTEGER, nullable=False),), primary_key=PrimaryKey(("a",)))
    schema = Schema(tables=(table,))
    loaded = snapshot.loads(snapshot.dumps(schema))
    assert loaded == with_default_names(schema)
    assert loaded.table("t").primary_key == PrimaryKey(("a",), name="t_pkey")
    assert snapshot.dumps(loaded) == snapshot.dumps(schema)
    assert snapshot.content_hash(loaded) == snapshot.content_hash(schema)


def test_dump_writes_conventional_names():
    table = Table("t", columns=(Column("a", INTEGER, nullable=False),), primary_key=PrimaryKey(("a",)), indexes=(Index(("a",)),))
    data = snapshot.to_data(Schema(tables=(table,)))["tables"][0]
    assert data["primary_key"] == {"name": "t_pkey", "columns": ["a"]}
    assert data["indexes"] == [{"name": "t_a_idx", "columns": ["a"]}]


def test_data_with_names_as_given_keeps_unnamed_elements_unnamed():
    table = Table("t", columns=(Column("a", INTEGER, nullable=False),), primary_key=PrimaryKey(("a",)))
    data = snapshot.to_data(Schema(tables=(table,)), named=False)
    assert data["tables"][0]["primary_key"] == {"columns": ["a"]}
    assert snapshot.table_from_data(data["tables"][0]) == table


def test_hash_written_for_the_content_without_names_is_accepted():
    """Engines before names were filled on dumping hashed unnamed elements as they were."""
    table = Table("t", columns=(Column("a", INTEGER, nullable=False),), primary_key=PrimaryKey(("a",)))
    data = snapshot.to_data(Schema(tables=(table,)), named=False)
    assert snapshot.from_data(data) == with_default_names(Schema(tables=(table,)))


# ------------------------------------------------------------------ compact, canonical form


def test_defaults_are_left_out():
    table = Table(
        "t",
        columns=(Column("a", INTEGER), Column("b", INTEGER, nullable=False, identity=True)),
        primary_key=PrimaryKey(("b",), name="t_pkey"),
        foreign_keys=(ForeignKey(("a",), "t", ("b",), name="fk"),),
        indexes=(Index(("a",), name="i"),),
    )
    data = snapshot.to_data(Schema(tables=(table,)))["tables"][0]
    assert data == {
        "name": "t",
        "columns": [
            {"name": "a", "type": "integer"},
            {"name": "b", "type": "integer", "nullable": False, "identity": True},
        ],
        "primary_key": {"name": "t_pkey", "columns": ["b"]},
        "foreign_keys": [{"name": "fk", "columns": ["a"], "ref_table": "t", "ref_columns": ["b"]}],
        "indexes": [{"name": "i", "columns": ["a"]}],
    }


def test_top_level_keys_come_in_a_fixed_order():
    assert list(snapshot.to_data(sample_schema())) == ["format", "hash", "enums", "tables"]


def _listed_in_another_order(schema: Schema) -> Schema:
    """The same schema built with tables, enums and constraints listed backwards."""
    tables = tuple(
        Table(
            t.name,
            columns=t.columns,
            primary_key=t.primary_key,
            foreign_keys=t.foreign_keys[::-1],
            uniques=t.uniques[::-1],
            checks=t.checks[::-1],
            indexes=t.indexes[::-1],
            comment=t.comment,
            id=t.id,
        )
        for t in schema.tables[::-1]
    )
    return Schema(tables=tables, enums=schema.enums[::-1])


def test_listing_order_does_not_change_the_dump_or_the_hash():
    schema = sample_schema()
    other = _listed_in_another_order(schema)
    assert snapshot.dumps(other) == snapshot.dumps(schema)
    assert snapshot.content_hash(other) == snapshot.content_hash(schema)


def test_tables_enums_and_constraints_are_sorted_by_name():
    data = snapshot.to_data(sample_schema())
    assert [t["name"] for t in data["tables"]] == ["order", "user"]
    order = data["tables"][0]
    assert [fk["name"] for fk in order["foreign_keys"]] == sorted(fk["name"] for fk in order["foreign_keys"])
    assert [i["name"] for i in order["indexes"]] == sorted(i["name"] for i in order["indexes"])


def test_column_order_is_kept_and_counts():
    schema = sample_schema()
    table = schema.table("order")
    swapped = schema.replace_table("order", replace(table, columns=table.columns[::-1]))
    assert [c["name"] for c in snapshot.to_data(swapped)["tables"][0]["columns"]] == ["parent", "total", "user id", "id"]
    assert snapshot.content_hash(swapped) != snapshot.content_hash(schema)


# ------------------------------------------------------------------ the content hash


def test_hash_is_sha256_of_the_canonical_json_of_the_body():
    data = snapshot.to_data(sample_schema())
    body = {key: value for key, value in data.items() if key not in ("format", "hash")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert data["hash"] == "sha256:" + hashlib.sha256(canonical).hexdigest()


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.replace_table("order", replace(s.table("order"), comment="new comment")),
        lambda s: s.replace_table("user", s.table("user").replace_column("id", replace(s.table("user").column("id"), id="other"))),
        lambda s: s.replace_table("user", s.table("user").replace_column("e-mail", replace(s.table("user").column("e-mail"), nullable=True))),
        lambda s: s.replace_enum("mood", replace(s.enum("mood"), values=("happy", "sad", "it's ok"))),
        lambda s: replace(s, tables=s.tables[:1]),
    ],
    ids=["table comment", "column id", "nullability", "enum value order", "a table less"],
)
def test_hash_changes_with_the_content(change):
    schema = sample_schema()
    assert snapshot.content_hash(change(schema)) != snapshot.content_hash(schema)


def test_edited_snapshot_with_its_old_hash_is_refused():
    # The column renamed, and in its check, so that the content is sound and only the hash is wrong.
    text = snapshot.dumps(sample_schema()).replace('"total"', '"grand total"').replace('\\"total\\"', '\\"grand total\\"')
    with pytest.raises(SnapshotFormatError, match="content hash does not match"):
        snapshot.loads(text)


def test_hash_of_another_format_of_the_same_content_is_accepted():
    """The hash covers content, not layout: the compact text of a snapshot loads too."""
    data = snapshot.to_data(sample_schema())
    assert snapshot.loads(json.dumps(data, separators=(",", ":"))) == sample_schema()


def test_hand_written_snapshot_without_hash_is_accepted_and_named():
    text = json.dumps(
        {
            "format": "schema-snapshot/1",
            "tables": [
                {
                    "name": "a",
                    "columns": [{"name": "id", "type": "integer", "nullable": False}, {"name": "b", "type": "varchar(10)"}],
                    "primary_key": {"columns": ["id"]},
                    "uniques": [{"columns": ["b"]}],
                }
            ],
        }
    )
    schema = snapshot.loads(text)
    table = schema.table("a")
    assert table.primary_key == PrimaryKey(("id",), name="a_pkey")
    assert table.uniques == (Unique(("b",), name="a_b_key"),)
    assert table.column("b").type == ColumnType("varchar", length=10)


# ------------------------------------------------------------------ refusals, naming the place


def _table(**fields) -> dict:
    return {"name": "a", "columns": [{"name": "x", "type": "integer"}], **fields}


MALFORMED = [
    (["not", "an", "object"], "snapshot: expected an object, got list"),
    ({"tables": []}, "snapshot: unknown format None (this engine reads 'schema-snapshot/1', 'schema-snapshot/2', 'schema-snapshot/3', 'schema-snapshot/4')"),
    ({"format": "schema-snapshot/5", "tables": []}, "snapshot: unknown format 'schema-snapshot/5'"),
    (_data(tables={}), "snapshot.tables: wrong kind of value {}"),
    (_data(tables=[3]), "snapshot.tables[0]: expected an object, got int"),
    (_data(tables=[{"columns": []}]), "snapshot.tables[0]: missing 'name'"),
    (_data(tables=[{"name": ""}]), "snapshot.tables[0].name: must not be empty"),
    (_data(tables=[{"name": 7}]), "snapshot.tables[0].name: wrong kind of value 7"),
    (_data(tables=[{"name": "a", "columns": "x"}]), "snapshot.tables[0].columns: wrong kind of value 'x'"),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer"}, {"type": "integer"}]}]),
        "snapshot.tables[0].columns[1]: missing 'name'",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer"}, {"name": "y", "type": "wat"}]}]),
        "snapshot.tables[0].columns[1].type: unknown type 'wat'",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer", "nullable": "no"}]}]),
        "snapshot.tables[0].columns[0].nullable: wrong kind of value 'no'",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer", "identity": 1}]}]),
        "snapshot.tables[0].columns[0].identity: wrong kind of value 1",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer", "default": "3"}]}]),
        "snapshot.tables[0].columns[0].default: wrong kind of value '3'",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer", "default": {}}]}]),
        "snapshot.tables[0].columns[0].default: missing 'value'",
    ),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer", "default": {"value": 3}}]}]),
        "snapshot.tables[0].columns[0].default.value: wrong kind of value 3",
    ),
    (_data(tables=[_table(comment=["x"])]), "snapshot.tables[0].comment: wrong kind of value ['x']"),
    (_data(tables=[_table(id=12)]), "snapshot.tables[0].id: wrong kind of value 12"),
    (_data(tables=[_table(primary_key=["x"])]), "snapshot.tables[0].primary_key: wrong kind of value ['x']"),
    (_data(tables=[_table(primary_key={"columns": "x"})]), "snapshot.tables[0].primary_key.columns: wrong kind of value 'x'"),
    (_data(tables=[_table(primary_key={"columns": [1]})]), "snapshot.tables[0].primary_key.columns: expected a list of names"),
    (_data(tables=[_table(primary_key={})]), "snapshot.tables[0].primary_key: missing 'columns'"),
    (_data(tables=[_table(uniques=[{"columns": [""]}])]), "snapshot.tables[0].uniques[0].columns: expected a list of names"),
    (_data(tables=[_table(checks=[{"name": "c"}])]), "snapshot.tables[0].checks[0]: missing 'expression'"),
    (_data(tables=[_table(indexes=[{"columns": ["x"], "unique": "yes"}])]), "snapshot.tables[0].indexes[0].unique: wrong kind of value 'yes'"),
    (
        _data(tables=[_table(foreign_keys=[{"columns": ["x"], "ref_columns": ["x"]}])]),
        "snapshot.tables[0].foreign_keys[0]: missing 'ref_table'",
    ),
    (
        _data(tables=[_table(foreign_keys=[{"columns": ["x"], "ref_table": "a", "ref_columns": ["x"], "on_delete": "explode"}])]),
        "snapshot.tables[0].foreign_keys[0].on_delete: unknown action 'EXPLODE'",
    ),
    (_data(enums=[{"name": "e", "values": "ab"}]), "snapshot.enums[0].values: wrong kind of value 'ab'"),
    (_data(enums=[{"name": "e", "values": [1]}]), "snapshot.enums[0].values: expected a list of names"),
    (_data(enums=[{"values": ["a"]}]), "snapshot.enums[0]: missing 'name'"),
    # Structural problems name the table and the element.
    (
        _data(tables=[_table(foreign_keys=[{"name": "f", "columns": ["x"], "ref_table": "zz", "ref_columns": ["id"]}])]),
        "snapshot: table 'a': foreign key f references unknown table 'zz'",
    ),
    (
        _data(tables=[_table(foreign_keys=[{"name": "f", "columns": ["x"], "ref_table": "a", "ref_columns": ["id"]}])]),
        "snapshot: table 'a': foreign key f references unknown column a.id",
    ),
    (
        _data(tables=[_table(foreign_keys=[{"name": "f", "columns": ["nope"], "ref_table": "a", "ref_columns": ["x"]}])]),
        "snapshot: table 'a': foreign key f names unknown column 'nope'",
    ),
    (_data(tables=[_table(), _table()]), "snapshot: table 'a' appears twice"),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "integer"}, {"name": "x", "type": "text"}]}]),
        "snapshot: table 'a': column 'x' appears twice",
    ),
    (_data(enums=[{"name": "e", "values": ["v"]}, {"name": "e", "values": ["w"]}]), "snapshot: enum 'e' appears twice"),
    (_data(enums=[{"name": "e", "values": []}]), "snapshot: enum 'e' has no values"),
    (
        _data(tables=[{"name": "a", "columns": [{"name": "x", "type": "enum(e)"}]}]),
        "snapshot: table 'a': column 'x' uses unknown enum 'e'",
    ),
    (
        _data(tables=[_table(uniques=[{"name": "k", "columns": ["x"]}], checks=[{"name": "k", "expression": "x > 0"}])]),
        "snapshot: table 'a': constraint name 'k' used twice",
    ),
]


@pytest.mark.parametrize("data, message", MALFORMED, ids=[m for _, m in MALFORMED])
def test_malformed_snapshot_is_refused_naming_the_place(data, message):
    assert _refusal(data).startswith(message)


def test_several_problems_are_counted():
    data = _data(enums=[{"name": "e", "values": []}, {"name": "f", "values": []}])
    assert _refusal(data) == "snapshot: enum 'e' has no values (and 1 more)"


def test_text_that_is_not_json_is_refused():
    with pytest.raises(SnapshotFormatError, match="snapshot is not valid JSON: Expecting"):
        snapshot.loads('{"format": "schema-snapshot/1",')


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(SnapshotFormatError, match="cannot read snapshot"):
        snapshot.load(tmp_path / "nope.json")


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "schema-snapshot/1", "tables": [{"name": "na\u00efve"}]}'.encode("latin-1"))
    with pytest.raises(SnapshotFormatError, match="cannot read snapshot"):
        snapshot.load(path)


def test_unknown_keys_are_refused():
    assert _refusal(_data(tables=[{"name": "a", "colums": [{"name": "x", "type": "integer"}]}])).startswith(
        "snapshot.tables[0]: unknown key 'colums'"
    )


def test_loaded_schema_is_always_sound():
    data = _data(
        tables=[
            _table(
                uniques=[{"name": "a_x_fkey", "columns": ["x"]}],
                foreign_keys=[{"columns": ["x"], "ref_table": "a", "ref_columns": ["x"]}],
            )
        ]
    )
    try:
        schema = snapshot.from_data(data)
    except SnapshotFormatError:
        return
    assert problems(schema) == []


@pytest.mark.parametrize(
    "column, message",
    [
        ({"name": "x"}, "snapshot.tables[0].columns[0]: missing 'type'"),
        ({"name": "x", "type": 5}, "snapshot.tables[0].columns[0].type: wrong kind of value 5"),
    ],
)
def test_missing_or_wrong_type_names_the_place_once(column, message):
    assert _refusal(_data(tables=[{"name": "a", "columns": [column]}])) == message


def test_column_and_table_readers_name_their_place():
    with pytest.raises(SnapshotFormatError, match=r"^here\.columns\[0\]: missing 'name'"):
        snapshot.table_from_data({"name": "t", "columns": [{"type": "text"}]}, "here")


def test_readers_build_elements():
    column = snapshot.column_from_data({"name": "x", "type": "varchar(3)", "default": {"value": "now()", "expression": True}})
    assert column.default is not None and column.default.expression
    table = snapshot.table_from_data(snapshot.table_to_data(sample_schema().table("order")))
    assert table == sample_schema().table("order")


def test_loaded_enum_and_check_keep_their_text():
    data = _data(
        enums=[{"name": "e", "values": ["it's", 'say "hi"']}],
        tables=[_table(checks=[{"expression": "\"x\" > 0 AND 'a' <> 'b'"}])],
    )
    schema = snapshot.from_data(data)
    assert schema.enums == (Enum("e", ("it's", 'say "hi"')),)
    assert schema.table("a").checks[0].expression == "\"x\" > 0 AND 'a' <> 'b'"
    assert schema == with_default_names(schema)
    assert schema.table("a").checks == (Check("\"x\" > 0 AND 'a' <> 'b'", name=schema.table("a").checks[0].name),)


# ------------------------------------------------------------------ the documented example


def test_example_in_the_format_document_loads_and_its_hash_is_right():
    from pathlib import Path

    document = Path(__file__).resolve().parents[2] / "docs" / "snapshot-format.md"
    text = document.read_text(encoding="utf-8").split("```json\n", 1)[1].split("```", 1)[0]
    schema = snapshot.loads(text)  # refuses a wrong hash
    assert snapshot.to_data(schema) == json.loads(text)
    assert [t.name for t in schema.tables] == ["order", "user"]


# ---------------------------------------------------------------- format 2: character sets, ON UPDATE


def test_format_2_keys_round_trip() -> None:
    schema = Schema(
        tables=(
            Table(
                "t",
                (
                    Column("name", ColumnType.parse("varchar(20)"), charset="utf8mb4", collation="utf8mb4_bin"),
                    Column(
                        "changed",
                        ColumnType.parse("timestamptz"),
                        nullable=False,
                        default=Default("CURRENT_TIMESTAMP", expression=True),
                        on_update="CURRENT_TIMESTAMP",
                    ),
                ),
                charset="latin1",
                collation="latin1_bin",
            ),
        )
    )
    text = snapshot.dumps(schema)
    data = json.loads(text)
    assert data["format"] == "schema-snapshot/2"
    assert data["tables"][0]["charset"] == "latin1"
    assert data["tables"][0]["columns"][0] == {
        "name": "name", "type": "varchar(20)", "charset": "utf8mb4", "collation": "utf8mb4_bin"
    }
    assert data["tables"][0]["columns"][1]["on_update"] == "CURRENT_TIMESTAMP"
    assert snapshot.loads(text) == schema
    assert snapshot.dumps(snapshot.loads(text)) == text


def test_serial_is_written_only_as_true_and_in_format_2() -> None:
    serial = Column("id", ColumnType.parse("integer"), nullable=False, identity=True, serial=True)
    data = snapshot.to_data(Schema(tables=(Table("t", (serial,)),)))
    assert data["format"] == "schema-snapshot/2"
    assert data["tables"][0]["columns"][0] == {"name": "id", "type": "integer", "nullable": False, "identity": True, "serial": True}
    plain = snapshot.to_data(Schema(tables=(Table("t", (replace(serial, serial=False),)),)))
    assert plain["format"] == "schema-snapshot/1" and "serial" not in plain["tables"][0]["columns"][0]


def test_format_1_snapshots_are_read_and_written_back_identically() -> None:
    text = snapshot.dumps(Schema(tables=(Table("t", (Column("x", ColumnType.parse("integer")),)),)))
    assert json.loads(text)["format"] == "schema-snapshot/1"  # nothing of format 2 set
    loaded = snapshot.loads(text)
    assert loaded.table("t").column("x").charset is None
    assert loaded.table("t").charset is None
    assert snapshot.dumps(loaded) == text


def test_declared_type_is_written_in_format_2_and_ignored_by_the_diff() -> None:
    from migrations_engine.compare import equivalent
    from migrations_engine.diff import diff

    column = Column("at", ColumnType.parse("timestamp"), declared_type="DATETIME")
    schema = Schema(tables=(Table("t", (column,)),))
    data = snapshot.to_data(schema)
    assert data["format"] == "schema-snapshot/2"
    assert data["tables"][0]["columns"][0] == {"name": "at", "type": "timestamp", "declared_type": "DATETIME"}
    assert snapshot.from_data(data) == schema
    plain = Schema(tables=(Table("t", (replace(column, declared_type=None),)),))
    assert diff(schema, plain) == [] and equivalent(schema, plain)


def test_format_3_attributes_round_trip_and_are_written_only_when_set() -> None:
    from migrations_engine.schema import (
        Check, ForeignKey, Generated, Index, IndexKey, PrimaryKey, SequenceOptions, Unique,
    )

    integer = ColumnType.parse("integer")
    schema = Schema(
        tables=(
            Table(
                "t",
                (
                    Column("id", integer, nullable=False, identity=True, identity_always=True,
                           sequence=SequenceOptions(start=100, increment=5, cycle=True)),
                    Column("twice", integer, generated=Generated("id * 2", stored=False)),
                    Column("email", ColumnType.parse("text")),
                ),
                primary_key=PrimaryKey(("id",), "t_pkey", deferrable=True, comment="the key"),
                foreign_keys=(ForeignKey(("twice",), "t", ("id",), "t_twice_fkey", deferrable=True,
                                         initially_deferred=True, not_valid=True, match="FULL"),),
                uniques=(Unique(("email",), "t_email_key", nulls_not_distinct=True, comment="one each"),),
                checks=(Check("id > 0", "t_id_check", not_valid=True, no_inherit=True),),
                indexes=(
                    Index(("lower(email)", "id"), "t_lower_idx",
                          keys=(IndexKey(expression=True), IndexKey(descending=True, nulls="LAST")),
                          include=("twice",), method="btree", comment="lookups"),
                ),
                without_rowid=True,
                strict=True,
            ),
        )
    )
    data = snapshot.to_data(schema)
    assert data["format"] == "schema-snapshot/3"
    table = data["tables"][0]
    assert table["without_rowid"] is True and table["strict"] is True
    assert table["columns"][0]["sequence"] == {"start": 100, "increment": 5, "cycle": True}
    assert table["columns"][1]["generated"] == {"expression": "id * 2", "stored": False}
    assert table["indexes"][0]["keys"] == [{"expression": True}, {"descending": True, "nulls": "LAST"}]
    assert table["foreign_keys"][0]["match"] == "FULL"
    assert snapshot.loads(snapshot.dumps(schema)) == schema
    # An index with only plain keys writes no "keys" and stays in format 1.
    plain = Schema(tables=(Table("t", (Column("x", integer),), indexes=(Index(("x",), "t_x_idx"),)),))
    assert snapshot.to_data(plain)["format"] == "schema-snapshot/1"
    assert "keys" not in snapshot.to_data(plain)["tables"][0]["indexes"][0]


def test_an_index_key_count_that_does_not_match_its_elements_is_refused() -> None:
    data = {
        "format": "schema-snapshot/3",
        "tables": [{"name": "t", "columns": [{"name": "x", "type": "integer"}],
                    "indexes": [{"name": "i", "columns": ["x"], "keys": [{}, {"descending": True}]}]}],
    }
    with pytest.raises(SnapshotFormatError, match="1 elements but 2 keys"):
        snapshot.from_data(data)


def test_data_whose_hash_its_holder_computed_can_be_read_without_comparing_it():
    from migrations_engine.schema import Column, Schema, Table, Unique
    from migrations_engine.snapshot import SnapshotFormatError, from_data, to_data

    schema = Schema(tables=(Table("t", columns=(Column("a", "integer"),)),))
    edited = {**to_data(schema), "hash": "0" * 64}
    broken = to_data(Schema(tables=(Table("t", columns=(Column("a", "integer"),), uniques=(Unique(("b",)),)),)))

    with pytest.raises(SnapshotFormatError, match="hash does not match"):
        from_data(edited)
    assert from_data(edited, check_hash=False) == from_data(to_data(schema))
    with pytest.raises(SnapshotFormatError):  # the schema itself is still checked
        from_data(broken, check_hash=False)
