"""Backups of tables with generated columns and identities: rolled back, every row comes back,
generated values are computed again, and the next row gets the id its counter would have given.

One table per dialect, named with a space and non-ASCII letters: an identity (PostgreSQL
``GENERATED ALWAYS`` with ``START 100 INCREMENT 5``; MySQL ``AUTO_INCREMENT``; SQLite
``AUTOINCREMENT``), two plain columns, a STORED generated column and, where the dialect has one, a
VIRTUAL one. Each destructive change is applied through the runner with backups, then rolled back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, Generated, PrimaryKey, Schema, SequenceOptions, Table
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL

from .conftest import runner, write_folder
from .test_backups import backup_names, values
from .test_runner import assert_schema

INT = ColumnType.parse("integer")
BIG = ColumnType.parse("bigint")
NAME = "ligne été"
ID, PRICE, COUNT, TOTAL, TWICE, NOTE = "n° id", "prix", "qté", "total TTC", "double prix", "note libre"


def ids(dialect: str, big: bool = False) -> Column:
    kind = BIG if big else INT
    if dialect == "postgresql":
        options = SequenceOptions(start=100, increment=5)
        return Column(ID, kind, nullable=False, identity=True, identity_always=True, sequence=options, id="l.id")
    return Column(ID, kind, nullable=False, identity=True, id="l.id")


def generated(dialect: str, name: str, expression: str, stored: bool, id: str) -> Column:
    # As MariaDB reads it back: names quoted only where they need it.
    q = get_dialect(dialect).quote if dialect != "mysql" else lambda name: name if name.isascii() else f"`{name}`"
    return Column(name, INT, generated=Generated(expression % {"price": q(PRICE), "count": q(COUNT)}, stored), id=id)


def line_table(dialect: str, *, drop: str | None = None, note: str = "varchar(20)", big: bool = False) -> Table:
    """The table; ``drop`` leaves one column out, ``note`` is the note's type."""
    columns = [
        ids(dialect, big),
        Column(PRICE, INT, id="l.price"),
        Column(COUNT, INT, id="l.count"),
        generated(dialect, TOTAL, "%(price)s * %(count)s", True, "l.total"),
    ]
    if dialect != "postgresql":  # PostgreSQL 15 has no VIRTUAL generated column
        columns.append(generated(dialect, TWICE, "%(price)s * 2", False, "l.twice"))
    columns.append(Column(NOTE, ColumnType.parse(note), id="l.note"))
    kept = tuple(c for c in columns if c.name != drop)
    pk = PrimaryKey((ID,)) if drop != ID else None
    return Table(NAME, kept, pk, id="l")


def schema(*tables: Table) -> Schema:
    return with_default_names(Schema(tables))


ROWS = [
    {PRICE: 3, COUNT: 4, NOTE: "café ☕"},
    {PRICE: 10, COUNT: None, NOTE: None},
    {PRICE: 7, COUNT: 2, NOTE: "zoë 表"},
    {PRICE: 1, COUNT: 1, NOTE: "deleted"},
]


def fill(url: DatabaseURL) -> list[int]:
    """Insert the rows (the identity gives their ids), delete the third: a gap in the ids."""
    q = get_dialect(url.dialect).quote
    marker = "%s" if url.dialect != "sqlite" else "?"
    with connect(url) as db:
        for row in ROWS:
            names = ", ".join(q(c) for c in row)
            db.execute(f"INSERT INTO {q(NAME)} ({names}) VALUES ({', '.join([marker] * len(row))})", list(row.values()))
        db.execute(f"DELETE FROM {q(NAME)} WHERE {q(NOTE)} = 'zoë 表'")
    return [id for (id,) in values(url, NAME, [ID])]


def expected_ids(dialect: str) -> list[int]:
    return [100, 105, 115] if dialect == "postgresql" else [1, 2, 4]


def next_id(dialect: str) -> int:
    return 120 if dialect == "postgresql" else 5


def rows_now(url: DatabaseURL) -> list[tuple]:
    columns = [ID, PRICE, COUNT, TOTAL, NOTE] + ([TWICE] if url.dialect != "postgresql" else [])
    return sorted(values(url, NAME, columns))


def expected_rows(dialect: str) -> list[tuple]:
    first, second, last = expected_ids(dialect)
    rows = [(first, 3, 4, 12, "café ☕", 6), (second, 10, None, None, None, 20), (last, 1, 1, 1, "deleted", 2)]
    return sorted(r if dialect != "postgresql" else r[:5] for r in rows)


def insert_one(url: DatabaseURL) -> int:
    """A new row: the id its identity gives it."""
    q = get_dialect(url.dialect).quote
    with connect(url) as db:
        db.execute(f"INSERT INTO {q(NAME)} ({q(PRICE)}, {q(COUNT)}) VALUES (2, 3)")
        return db.query(f"SELECT MAX({q(ID)}) FROM {q(NAME)}")[0][0]


def migrate_and_roll_back(tmp_path: Path, url: DatabaseURL, before: Schema, after: Schema) -> None:
    folder = write_folder(tmp_path / "m", [before, after], (url.dialect,))
    migrate = runner(folder, url, validate=True)[0]  # the backup statements are validated too
    migrate.migrate(to=1)
    assert fill(url) == expected_ids(url.dialect)
    migrate.migrate()
    assert_schema(url, after)
    assert backup_names(url) == {"engine_backup_0002_1"}
    migrate.rollback(to=1)
    assert_schema(url, before)
    assert backup_names(url) == set()


# ---------------------------------------------------------------- a dropped table


