"""What the engine does not model: which operations drop, recreate or break the objects, per dialect
(no database: the objects are given; the readers are tested on the servers in test_unmanaged_*.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.diff import diff
from migrations_engine.naming import with_default_names
from migrations_engine.operations import (
    AddColumn,
    AlterColumn,
    CreateIndex,
    DropColumn,
    DropTable,
    RenameColumn,
    RenameTable,
)
from migrations_engine.render import render
from migrations_engine.schema import Column, Index, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from migrations_engine.unmanaged import (
    UnmanagedConflict,
    UnmanagedObject,
    check,
    conflicts,
    named_dependencies,
    names_in,
    note_text,
)

INTEGER = ColumnType.parse("integer")
TEXT = ColumnType.parse("varchar(100)")
EMAIL = Column("email", TEXT)
CUSTOMER = Table("customer", (Column("id", INTEGER, nullable=False), EMAIL, Column("active", INTEGER)), PrimaryKey(("id",)))
FILM = Table("film", (Column("id", INTEGER, nullable=False), Column("title", TEXT), Column("last_update", TEXT)), PrimaryKey(("id",)))
NOTE = Table("note", (Column("id", INTEGER, nullable=False), Column("body", TEXT)), PrimaryKey(("id",)))
SCHEMA = with_default_names(Schema((CUSTOMER, FILM, NOTE)))

VIEW = UnmanagedObject("view", "active_customers", (("customer", None), ("customer", "id"), ("customer", "email")))
TRIGGER = UnmanagedObject("trigger", "last_updated", (("film", None), ("film", "last_update")))
FUNCTION = UnmanagedObject("function", "touch()")
OBJECTS = (VIEW, TRIGGER, FUNCTION)
DIALECTS = ("postgresql", "mysql", "sqlite")


def found(operations, dialect, objects=OBJECTS, start=SCHEMA):
    return [(c.operation, [o.name for o in c.objects]) for c in conflicts(operations, start, dialect, objects)]


def without_column(table: str, column: str) -> Schema:
    t = SCHEMA.table(table)
    return SCHEMA.replace_table(table, replace(t, columns=tuple(c for c in t.columns if c.name != column)))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dropping_a_column_a_view_uses_is_a_conflict(dialect):
    assert found([DropColumn("customer", EMAIL)], dialect) == [(0, ["active_customers"])]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dropping_a_column_a_trigger_names_is_a_conflict(dialect):
    assert found([DropColumn("film", FILM.column("last_update"))], dialect) == [(0, ["last_updated"])]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dropping_a_table_is_a_conflict_for_every_object_on_it(dialect):
    assert found([DropTable(SCHEMA.table("film"))], dialect) == [(0, ["last_updated"])]
    assert found([DropTable(SCHEMA.table("customer"))], dialect) == [(0, ["active_customers"])]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_changes_elsewhere_are_no_conflict(dialect):
    operations = [
        AddColumn("note", Column("author", TEXT)),
        DropColumn("note", NOTE.column("body")),
        DropColumn("customer", CUSTOMER.column("active")),  # the view does not use it
        DropTable(SCHEMA.table("note")),
    ]
    assert found(operations, dialect) == []


def test_a_column_a_view_does_not_use_is_dropped_on_sqlite_without_conflict():
    # A view is no reason to refuse: SQLite drops the column in place (no rebuild) and the view
    # does not name it.
    operations = diff(SCHEMA, without_column("customer", "active"))
    assert [s.sql for s in render(operations, SCHEMA, "sqlite")] == ['ALTER TABLE "customer" DROP COLUMN "active"']
    assert found(operations, "sqlite") == []


def test_renames_break_views_on_mysql_only():
    """Measured (test_unmanaged_live.py): PostgreSQL and SQLite carry views through renames;
    MariaDB leaves a view over a renamed table or column broken."""
    rename_column = [RenameColumn("customer", "email", "e_mail")]
    rename_table = [RenameTable("customer", "client")]
    for dialect in ("postgresql", "sqlite"):
        assert found(rename_column, dialect) == []
        assert found(rename_table, dialect) == []
    assert found(rename_column, "mysql") == [(0, ["active_customers"])]
    assert found(rename_table, "mysql") == [(0, ["active_customers"])]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_trigger_moves_with_its_table_and_on_sqlite_only_with_a_column_it_names(dialect):
    assert found([RenameTable("film", "movie")], dialect) == []
    renamed = found([RenameColumn("film", "last_update", "changed")], dialect)
    assert renamed == ([] if dialect == "sqlite" else [(0, ["last_updated"])])
    assert found([RenameColumn("film", "title", "name")], dialect) == []


def test_a_type_change_conflicts_on_postgresql_only():
    old = CUSTOMER.column("email")
    change = [AlterColumn("customer", old, replace(old, type=ColumnType.parse("varchar(200)")))]
    assert found(change, "postgresql") == [(0, ["active_customers"])]
    assert found(change, "mysql") == []
    nullability = [AlterColumn("customer", old, replace(old, nullable=False))]
    assert found(nullability, "postgresql") == []


def test_every_sqlite_rebuild_of_the_table_conflicts():
    old = FILM.column("title")
    operations = [AlterColumn("film", old, replace(old, nullable=False))]
    assert found(operations, "sqlite") == [(0, ["last_updated"])]
    assert found(operations, "postgresql") == []
    # An index is created in place: no rebuild.
    assert found([CreateIndex("film", Index(("title",), name="film_title"))], "sqlite") == []


def test_a_rebuild_is_found_in_given_statements():
    from migrations_engine.statement import Statement

    operations = [AddColumn("note", Column("x", TEXT))]
    statements = [Statement('DROP TABLE "note"', 0)]
    note_view = UnmanagedObject("view", "notes", (("note", None),))
    assert [c.action for c in conflicts(operations, None, "sqlite", [note_view], statements)] == ["rebuilds table note"]
    assert conflicts(operations, None, "sqlite", [note_view], [Statement('DROP TABLE "other"', 0)]) == []


def test_renames_are_followed_through_the_operations():
    # Renamed first (PostgreSQL keeps the view), then dropped: still the view's column.
    operations = [RenameTable("customer", "client"), RenameColumn("client", "email", "mail"), DropColumn("client", replace(EMAIL, name="mail"))]
    assert found(operations, "postgresql") == [(2, ["active_customers"])]
    # A table dropped, then created again under the name: the new one is nobody's.
    recreated = [DropTable(SCHEMA.table("note")), AddColumn("film", Column("x", TEXT))]
    assert found(recreated, "postgresql") == []
    # A column added under the name of one renamed away is not the one the view uses.
    swapped = [RenameColumn("customer", "email", "old_email"), AddColumn("customer", EMAIL), DropColumn("customer", EMAIL)]
    assert found(swapped, "postgresql") == []


def test_the_refusal_names_the_operation_the_change_and_the_objects():
    with pytest.raises(UnmanagedConflict) as caught:
        check([AddColumn("note", Column("x", TEXT)), DropTable(SCHEMA.table("film"))], SCHEMA, "mysql", OBJECTS)
    message = str(caught.value)
    assert message.startswith('refused: the engine does not manage trigger "last_updated" and will not drop or break it: ')
    assert 'operation 2 (Drop table “film” and all its rows) drops table film, on which trigger "last_updated" on film depends' in message
    assert "\n" not in message


def test_objects_without_dependencies_are_only_listed():
    assert note_text([VIEW, TRIGGER, FUNCTION]) == (
        'note: not managed (kept as they are): view "active_customers" (on customer), '
        'trigger "last_updated" on film, function "touch()"'
    )
    assert note_text([]) is None
    odd = UnmanagedObject("view", 'active "customers" ü', (('the "table"', None),))
    assert odd.describe() == 'view "active ""customers"" ü" (on "the ""table""")'


