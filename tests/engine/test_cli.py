"""The command line: output on success, one clear line and a non-zero status on every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrations_engine", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture
def snapshots(tmp_path: Path) -> tuple[Path, Path]:
    integer = ColumnType.parse("integer")
    old = Schema((Table("user", (Column("id", integer, nullable=False, id="c1"),), PrimaryKey(("id",)), id="t1"),))
    new = Schema(
        (
            Table(
                "user",
                (Column("id", integer, nullable=False, id="c1"), Column("e-mail", ColumnType.parse("varchar(200)"))),
                PrimaryKey(("id",)),
                id="t1",
            ),
        )
    )
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    snapshot.dump(old, old_path)
    snapshot.dump(new, new_path)
    return old_path, new_path


def test_diff_of_snapshot_files_prints_up_sql(snapshots):
    old, new = snapshots
    result = run_cli("diff", str(old), str(new), "--dialect", "postgresql")
    assert result.returncode == 0, result.stderr
    assert '-- Add column “e-mail” (varchar(200)) to table “user”' in result.stdout
    assert 'ALTER TABLE "user" ADD COLUMN "e-mail"' in result.stdout


def test_diff_down_prints_the_reverse(snapshots):
    old, new = snapshots
    result = run_cli("diff", str(old), str(new), "--dialect", "postgresql", "--down")
    assert result.returncode == 0, result.stderr
    assert 'ALTER TABLE "user" DROP COLUMN "e-mail";' in result.stdout


def test_diff_of_equal_schemas_prints_nothing(snapshots):
    old, _ = snapshots
    result = run_cli("diff", str(old), str(old), "--dialect", "postgresql")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no changes" in result.stderr


def test_inspect_prints_the_snapshot_of_a_database(sqlite_url):
    from migrations_engine.connection import connect

    with connect(sqlite_url) as db:
        db.execute('CREATE TABLE "a b" ("id" INTEGER NOT NULL PRIMARY KEY)')
    result = run_cli("inspect", f"sqlite:///{sqlite_url.database}")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "schema-snapshot/1"  # nothing of format 2 in it
    assert [t["name"] for t in data["tables"]] == ["a b"]
    assert snapshot.loads(result.stdout).table("a b").column_names == ("id",)


def test_diff_between_live_databases_defaults_to_their_dialect(sqlite_url, tmp_path):
    from migrations_engine.connection import connect

    other = tmp_path / "other.sqlite3"
    with connect(sqlite_url) as db:
        db.execute('CREATE TABLE "t" ("id" INTEGER NOT NULL PRIMARY KEY)')
    with connect(f"sqlite:///{other}") as db:
        db.execute('CREATE TABLE "t" ("id" INTEGER NOT NULL PRIMARY KEY, "note" TEXT)')
    result = run_cli("diff", f"sqlite:///{sqlite_url.database}", f"sqlite:///{other}")
    assert result.returncode == 0, result.stderr
    assert 'ALTER TABLE "t" ADD COLUMN "note" TEXT;' in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("inspect",),
        ("diff", "only-one"),
        ("diff", "a.json", "b.json", "--dialect", "oracle"),
        ("diff", "a.json", "b.json"),
        ("inspect", "x", "--bogus-option"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2_with_one_line(args):
    assert_one_line_error(run_cli(*args), 2)


def test_missing_snapshot_file(tmp_path):
    result = run_cli("diff", str(tmp_path / "nope.json"), str(tmp_path / "nope.json"), "--dialect", "mysql")
    assert_one_line_error(result, 1)
    assert "cannot read snapshot" in result.stderr


def test_invalid_snapshot(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "schema-snapshot/1", "tables": [{"columns": []}]}')
    result = run_cli("diff", str(bad), str(bad), "--dialect", "sqlite")
    assert_one_line_error(result, 1)
    assert "tables[0]" in result.stderr


def test_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("CREATE TABLE x (id int);")
    assert_one_line_error(run_cli("inspect", str(bad)), 1)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/nothing",
        "mysql://root@127.0.0.1:3306/me_no_such_database",
        "sqlite:///no/such/folder/x.db",
        "sqlite:///no_such_file.db",
        "oracle://scott@localhost/orcl",
    ],
)
def test_unreachable_or_unknown_database(url):
    result = run_cli("inspect", url)
    assert_one_line_error(result, 1)
    assert not (ROOT / "no_such_file.db").exists()
