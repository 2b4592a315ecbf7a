"""``python -m migrations_engine import FILE --from sql|dbml|snapshot [--dialect D]``, run as a
real process: the snapshot on stdout, what was skipped on stderr one line each, one line and a
non-zero status for what a user can get wrong, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.compare import equivalent
from migrations_engine.imports.sql import read_sql
from tests.engine.corpus import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrations_engine", "import", *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_it_prints_the_snapshot_and_lists_what_it_skipped():
    path = FIXTURES / "sakila" / "postgres-sakila-schema.sql"
    done = cli(str(path), "--from", "sql", "--dialect", "postgresql")
    assert done.returncode == 0, done.stderr
    printed = snapshot.loads(done.stdout)
    assert equivalent(printed, read_sql(path.read_text(encoding="utf-8"), "postgresql").schema)
    assert {t.name for t in printed.tables} >= {"actor", "film", "rental"}
    lines = done.stderr.splitlines()
    assert 'line 207: skipped view "actor_info": not managed by the engine' in lines, lines[:20]
    assert any(line.startswith("line ") and "skipped function \"_group_concat\"" in line for line in lines)
    assert all(line.startswith(("line ", "note: ")) for line in lines), lines
    assert "Traceback" not in done.stderr


def test_it_reads_stdin_and_takes_dialect_aliases():
    done = cli("-", "--from", "sql", "--dialect", "mariadb", stdin="CREATE TABLE `a b` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY);\n")
    assert done.returncode == 0, done.stderr
    table = snapshot.loads(done.stdout).table("a b")
    assert table.column("id").identity and str(table.column("id").type) == "mysql:int(10) unsigned"
    assert done.stderr == ""


def test_a_snapshot_file_goes_through(tmp_path):
    schema = read_sql((FIXTURES / "chinook" / "Chinook_Sqlite.sql").read_text(encoding="utf-8"), "sqlite").schema
    path = tmp_path / "chinook.json"
    path.write_text(snapshot.dumps(schema), encoding="utf-8")
    done = cli(str(path), "--from", "snapshot")
    assert done.returncode == 0, done.stderr
    assert equivalent(snapshot.loads(done.stdout), schema)


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (("-", "--from", "sql", "--dialect", "postgresql"), "CREATE TABLE a (id int);\nCREATE TABLE b (id int name text);\n", 1, "error: line 2: cannot parse"),
        (("-", "--from", "sql"), "CREATE TABLE a (id int);", 2, "--from sql needs --dialect"),
        (("missing.sql", "--from", "sql", "--dialect", "sqlite"), None, 1, "error: no such file: missing.sql"),
        (("-", "--from", "sql", "--dialect", "oracle"), "", 2, "unknown dialect"),
        (("-", "--from", "xml"), "", 2, "invalid choice"),
        (("-", "--from", "snapshot"), "{not json", 1, "error: "),
    ],
)
def test_what_a_user_gets_wrong_is_one_line(args, stdin, status, message):
    done = cli(*args, stdin=stdin)
    assert done.returncode == status, (done.returncode, done.stderr)
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stdout == ""
