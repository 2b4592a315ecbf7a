"""designer/preview.py: a change's steps, their data loss and anchors."""

from dataclasses import replace

from designer.preview import anchor_of, anchors, create_script, migration
from migrations_engine.operations import AddColumn, DropColumn, RenameColumn, RenameTable
from migrations_engine.schema import Column, Default, Schema, Table
from migrations_engine.types import ColumnType
from tests.designer.change_schemas import STATUS_LOSS, without_status
from tests.designer.schemas import sample_schema


def test_steps_say_what_they_lose():
    change = migration(sample_schema(), without_status(sample_schema()), "postgresql")

    (step,) = change.steps
    assert (step.kind, step.destructive, step.data_loss) == ("drop_column", True, STATUS_LOSS)
    assert step.anchor == "drop_column:c-status"
    assert change.destructive_count == 1
    assert change.down_data_loss == []


def test_the_down_script_says_what_it_loses():
    change = migration(without_status(sample_schema()), sample_schema(), "postgresql")

    assert not change.destructive
    assert change.down_data_loss == [STATUS_LOSS]


def test_renames_are_anchored_by_the_uid_of_what_they_rename():
    old = sample_schema()
    new = RenameTable("customer", "client").apply(RenameColumn("customer", "email", "mail").apply(old))

    change = migration(old, new, "postgresql")

    assert [s.anchor for s in change.steps] == ["rename_table:t-customer", "rename_column:c-email"]


def test_elements_without_uids_are_anchored_by_name():
    table = Table("log book", columns=(Column("at", ColumnType.parse("timestamp")),))
    column = Column("said what", ColumnType.parse("text"))
    before = Schema(tables=(table,))

    assert anchor_of(AddColumn("log book", column), before) == "add_column:log_book.said_what"
    assert anchor_of(RenameColumn("log book", "at", "when"), before) == "rename_column:log_book.at"


def test_an_anchor_met_twice_names_each_operation_once():
    column = Column("x", ColumnType.parse("text"), id="c-x")
    table = Table("t", columns=(column,), id="t")
    ops = [DropColumn("t", column), AddColumn("t", column), DropColumn("t", column)]

    assert anchors(ops, Schema(tables=(table,))) == ["drop_column:c-x", "add_column:c-x", "drop_column:c-x~2"]


def test_a_dialect_that_cannot_express_the_change_still_lists_it():
    change = migration(Schema(), sample_schema(), "sqlite")

    assert "has no sqlite equivalent" in change.error
    assert [s.kind for s in change.steps][:1] == ["create_enum"]
    assert change.up == "" and all(not s.up for s in change.steps)


def test_a_schema_with_problems_has_no_steps():
    customer = sample_schema().table("customer")
    broken = replace(sample_schema(), tables=(customer, replace(customer, id="other")))

    change = migration(Schema(), broken, "postgresql")

    assert change.error.startswith("Fix these first") and change.steps == []


def _with_default(expression: str) -> Schema:
    table = Table("event", columns=(Column("at", ColumnType.parse("timestamp"), default=Default(expression, True)),))
    return Schema(tables=(table,))


def test_a_now_default_is_written_as_each_database_has_it():
    assert "DEFAULT CURRENT_TIMESTAMP" in create_script(_with_default("now()"), "sqlite")[0]
    assert "DEFAULT now()" in create_script(_with_default("now()"), "postgresql")[0]
    assert "DEFAULT CURRENT_TIMESTAMP" in create_script(_with_default("now()"), "mysql")[0]


def test_a_function_the_database_lacks_is_an_error_naming_it():
    change = migration(Schema(), _with_default("gen_random_uuid()"), "sqlite")

    assert change.error == "SQLite has no function gen_random_uuid(): cannot write 'gen_random_uuid()'"
    assert [s.kind for s in change.steps] == ["create_table"]


def test_type_limits_and_expressions_are_the_previewed_databases_ones():
    table = Table("t", columns=(Column("price", ColumnType.parse("decimal(100,2)")),))

    assert create_script(Schema(tables=(table,)), "postgresql")[1] == ""
    assert "MySQL allows up to 65 digits" in create_script(Schema(tables=(table,)), "mysql")[1]
