"""Change lint rules: each one triggered by a change, and not by the change done safely; per
dialect where the rule differs. The safe SQL each gives is run on the real servers, on a table
with rows, and must leave the schema the change wanted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.compare import differences
from migrations_engine.connection import connect
from migrations_engine.introspect import introspect
from migrations_engine.lint import lint_change
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from tests.engine.roundtrip import create_schema, run

DIALECTS = ("postgresql", "mysql", "sqlite")


def col(name: str, type_text: str = "integer", nullable: bool = True, default: str | None = None) -> Column:
    return Column(name, ColumnType.parse(type_text), nullable=nullable, default=Default(default) if default is not None else None)


def base() -> Schema:
    parent = Table("parent", (col("id", nullable=False), col("name", "varchar(40)")), primary_key=PrimaryKey(("id",)))
    item = Table(
        "item",
        (col("id", nullable=False), col("parent_id"), col("code", "varchar(20)"), col("qty")),
        primary_key=PrimaryKey(("id",)),
        indexes=(Index(("parent_id",), name="item_parent_idx"),),
    )
    return with_default_names(Schema((parent, item)))


def changed(schema: Schema, **parts) -> Schema:
    item = schema.table("item")
    return with_default_names(schema.replace_table("item", replace(item, **parts)))


def with_column(schema: Schema, column: Column) -> Schema:
    item = schema.table("item")
    return changed(schema, columns=(*item.columns, column))


def with_item_column(schema: Schema, name: str, **changes) -> Schema:
    item = schema.table("item")
    return schema.replace_table("item", item.replace_column(name, replace(item.column(name), **changes)))


def found(old: Schema, new: Schema, dialect: str, slug: str, **kwargs) -> list:
    return [f for f in lint_change(old, new, dialect, **kwargs) if f.slug == slug]


def fill(url, rows: int = 3) -> None:
    run(url, ["INSERT INTO parent (id, name) VALUES (1, 'p')"] + [f"INSERT INTO item (id, parent_id, code, qty) VALUES ({i}, 1, 'c{i}', {i})" for i in range(1, rows + 1)])


def assert_database_is(url, schema: Schema) -> None:
    with connect(url) as db:
        live = introspect(db)
    assert differences(live, schema) == []


# ---------------------------------------------------------------- L101 destructive-change


@pytest.mark.parametrize("dialect", DIALECTS)
def test_destructive_change(dialect):
    old = base()
    new = changed(old, columns=old.table("item").columns[:-1])
    [f] = found(old, new, dialect, "destructive-change")
    assert "“item”.“qty”" in f.message and f.message.startswith("Drops column")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_adding_is_not_destructive(dialect):
    old = base()
    assert not found(old, with_column(old, col("note", "text")), dialect, "destructive-change")


# ---------------------------------------------------------------- L102 not-null-without-default


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_null_without_default_with_rows(dialect):
    old = base()
    new = with_column(old, col("flag", "integer", nullable=False))
    [f] = found(old, new, dialect, "not-null-without-default", row_counts={"item": 3, "parent": 0})
    assert f.severity == "error" and "3 rows" in f.message and "item.flag" in f.message


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_null_without_default_rows_unknown(dialect):
    old = base()
    [f] = found(old, with_column(old, col("flag", nullable=False)), dialect, "not-null-without-default")
    assert f.severity == "warning" and "if the table has rows" in f.message


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_null_without_default_fine_when_empty_defaulted_or_new(dialect):
    old = base()
    assert not found(old, with_column(old, col("flag", nullable=False)), dialect, "not-null-without-default", row_counts={"item": 0})
    assert not found(old, with_column(old, col("flag", nullable=False, default="0")), dialect, "not-null-without-default")
    fresh = with_default_names(old.with_table(Table("fresh", (col("id", nullable=False), col("x", nullable=False)), primary_key=PrimaryKey(("id",)))))
    assert not found(old, fresh, dialect, "not-null-without-default")


# ---------------------------------------------------------------- L103 type-narrowing


@pytest.mark.parametrize("dialect", DIALECTS)
def test_type_narrowing(dialect):
    old = base()
    new = with_item_column(old, "code", type=ColumnType.parse("varchar(5)"))
    [f] = found(old, new, dialect, "type-narrowing")
    assert "item.code" in f.message and "varchar(20)" in f.message and "varchar(5)" in f.message
    # One finding per cause: the narrowing is not also reported as destructive.
    assert not found(old, new, dialect, "destructive-change")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_widening_is_not_narrowing(dialect):
    old = base()
    assert not found(old, with_item_column(old, "code", type=ColumnType.parse("varchar(200)")), dialect, "type-narrowing")
    assert not found(old, with_item_column(old, "qty", type=ColumnType.parse("bigint")), dialect, "type-narrowing")


# ---------------------------------------------------------------- L104 index-not-concurrent


def test_index_not_concurrent(pg_url):
    old = base()
    new = changed(old, indexes=(*old.table("item").indexes, Index(("code",), name="item code idx")))
    [f] = found(old, new, "postgresql", "index-not-concurrent")
    assert f.safe_sql.startswith('CREATE INDEX CONCURRENTLY "item code idx" ON "item" ("code")')
    create_schema(pg_url, old)
    fill(pg_url)
    run(pg_url, [f.safe_sql.split(";")[0]])
    assert_database_is(pg_url, new)


def test_unique_constraint_built_concurrently_then_attached(pg_url):
    old = base()
    new = changed(old, uniques=(Unique(("code",), name="item_code_key"),))
    [f] = found(old, new, "postgresql", "index-not-concurrent")
    lines = f.safe_sql.splitlines()
    assert lines[0].startswith('CREATE UNIQUE INDEX CONCURRENTLY "item_code_key" ON "item" ("code");')
    assert lines[1] == 'ALTER TABLE "item" ADD CONSTRAINT "item_code_key" UNIQUE USING INDEX "item_code_key";'
    create_schema(pg_url, old)
    fill(pg_url)
    run(pg_url, [line.split(";")[0] for line in lines])
    assert_database_is(pg_url, new)


def test_index_on_a_new_table_or_other_dialects_is_fine():
    old = base()
    fresh = with_default_names(old.with_table(Table("fresh", (col("id", nullable=False),), primary_key=PrimaryKey(("id",)), indexes=(Index(("id",), name="fresh_idx"),))))
    assert not found(old, fresh, "postgresql", "index-not-concurrent")
    new = changed(old, indexes=(*old.table("item").indexes, Index(("code",), name="item_code_idx")))
    assert not found(old, new, "mysql", "index-not-concurrent")
    assert not found(old, new, "sqlite", "index-not-concurrent")


# ---------------------------------------------------------------- L105 foreign-key-not-valid / L106 check-not-valid


def test_foreign_key_not_valid(pg_url):
    old = base()
    new = changed(old, foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="item_parent_fk"),))
    [f] = found(old, new, "postgresql", "foreign-key-not-valid")
    assert "NOT VALID;\n" in f.safe_sql and 'VALIDATE CONSTRAINT "item_parent_fk"' in f.safe_sql
    create_schema(pg_url, old)
    fill(pg_url)
    run(pg_url, f.safe_sql.rstrip(";").split(";\n"))
    assert_database_is(pg_url, new)


def test_foreign_key_already_not_valid_or_on_a_new_table():
    old = base()
    new = changed(old, foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="item_parent_fk", not_valid=True),))
    assert not found(old, new, "postgresql", "foreign-key-not-valid")
    plain = changed(old, foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="item_parent_fk"),))
    assert not found(old, plain, "sqlite", "foreign-key-not-valid")


def test_check_not_valid(pg_url):
    old = base()
    new = changed(old, checks=(Check("qty >= 0", name="item_qty_check"),))
    [f] = found(old, new, "postgresql", "check-not-valid")
    assert f.safe_sql.splitlines() == [
        'ALTER TABLE "item" ADD CONSTRAINT "item_qty_check" CHECK (qty >= 0) NOT VALID;',
        'ALTER TABLE "item" VALIDATE CONSTRAINT "item_qty_check";',
    ]
    create_schema(pg_url, old)
    fill(pg_url)
    run(pg_url, f.safe_sql.rstrip(";").split(";\n"))
    assert_database_is(pg_url, new)


def test_check_on_mysql_is_not_this_rule():
    old = base()
    new = changed(old, checks=(Check("qty >= 0", name="item_qty_check"),))
    assert not found(old, new, "mysql", "check-not-valid")


# ---------------------------------------------------------------- L107 set-not-null-unchecked


def test_set_not_null_unchecked(pg_url):
    old = base()
    new = with_item_column(old, "qty", nullable=False)
    [f] = found(old, new, "postgresql", "set-not-null-unchecked")
    assert [s.split(" ", 4)[3] for s in f.safe_sql.splitlines()] == ["ADD", "VALIDATE", "ALTER", "DROP"]
    create_schema(pg_url, old)
    fill(pg_url)
    run(pg_url, f.safe_sql.rstrip(";").split(";\n"))
    assert_database_is(pg_url, new)


def test_set_not_null_with_a_valid_check_proving_it_is_fine():
    proved = changed(base(), checks=(Check('"qty" IS NOT NULL', name="item_qty_not_null"),))
    assert not found(proved, with_item_column(proved, "qty", nullable=False), "postgresql", "set-not-null-unchecked")
    unproved = changed(base(), checks=(Check('"qty" IS NOT NULL', name="item_qty_not_null", not_valid=True),))
    assert found(unproved, with_item_column(unproved, "qty", nullable=False), "postgresql", "set-not-null-unchecked")


def test_set_nullable_is_fine():
    old = with_item_column(base(), "qty", nullable=False)
    assert not found(old, with_item_column(old, "qty", nullable=True), "postgresql", "set-not-null-unchecked")


# ---------------------------------------------------------------- L108 mysql-copy-alter / L109 mysql-online-ddl


def test_mysql_copy_alter_type_change():
    old = base()
    [f] = found(old, with_item_column(old, "qty", type=ColumnType.parse("bigint")), "mysql", "mysql-copy-alter")
    assert "item.qty" in f.message and "copies the table" in f.message and f.safe_sql is None


def test_mysql_copy_alter_foreign_key_has_an_online_form(mysql_url):
    old = base()
    new = changed(old, foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="item_parent_fk"),))
    [f] = found(old, new, "mysql", "mysql-copy-alter")
    assert "ALGORITHM=INPLACE, LOCK=NONE" in f.safe_sql and "SET foreign_key_checks = 0" in f.safe_sql
    create_schema(mysql_url, old)
    fill(mysql_url)
    with connect(mysql_url) as db:
        statements = [s.split("\n")[-1] for s in f.safe_sql.rstrip(";").split(";\n")]
        assert db.query(statements[0]) == [(0,)]  # no orphans
        for statement in statements[1:]:
            db.execute(statement)
    assert_database_is(mysql_url, new)


def test_mysql_varchar_growing_in_place_is_no_copy():
    old = base()
    new = with_item_column(old, "code", type=ColumnType.parse("varchar(60)"))
    assert not found(old, new, "mysql", "mysql-copy-alter")
    assert not found(old, with_item_column(old, "qty", type=ColumnType.parse("bigint")), "postgresql", "mysql-copy-alter")


@pytest.mark.parametrize(
    "make_new",
    [
        lambda old: with_column(old, col("note", "varchar(30)")),
        lambda old: changed(old, columns=old.table("item").columns[:-1]),
        lambda old: changed(old, indexes=(*old.table("item").indexes, Index(("code",), name="item_code_idx"))),
        lambda old: with_item_column(old, "code", type=ColumnType.parse("varchar(60)")),
        lambda old: with_item_column(old, "qty", nullable=False),
        lambda old: with_item_column(old, "qty", default=Default("7")),
    ],
    ids=["add column", "drop column", "create index", "varchar grows", "not null", "default"],
)
def test_mysql_online_ddl_runs_on_the_server(mysql_url, make_new):
    old = base()
    new = make_new(old)
    [f] = found(old, new, "mysql", "mysql-online-ddl")
    assert "ALGORITHM=" in f.safe_sql
    create_schema(mysql_url, old)
    fill(mysql_url)
    run(mysql_url, f.safe_sql.rstrip(";").split(";\n"))
    assert_database_is(mysql_url, new)


def test_mysql_online_ddl_not_for_copies_new_tables_or_other_dialects():
    old = base()
    assert not found(old, with_item_column(old, "qty", type=ColumnType.parse("bigint")), "mysql", "mysql-online-ddl")
    fresh = with_default_names(old.with_table(Table("fresh", (col("id", nullable=False),), primary_key=PrimaryKey(("id",)))))
    assert not found(old, fresh, "mysql", "mysql-online-ddl")
    assert not found(old, with_column(old, col("note", "text")), "postgresql", "mysql-online-ddl")


def test_disabled_change_rules():
    old = base()
    new = changed(old, columns=old.table("item").columns[:-1])
    assert not found(old, new, "mysql", "destructive-change", disabled=["L101"])


def test_a_foreign_key_mysql_cannot_write_keeps_its_finding_without_safe_sql():
    old = base()
    new = changed(old, foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="item_parent_fk", on_delete="SET DEFAULT"),))
    [f] = found(old, new, "mysql", "mysql-copy-alter")
    assert "item_parent_fk" in f.message and f.safe_sql is None
