"""A table's exclusion constraints (PostgreSQL) through a draft: kept whole in the table row's
``extra``, following a column renamed in the editor, going with a column deleted."""

from migrations_engine.schema import Column, Exclusion, IndexKey, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType

from designer.editing import ColumnData, delete_column, update_column
from designer.models import Draft, DraftColumn

T = ColumnType.parse
NO_OVERLAP = Exclusion(
    ("room", "during"), ("=", "&&"), "no_overlap", "gist", where="NOT cancelled", id="x1",
    deferrable=True, comment="one at a time",
)
ONE_NAME = Exclusion(("lower(name)",), ("=",), "one_name", keys=(IndexKey(expression=True),), include=("id",))


def booking() -> Schema:
    table = Table(
        "booking",
        columns=(
            Column("id", T("integer"), nullable=False, id="c1"),
            Column("room", T("integer"), id="c2"),
            Column("during", T("postgresql:tstzrange"), id="c3"),
            Column("name", T("text"), id="c4"),
            Column("cancelled", T("boolean"), id="c5"),
        ),
        primary_key=PrimaryKey(("id",), "booking_pkey", "pk1"),
        id="t1",
        exclusions=(NO_OVERLAP, ONE_NAME),
    )
    return Schema(tables=(table,))


def test_exclusions_survive_a_draft(cast):
    draft = Draft.objects.create_from_schema(cast.project, booking(), None, cast.architect)

    assert draft.to_schema() == booking()


def test_a_column_renamed_in_the_editor_is_renamed_in_them(cast):
    draft = Draft.objects.create_from_schema(cast.project, booking(), None, cast.architect)

    update_column(DraftColumn.objects.get(draft=draft, uid="c5"), ColumnData(name="void", type="boolean"))
    update_column(DraftColumn.objects.get(draft=draft, uid="c4"), ColumnData(name="title", type="text"))

    exclusions = {x.name: x for x in draft.to_schema().table("booking").exclusions}
    assert exclusions["no_overlap"].where == "NOT void"
    assert exclusions["one_name"].columns == ("lower(title)",)


def test_a_deleted_column_takes_its_exclusions_with_it(cast):
    draft = Draft.objects.create_from_schema(cast.project, booking(), None, cast.architect)

    delete_column(DraftColumn.objects.get(draft=draft, uid="c5"))  # in a condition
    assert [x.name for x in draft.to_schema().table("booking").exclusions] == ["one_name"]

    delete_column(DraftColumn.objects.get(draft=draft, uid="c4"))  # in an expression
    assert draft.to_schema().table("booking").exclusions == ()
