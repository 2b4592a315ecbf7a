"""Destructive changes keep the data: backups taken before them, restored by rollback, listed, purged."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from migrations_engine.cli import main
from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.migrations.backups import BackupStore, planned_backups
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.status import read_status
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, Default, Enum, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.engine.roundtrip import insert_rows

from .conftest import EMAIL, ID, NICKNAME, runner, version_1, write_folder

INT = ColumnType.parse("integer")
from .test_runner import assert_schema, history

USERS = {
    "user": [
        {"id": 1, "e-mail": "ann@example.org", "nickname": "ann"},
        {"id": 2, "e-mail": "bob@example.org", "nickname": None},
        {"id": 3, "e-mail": "zoë@example.org", "nickname": "zoë 表"},
    ]
}


def values(url: DatabaseURL, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    q = get_dialect(url.dialect).quote
    names = ", ".join(q(c) for c in columns)
    with connect(url) as db:
        return sorted(db.query(f"SELECT {names} FROM {q(table)}"), key=repr)


def backup_names(url: DatabaseURL) -> set[str]:
    with connect(url) as db:
        return BackupStore(db).tables()


def folder_of(path: Path, dialect: str, schemas: list[Schema]) -> MigrationFolder:
    return write_folder(path, schemas, (dialect,))


# ---------------------------------------------------------------- a dropped column


def test_rollback_after_a_dropped_column_brings_its_values_back(folder, db_url):
    migrate = runner(folder, db_url, validate=True)[0]  # the backup statements are validated too
    migrate.migrate(to=2)
    insert_rows(db_url, USERS)
    migrate.migrate()
    assert backup_names(db_url) == {"engine_backup_0003_1"}
    with connect(db_url) as db:
        (row,) = BackupStore(db).rows()
    assert (row.version, row.kind, row.table_name, row.column_name, row.key_columns, row.row_count) == (
        3, "column", "user", "nickname", ("id",), 3,
    )
    assert read_status(folder, db_url).drift == []  # backup tables are the runner's, not drift

    undo, out = runner(folder, db_url)
    undo.rollback(to=2)
    assert out.getvalue() == "rolled back 0003 unique e-mails, restoring the data saved in engine_backup_0003_1\n"
    assert values(db_url, "user", ["id", "nickname"]) == sorted([(1, "ann"), (2, None), (3, "zoë 表")], key=repr)
    assert backup_names(db_url) == set()
    with connect(db_url) as db:
        assert BackupStore(db).rows() == []

    migrate.migrate()  # again: a new backup, same name
    assert backup_names(db_url) == {"engine_backup_0003_1"}


def test_a_table_without_primary_key_matches_rows_by_every_other_column(tmp_path, db_url):
    text = ColumnType.parse("varchar(20)")
    log = Table("log", (Column("at", INT), Column("what", text), Column("who", text)))
    slim = Table("log", (Column("at", INT), Column("what", text)))
    folder = folder_of(tmp_path / "m", db_url.dialect, [Schema((log,)), Schema((slim,))])
    migrate = runner(folder, db_url)[0]
    migrate.migrate(to=1)
    rows = [{"at": 1, "what": "login", "who": "ann"}, {"at": 2, "what": None, "who": "bob"}, {"at": 3, "what": "x", "who": None}]
    insert_rows(db_url, {"log": rows})
    migrate.migrate()
    assert planned_backups(folder.read()[1])[0].keys == ("at", "what")
    migrate.rollback(to=1)
    assert values(db_url, "log", ["at", "what", "who"]) == sorted([tuple(r.values()) for r in rows], key=repr)


def test_a_column_made_not_null_and_narrower_gets_its_old_values_back(tmp_path, db_url):
    strict = Column("nickname", ColumnType.parse("varchar(10)"), nullable=False, default=Default(""), id="user.nickname")
    wide = with_default_names(Schema((Table("user", (ID, EMAIL, NICKNAME), PrimaryKey(("id",)), id="user"),)))
    narrow = with_default_names(Schema((Table("user", (ID, EMAIL, strict), PrimaryKey(("id",)), id="user"),)))
    folder = folder_of(tmp_path / "m", db_url.dialect, [wide, narrow])
    migrate = runner(folder, db_url)[0]
    migrate.migrate(to=1)
    insert_rows(db_url, {"user": [{"id": 1, "nickname": "ann"}, {"id": 2, "nickname": None}]})
    migrate.migrate()
    assert values(db_url, "user", ["id", "nickname"]) == [(1, "ann"), (2, "")]
    migrate.rollback(to=1)
    assert values(db_url, "user", ["id", "nickname"]) == [(1, "ann"), (2, None)]
    assert_schema(db_url, wide)


def test_a_narrowed_primary_key_column_is_saved_with_every_other_column(tmp_path, db_url):
    """The key column itself changes: rows are found again by the other columns, never by the key."""
    label = Column("label", ColumnType.parse("varchar(20)"), id="price.label")

    def prices(code: str) -> Schema:
        columns = (Column("code", ColumnType.parse(code), nullable=False, id="price.code"), label)
        return with_default_names(Schema((Table("price", columns, PrimaryKey(("code",)), id="price"),)))

    wide, narrow = prices("decimal(10,2)"), prices("decimal(10,0)")
    folder = folder_of(tmp_path / "m", db_url.dialect, [wide, narrow])
    migrate = runner(folder, db_url, validate=True)[0]
    migrate.migrate(to=1)
    insert_rows(db_url, {"price": [{"code": "1.25", "label": "a"}, {"code": "2.75", "label": "b"}, {"code": "10.50", "label": None}]})
    (backup,) = planned_backups(folder.read()[1])
    assert (backup.column, backup.keys, backup.key_is_primary) == ("code", ("label",), False)
    migrate.migrate()
    assert_schema(db_url, narrow)
    migrate.rollback(to=1)
    assert_schema(db_url, wide)
    restored = {name: Decimal(str(code)) for code, name in values(db_url, "price", ["code", "label"])}
    assert restored == {"a": Decimal("1.25"), "b": Decimal("2.75"), None: Decimal("10.5")}
    assert backup_names(db_url) == set()


# ---------------------------------------------------------------- a dropped table

MOOD = Enum("mood", ("sad", "ok", "happy"))
ITEM = Table(
    "line item",
    (
        Column("id", INT, nullable=False, identity=True, id="item.id"),
        Column("naïve", ColumnType.parse("varchar(30)"), id="item.naive"),
        Column("mood", ColumnType.parse("enum(mood)"), id="item.mood"),
    ),
    PrimaryKey(("id",)),
    id="item",
)


def test_rollback_after_a_dropped_table_brings_its_rows_back(tmp_path, db_url):
    """With an identity that goes on after the restored rows, and an enum dropped with the table."""
    with_items = with_default_names(Schema((*version_1().tables, ITEM), (MOOD,)))
    folder = folder_of(tmp_path / "m", db_url.dialect, [with_items, version_1()])
    migrate = runner(folder, db_url, validate=True)[0]
    migrate.migrate(to=1)
    rows = [{"id": 1, "naïve": "café", "mood": "ok"}, {"id": 7, "naïve": None, "mood": None}]
    insert_rows(db_url, {"line item": rows})
    migrate.migrate()
    assert_schema(db_url, version_1())
    with connect(db_url) as db:
        assert [(r.kind, r.table_name, r.row_count) for r in BackupStore(db).rows()] == [("table", "line item", 2)]

    migrate.rollback(to=1)
    assert values(db_url, "line item", ["id", "naïve", "mood"]) == sorted([(1, "café", "ok"), (7, None, None)], key=repr)
    insert_rows(db_url, {"line item": [{"naïve": "new"}]})  # the identity continues after the restored rows
    assert values(db_url, "line item", ["id"])[-1] == (8,)
    assert backup_names(db_url) == set()


# ---------------------------------------------------------------- marks, listing, purging


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_dry_runs_and_status_mark_destructive_operations(folder, db_url):
    migrate, out = runner(folder, db_url)
    migrate.migrate(to=2)
    assert (
        "      destructive: Drop column “nickname” from table “user” and its values; the values of “nickname” with "
        "the primary key (“id”) are saved in “engine_backup_0003_1”" in read_status(folder, db_url).text()
    )
    migrate.migrate(dry_run=True)
    assert re.search(
        r"-- Drop column “nickname” from table “user” and its values\n"
        r"--   destructive: the values of “nickname” with the primary key \(“id”\) are saved in “engine_backup_0003_1”\n"
        r'CREATE TABLE "engine_backup_0003_1" AS SELECT "id", "nickname" FROM "user";\n'
        r'INSERT INTO "engine_migration_backups" .*\n'
        r'ALTER TABLE "user" DROP COLUMN "nickname";\n',
        out.getvalue(),
    )
    migrate.migrate()
    out.truncate(0)
    out.seek(0)
    migrate.rollback(to=2, dry_run=True)
    assert re.search(
        r"-- Add column “nickname” \(varchar\(50\)\) to table “user”\n"
        r"--   restores the values of “nickname” with the primary key \(“id”\) from “engine_backup_0003_1”\n"
        r'ALTER TABLE "user" ADD COLUMN "nickname" VARCHAR\(50\);\n'
        r'UPDATE "user" AS "target" SET "nickname" = "backup"."nickname" FROM "engine_backup_0003_1" AS "backup" '
        r'WHERE "target"."id" = "backup"."id";\n'
        r'DROP TABLE "engine_backup_0003_1";\n',
        out.getvalue(),
    )
    sql_file = next(folder.path.glob("0003_*")) / "sqlite.up.sql"
    assert "-- Drop column “nickname” from table “user” and its values\n--   destructive: " in sql_file.read_text()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_backups_are_listed_and_purged(folder, db_url, capsys):
    runner(folder, db_url)[0].migrate(to=2)
    insert_rows(db_url, USERS)
    runner(folder, db_url)[0].migrate()
    url = str(db_url)
    capsys.readouterr()
    assert main(["backups", str(folder.path), url]) == 0
    listing = capsys.readouterr().out
    assert re.match(
        r"  engine_backup_0003_1  0003 unique e-mails: column “nickname” of “user”, 3 rows, taken \d{4}-\d\d-\d\d "
        r"\d\d:\d\d:\d\d UTC\n1 backups \(purge with: backups DIR URL --purge \[--version V\]\)\n$",
        listing,
    )
    assert main(["backups", str(folder.path), url, "--purge", "--version", "2"]) == 0
    assert capsys.readouterr().out == "no backups to purge for version 0002\n"
    assert main(["backups", str(folder.path), url, "--purge", "--version", "3"]) == 0
    assert capsys.readouterr().out == "purged engine_backup_0003_1\n"
    assert main(["backups", str(folder.path), url]) == 0
    assert capsys.readouterr().out == "no backups\n"

    undo, out = runner(folder, db_url)
    undo.rollback(to=2)  # nothing left to restore: the column comes back empty
    assert out.getvalue() == (
        "rolled back 0003 unique e-mails (no backup left in engine_backup_0003_1: that data is not restored)\n"
    )
    assert values(db_url, "user", ["nickname"]) == [(None,)] * 3
    assert [v for v, _, _ in history(db_url)] == [1, 2]


def test_mysql_rollback_after_a_stop_between_backup_and_drop_removes_the_backup(folder, mysql_url):
    runner(folder, mysql_url)[0].migrate(to=2)
    insert_rows(mysql_url, USERS)
    blocker = connect(mysql_url)
    try:  # an open transaction that read "user" lets the backup copy it but not the column go
        blocker.execute("START TRANSACTION")
        blocker.query("SELECT * FROM `user`")
        with pytest.raises(Exception, match="failed at statement 3 of 4: .*Lock wait timeout"):
            runner(folder, mysql_url, ddl_lock_timeout=1, retries=0)[0].migrate()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert history(mysql_url)[-1] == (3, False, 2)
    assert backup_names(mysql_url) == {"engine_backup_0003_1"}
    runner(folder, mysql_url)[0].rollback(to=2)
    assert backup_names(mysql_url) == set()
    assert [v for v, _, _ in history(mysql_url)] == [1, 2]
    assert values(mysql_url, "user", ["id", "nickname"]) == sorted([(1, "ann"), (2, None), (3, "zoë 表")], key=repr)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_the_runner_quotes_its_own_names_as_the_dialects_do(dialect):
    """The runner names its tables without loading the dialects: its quoting must be theirs."""
    from migrations_engine.migrations.history import BACKUPS_TABLE, TABLE, quote_plain

    for name in (TABLE, BACKUPS_TABLE, "engine_backup_0001_1", "statements_applied"):
        assert quote_plain(dialect, name) == get_dialect(dialect).quote(name)
    with pytest.raises(ValueError):
        quote_plain(dialect, "user name")
