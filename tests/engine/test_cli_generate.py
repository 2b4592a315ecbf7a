"""``python -m migrations_engine generate``: each target from a snapshot file or a database URL,
and one line on stderr with a non-zero status for every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.compare import normalized
from migrations_engine.imports.dbml import read_dbml
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, Enum, ForeignKey, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from tests.engine.corpus import run_script
from tests.engine.roundtrip import assert_same_schema, create_schema
from tests.engine.test_cli import assert_one_line_error, run_cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SCHEMA = with_default_names(Schema(
    tables=(
        Table("order items", (
            Column("id", ColumnType("integer"), nullable=False),
            Column("mood", ColumnType("enum", enum="mood")),
        ), PrimaryKey(("id",))),
        Table("lines", (
            Column("item", ColumnType("integer"), nullable=False),
        ), foreign_keys=(ForeignKey(("item",), "order items", ("id",)),)),
    ),
    enums=(Enum("mood", ("sad", "it's ok")),),
))


@pytest.fixture
def snapshot_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    snapshot.dump(SCHEMA, path)
    return path


def test_dbml_of_a_snapshot(snapshot_file):
    result = run_cli("generate", str(snapshot_file), "--to", "dbml")
    assert result.returncode == 0, result.stderr
    assert 'Table "order items" {' in result.stdout
    assert normalized(read_dbml(result.stdout, None).schema) == normalized(SCHEMA)


def test_snapshot_of_a_snapshot(snapshot_file):
    result = run_cli("generate", str(snapshot_file), "--to", "snapshot")
    assert result.returncode == 0, result.stderr
    assert result.stdout == snapshot.dumps(SCHEMA)


def test_sql_of_a_snapshot_into_a_file(snapshot_file, tmp_path, sqlite_url):
    out = tmp_path / "create.sql"
    result = run_cli("generate", str(snapshot_file), "--to", "sql", "--dialect", "sqlite", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    script = out.read_text(encoding="utf-8")
    assert 'CREATE TABLE "order items"' in script
    run_script(sqlite_url, script)
    assert_same_schema(introspect(sqlite_url), SCHEMA, "the CLI's CREATE script run on SQLite")


@pytest.mark.parametrize("target", ["sql", "dbml"])
def test_a_database_url_as_source(target, pg_url):
    """The dialect comes from the URL; what is written is the live database's schema."""
    create_schema(pg_url, SCHEMA)
    result = run_cli("generate", str(pg_url), "--to", target)
    assert result.returncode == 0, result.stderr
    if target == "sql":
        assert 'CREATE TYPE "mood" AS ENUM' in result.stdout
    else:
        assert "database_type: 'PostgreSQL'" in result.stdout
        assert normalized(read_dbml(result.stdout, "postgresql").schema) == normalized(introspect(pg_url))


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["generate", "{snap}", "--to", "sql"], 2, "give --dialect"),
        (["generate", "{snap}", "--to", "xml"], 2, "invalid choice: 'xml'"),
        (["generate", "{snap}", "--to", "sql", "--dialect", "oracle"], 2, "unknown dialect 'oracle'"),
        (["generate", "{tmp}/missing.json", "--to", "dbml"], 1, "cannot read snapshot"),
        (["generate", "{tmp}/bad.json", "--to", "dbml"], 1, "error: "),
        (["generate", "{quoted}", "--to", "dbml"], 1, "DBML cannot write the name"),
        (["generate", "{snap}", "--to", "dbml", "-o", "{tmp}/no/such/dir/x.dbml"], 1, "cannot write"),
        (["generate", "postgresql://postgres@127.0.0.1:1/nothing", "--to", "sql"], 1, "error: "),
    ],
)
def test_bad_input_is_one_line(args, status, words, snapshot_file, tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    quoted = tmp_path / "quoted.json"
    snapshot.dump(Schema(tables=(Table('say "hi"', (Column("id", ColumnType("integer")),)),)), quoted)
    filled = [a.format(snap=snapshot_file, tmp=tmp_path, quoted=quoted) for a in args]
    result = run_cli(*filled)
    assert_one_line_error(result, status)
    assert words in result.stderr
    assert result.stdout == ""