def test_a_dropped_table_comes_back_with_its_ids_and_computed_columns(tmp_path, db_url):
    other = Table("other", (Column("id", INT, nullable=False),), PrimaryKey(("id",)))
    before, after = schema(line_table(db_url.dialect), other), schema(other)
    migrate_and_roll_back(tmp_path, db_url, before, after)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)  # the counter goes on after the rows, in its steps


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_a_descending_identity_goes_on_below_the_restored_rows(tmp_path, db_url):
    down = Column(ID, INT, nullable=False, identity=True, identity_always=True, sequence=SequenceOptions(start=-10, increment=-3, min_value=-1000, max_value=-1), id="l.id")
    table = Table(NAME, (down, Column(PRICE, INT, id="l.price")), PrimaryKey((ID,)), id="l")
    other = Table("other", (Column("id", INT, nullable=False),), PrimaryKey(("id",)))
    folder = write_folder(tmp_path / "m", [schema(table, other), schema(other)], ("postgresql",))
    migrate = runner(folder, db_url)[0]
    migrate.migrate(to=1)
    q = get_dialect("postgresql").quote
    with connect(db_url) as db:
        for price in (1, 2, 3):
            db.execute(f"INSERT INTO {q(NAME)} ({q(PRICE)}) VALUES ({price})")
        db.execute(f"DELETE FROM {q(NAME)} WHERE {q(PRICE)} = 2")
    migrate.migrate()
    migrate.rollback(to=1)
    assert set(values(db_url, NAME, [ID, PRICE])) == {(-10, 1), (-16, 3)}
    with connect(db_url) as db:
        db.execute(f"INSERT INTO {q(NAME)} ({q(PRICE)}) VALUES (4)")
    assert {id for (id,) in values(db_url, NAME, [ID])} == {-10, -16, -19}


# ---------------------------------------------------------------- dropped and narrowed columns


@pytest.mark.parametrize("column", [NOTE, TOTAL, TWICE])
def test_a_dropped_column_comes_back_plain_or_computed(tmp_path, db_url, column):
    if column == TWICE and db_url.dialect == "postgresql":
        pytest.skip("PostgreSQL 15 has no VIRTUAL generated column")
    before, after = schema(line_table(db_url.dialect)), schema(line_table(db_url.dialect, drop=column))
    folder = write_folder(tmp_path / "m", [before, after], (db_url.dialect,))
    migrate = runner(folder, db_url, validate=True)[0]
    migrate.migrate(to=1)
    fill(db_url)
    migrate.migrate()
    assert backup_names(db_url) == ({"engine_backup_0002_1"} if column == NOTE else set())  # computed: nothing to save
    migrate.rollback(to=1)
    assert_schema(db_url, before)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)


def test_a_narrowed_column_comes_back_next_to_computed_ones(tmp_path, db_url):
    before = schema(line_table(db_url.dialect))
    after = schema(line_table(db_url.dialect, note="varchar(10)"))  # MySQL refuses to cut values
    migrate_and_roll_back(tmp_path, db_url, before, after)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)


def test_a_dropped_identity_comes_back_with_the_same_ids(tmp_path, db_url):
    """Its rows are found again by every other column, computed ones included; the identity
    re-added numbers them anew, the restore gives them their own ids back and moves the counter."""
    if db_url.dialect == "sqlite":
        pytest.skip("SQLite's AUTOINCREMENT is the rowid: dropping it remakes the table")
    before, after = schema(line_table(db_url.dialect)), schema(line_table(db_url.dialect, drop=ID))
    migrate_and_roll_back(tmp_path, db_url, before, after)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_narrowed_identity_gets_its_values_back(tmp_path, db_url):
    before, after = schema(line_table(db_url.dialect, big=True)), schema(line_table(db_url.dialect))
    migrate_and_roll_back(tmp_path, db_url, before, after)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)


def test_a_plain_column_made_generated_gets_its_own_values_back(tmp_path, db_url):
    table = line_table(db_url.dialect)
    computed = generated(db_url.dialect, NOTE, "%(price)s * 3", True, "l.note")
    after = schema(replace(table, columns=tuple(computed if c.name == NOTE else c for c in table.columns)))
    before = schema(table)
    migrate_and_roll_back(tmp_path, db_url, before, after)
    assert rows_now(db_url) == expected_rows(db_url.dialect)
    assert insert_one(db_url) == next_id(db_url.dialect)


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_a_serial_with_options_goes_on_in_its_steps(tmp_path, db_url):
    serial = Column(ID, BIG, nullable=False, identity=True, serial=True, sequence=SequenceOptions(start=1000, increment=10), id="l.id")
    table = Table(NAME, (serial, Column(PRICE, INT, id="l.price")), PrimaryKey((ID,)), id="l")
    before = schema(table)
    after = schema(Table("other", (Column("id", INT, nullable=False),), PrimaryKey(("id",))))
    folder = write_folder(tmp_path / "m", [before, after], ("postgresql",))
    migrate = runner(folder, db_url, validate=True)[0]
    migrate.migrate(to=1)
    q = get_dialect("postgresql").quote
    with connect(db_url) as db:
        for price in (1, 2):
            db.execute(f"INSERT INTO {q(NAME)} ({q(PRICE)}) VALUES ({price})")
        db.execute(f"INSERT INTO {q(NAME)} ({q(ID)}, {q(PRICE)}) VALUES (1035, 3)")  # a value of its own, off the steps
    migrate.migrate()
    migrate.rollback(to=1)
    assert_schema(db_url, before)
    with connect(db_url) as db:
        db.execute(f"INSERT INTO {q(NAME)} ({q(PRICE)}) VALUES (4)")
    assert sorted(values(db_url, NAME, [ID, PRICE])) == [(1000, 1), (1010, 2), (1035, 3), (1040, 4)]