def test_names_in_sql_leave_strings_and_comments_out():
    sql = (
        'CREATE VIEW "v w" AS SELECT `a``b`, [c d], e -- f\n'
        "/* g */ FROM \"t \"\"x\"\"\" WHERE h = 'i ''j'''"
    )
    assert names_in(sql) == ["CREATE", "VIEW", "v w", "AS", "SELECT", "a`b", "c d", "e", "FROM", 't "x"', "WHERE", "h"]


def test_named_dependencies_pair_each_named_table_with_its_named_columns():
    columns = {"customer": ["id", "email", "active"], "film": ["id", "title"], "note": ["id"]}
    sql = "select `db`.`customer`.`id`, Email from `db`.`customer` join film using (title)"
    assert named_dependencies(sql, columns) == (
        ("customer", None), ("customer", "id"), ("customer", "email"), ("film", None), ("film", "id"), ("film", "title"),
    )
    assert named_dependencies("set new.title = 1", columns, "film") == (("film", None), ("film", "title"))


def test_a_change_of_an_enum_conflicts_with_what_is_on_every_table_sqlite_rebuilds_for_it():
    from migrations_engine.operations import AlterEnum
    from migrations_engine.schema import Enum

    mood = Enum("mood", ("sad", "ok"))
    people = Table("people", (Column("id", INTEGER, nullable=False), Column("mood", ColumnType.parse("enum(mood)"))), PrimaryKey(("id",)))
    schema = with_default_names(Schema((people, NOTE), enums=(mood,)))
    on_people = UnmanagedObject("trigger", "cheer", (("people", None),))
    on_note = UnmanagedObject("view", "notes", (("note", None),))
    change = [AlterEnum(mood, Enum("mood", ("sad", "ok", "glad")))]
    hit = conflicts(change, schema, "sqlite", [on_people, on_note])
    assert [(c.action, [o.name for o in c.objects]) for c in hit] == [("rebuilds table people", ["cheer"])]
    assert conflicts(change, schema, "mysql", [on_people, on_note]) == []


def test_recreating_an_enum_changes_its_columns_types_on_postgresql():
    from migrations_engine.operations import AlterEnum
    from migrations_engine.schema import Enum

    mood = Enum("mood", ("sad", "ok"))
    people = Table("people", (Column("id", INTEGER, nullable=False), Column("mood", ColumnType.parse("enum(mood)"))), PrimaryKey(("id",)))
    schema = with_default_names(Schema((people,), enums=(mood,)))
    view = UnmanagedObject("view", "moods", (("people", None), ("people", "mood")))
    fewer = [AlterEnum(mood, Enum("mood", ("ok",)))]
    assert [c.action for c in conflicts(fewer, schema, "postgresql", [view])] == ["changes the type of the columns of enum mood"]
    more = [AlterEnum(mood, Enum("mood", ("sad", "ok", "glad")))]  # ADD VALUE in place
    assert conflicts(more, schema, "postgresql", [view]) == []


def test_a_type_change_of_a_column_a_trigger_function_names_goes_through_on_postgresql():
    old = FILM.column("last_update")
    change = [AlterColumn("film", old, replace(old, type=ColumnType.parse("varchar(200)")))]
    assert found(change, "postgresql") == []
