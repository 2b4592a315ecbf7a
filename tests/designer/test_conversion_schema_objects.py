"""A schema's sequences and domains (PostgreSQL) survive a draft: the editor has no rows for
them, so the table rows' ``extra`` carries each with the tables using it."""

from designer.conversion import DraftContent, read_content
from designer.models import Draft, DraftTable
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Domain,
    PrimaryKey,
    Schema,
    Sequence,
    SequenceOptions,
    Table,
)
from migrations_engine.types import ColumnType


def schema_with_objects() -> Schema:
    film = Table(
        "film",
        columns=(
            Column("id", ColumnType.parse("integer"), False, Default("nextval('film_id_seq'::regclass)", True), id="c1"),
            Column("year", ColumnType.parse("postgresql:year"), id="c2"),
        ),
        primary_key=PrimaryKey(("id",), "film_pkey", "k1"),
        id="t1",
    )
    actor = Table("actor", columns=(Column("n", ColumnType.parse("integer"), id="c3"),), id="t2")
    return Schema(
        tables=(film, actor),
        sequences=(
            Sequence("film_id_seq", "integer", SequenceOptions(start=10)),
            Sequence("owned", owned_by=("actor", "n")),
            Sequence("loose"),
        ),
        domains=(Domain("year", "integer", checks=(Check("VALUE >= 1901", "year_check"),)),),
    )


def test_sequences_and_domains_survive_a_draft(cast):
    schema = schema_with_objects()

    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)

    assert draft.to_schema() == schema
    carried = {row.name: set(row.extra) for row in DraftTable.objects.filter(draft=draft)}
    assert carried == {"film": {"sequences", "domains"}, "actor": {"sequences"}}


def test_an_owner_renamed_in_the_draft_stays_the_owner(cast):
    draft = Draft.objects.create_from_schema(cast.project, schema_with_objects(), None, cast.architect)
    DraftTable.objects.filter(draft=draft, name="actor").update(name="person")
    from designer.models import DraftColumn

    DraftColumn.objects.filter(draft=draft, uid="c3").update(name="m")

    assert draft.to_schema().sequence("owned").owned_by == ("person", "m")


def test_what_nothing_uses_survives_the_deletion_of_a_table(cast):
    draft = Draft.objects.create_from_schema(cast.project, schema_with_objects(), None, cast.architect)
    DraftTable.objects.filter(draft=draft, name="film").delete()

    names = {q.name for q in draft.to_schema().sequences}

    assert "loose" in names and "owned" in names


def test_undo_state_keeps_them():
    schema = schema_with_objects()
    content = DraftContent(schema, [])

    assert DraftContent.from_data(content.to_data()).schema == schema


def test_a_partial_read_is_consistent(cast):
    draft = Draft.objects.create_from_schema(cast.project, schema_with_objects(), None, cast.architect)

    schema = read_content(draft, ["t1"]).schema

    assert {d.name for d in schema.domains} == {"year"}
