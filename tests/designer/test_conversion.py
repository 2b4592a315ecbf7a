from dataclasses import replace

import pytest

from designer.conversion import DraftContent, read_content
from designer.models import Draft, DraftColumn, DraftTable, TableGroup
from migrations_engine.naming import with_default_names
from migrations_engine.operations import RenameColumn
from migrations_engine.schema import Schema, strip_ids
from tests.designer.schemas import sample_schema, wide_schema


def test_round_trip_keeps_every_element_and_id(cast):
    schema = sample_schema()

    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)

    assert draft.to_schema() == schema


def test_round_trip_of_a_wide_schema(cast):
    schema = wide_schema(30)

    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)

    assert draft.to_schema() == schema


def test_a_schema_without_ids_gets_uids(cast):
    schema = strip_ids(sample_schema())

    result = Draft.objects.create_from_schema(
        cast.project, schema, None, cast.architect
    ).to_schema()

    assert strip_ids(result) == schema
    assert all(t.id and all(c.id for c in t.columns) for t in result.tables)
    assert result.table("order").foreign_keys[0].id


def test_unnamed_constraints_stay_unnamed(cast):
    schema = sample_schema()
    customer = schema.table("customer")
    unnamed = replace(customer, indexes=(replace(customer.indexes[0], name=None),))
    schema = schema.replace_table("customer", unnamed)

    result = Draft.objects.create_from_schema(
        cast.project, schema, None, cast.architect
    ).to_schema()

    assert result.table("customer").indexes[0].name is None
    assert with_default_names(result).table("customer").indexes[0].name == "customer_created_idx"


def test_a_draft_from_a_version_keeps_uids_and_groups(cast, django_user_model):
    from designer.models import SchemaVersion

    version = SchemaVersion.publish(
        cast.project,
        sample_schema(),
        groups=[{"id": "g1", "name": "Sales", "colour": "#ff0000", "tables": ["t-order"]}],
    )

    draft = Draft.objects.create_from_version(version, cast.architect)

    assert draft.base_version == version
    assert draft.to_schema() == version.schema()
    group = TableGroup.objects.get(draft=draft)
    assert (group.uid, group.name, group.colour) == ("g1", "Sales", "#ff0000")
    assert list(group.tables.values_list("name", flat=True)) == ["order"]


def test_a_rename_in_the_draft_diffs_as_a_rename(draft):
    DraftColumn.objects.filter(draft=draft, uid="c-email").update(name="mail")

    operations = draft.diff_against_base()

    assert operations == [RenameColumn(table="customer", old_name="email", new_name="mail")]


def test_an_unchanged_draft_has_no_diff(draft):
    assert draft.diff_against_base() == []


def test_a_draft_without_a_base_diffs_from_nothing(cast):
    draft = Draft.objects.create_from_schema(cast.project, sample_schema(), None, cast.architect)

    kinds = [op.kind for op in draft.diff_against_base()]

    assert kinds.count("create_table") == 2
    assert "create_enum" in kinds


def test_partial_read_takes_the_named_tables_with_foreign_key_targets_named(draft):
    content = read_content(draft, ["t-order"])

    assert [t.name for t in content.schema.tables] == ["order"]
    fk = content.schema.table("order").foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns) == ("customer", ("region", "number"))


def test_content_survives_its_data_form(draft):
    content = read_content(draft)

    assert DraftContent.from_data(content.to_data()).schema == content.schema


@pytest.mark.parametrize("size", [10, 1000])
def test_reading_takes_a_fixed_number_of_queries(cast, size, django_assert_num_queries):
    draft = Draft.objects.create_from_schema(cast.project, wide_schema(size), None, cast.architect)

    with django_assert_num_queries(8):
        schema = draft.to_schema()

    assert len(schema.tables) == size


def test_writing_a_thousand_tables_takes_bulk_queries(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(120):
        draft = Draft.objects.create_from_schema(
            cast.project, wide_schema(1000), None, cast.architect
        )

    assert DraftTable.objects.filter(draft=draft).count() == 1000
    assert DraftColumn.objects.filter(draft=draft).count() == 5000


def test_replacing_content_takes_bulk_queries(cast, django_assert_max_num_queries):
    draft = Draft.objects.create_from_schema(cast.project, wide_schema(1000), None, cast.architect)

    with django_assert_max_num_queries(11):  # 10, and the content token renewed
        draft.replace_content(Schema(), [])

    assert not DraftTable.objects.filter(draft=draft).exists()


def _every_engine_attribute() -> Schema:
    """A schema using every attribute the editor has no field for (read from databases)."""
    from migrations_engine.schema import (
        Check, Column, Enum, ForeignKey, Generated, Index, IndexKey, PrimaryKey, SequenceOptions,
        Table, Unique,
    )
    from migrations_engine.types import ColumnType

    t = ColumnType.parse
    table = Table(
        "film",
        (
            Column("id", t("integer"), nullable=False, identity=True, identity_always=True,
                   sequence=SequenceOptions(start=10, increment=2, cycle=True), id="c1"),
            Column("title", t("varchar(40)"), charset="utf8mb4", collation="utf8mb4_bin", id="c2"),
            Column("twice", t("integer"), generated=Generated('"id" * 2', stored=False), id="c3"),
            Column("changed", t("timestamp"), on_update="CURRENT_TIMESTAMP", declared_type="DATETIME", id="c4"),
            Column("n", t("integer"), identity=False, serial=False, id="c5"),
        ),
        primary_key=PrimaryKey(("id",), "film_pkey", "pk1", deferrable=True, comment="the key"),
        foreign_keys=(ForeignKey(("n",), "film", ("id",), "film_n_fkey", id="f1", deferrable=True,
                                 initially_deferred=True, not_valid=True, match="FULL", comment="self"),),
        uniques=(Unique(("title",), "film_title_key", "u1", nulls_not_distinct=True, comment="one"),),
        checks=(Check('"n" > 0', "film_n_check", "k1", not_valid=True, no_inherit=True, comment="positive"),),
        indexes=(
            Index(("lower(title)", "n"), "film_lower_idx", id="i1",
                  keys=(IndexKey(expression=True), IndexKey(descending=True, nulls="LAST", opclass="int4_ops")),
                  include=("changed",), method="btree", comment="search"),
        ),
        comment="films",
        id="t1",
        charset="latin1",
        collation="latin1_bin",
        without_rowid=True,
        strict=True,
    )
    return Schema(tables=(table,), enums=(Enum("mood", ("a", "b"), "e1", comment="feelings"),))


def test_every_engine_attribute_survives_a_draft(cast):
    schema = _every_engine_attribute()

    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)

    assert draft.to_schema() == schema


def test_renaming_a_column_renames_it_in_include_and_deleting_it_drops_its_key(client, cast):
    from designer.editing import delete_column

    schema = _every_engine_attribute()
    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)
    DraftColumn.objects.filter(draft=draft, uid="c4").update(name="modified")
    index = draft.to_schema().table("film").indexes[0]
    assert index.include == ("modified",)

    delete_column(DraftColumn.objects.get(draft=draft, uid="c5"))
    index = draft.to_schema().table("film").indexes[0]
    assert index.columns == ("lower(title)",) and [k.expression for k in index.keys] == [True]

    delete_column(DraftColumn.objects.get(draft=draft, uid="c4"))
    assert draft.to_schema().table("film").indexes[0].include == ()


def test_renaming_a_column_in_the_editor_renames_it_in_index_expressions_and_generated_columns(cast):
    from designer.editing import ColumnData, update_column

    schema = _every_engine_attribute()
    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)
    title = DraftColumn.objects.get(draft=draft, uid="c2")
    update_column(title, ColumnData(name="name", type="varchar(40)"))
    film = draft.to_schema().table("film")
    assert film.indexes[0].columns[0] == "lower(name)"
    assert film.column("name").charset == "utf8mb4"

    update_column(DraftColumn.objects.get(draft=draft, uid="c1"), ColumnData(name="ident", type="integer", nullable=False))
    film = draft.to_schema().table("film")
    assert film.column("twice").generated.expression == '"ident" * 2'
    film = draft.to_schema().table("film")
    film = replace(film, columns=tuple(replace(c, name="id") if c.name == "ident" else c for c in film.columns))
    assert not film.column("id").identity and film.column("id").identity_always is False
    assert film.column("id").sequence is None and film.column("id").serial is False
