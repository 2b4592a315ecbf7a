"""``python -m migrations_engine lint``: exit 0 clean, 1 findings at --fail-on, 2 could not lint;
text and JSON output; --against a real database with rows counts them."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from tests.engine.roundtrip import create_schema, run

ROOT = Path(__file__).resolve().parents[2]
INTEGER = ColumnType.parse("integer")


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrations_engine", "lint", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def keyed(*extra: Column, name: str = "item") -> Table:
    return Table(name, (Column("id", INTEGER, nullable=False), *extra), primary_key=PrimaryKey(("id",)))


def write(tmp_path: Path, name: str, schema: Schema) -> str:
    path = tmp_path / name
    snapshot.dump(with_default_names(schema), path)
    return str(path)


@pytest.fixture
def clean(tmp_path: Path) -> str:
    return write(tmp_path, "clean.json", Schema((keyed(Column("qty", INTEGER)),)))


@pytest.fixture
def keyless(tmp_path: Path) -> str:
    return write(tmp_path, "keyless.json", Schema((Table("log", (Column("line", INTEGER),)),)))


def test_clean_schema_exits_0(clean):
    result = lint(clean, "--dialect", "postgresql")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 findings: 0 errors, 0 warnings, 0 info"


def test_error_finding_exits_1_with_rule_docs_and_message(keyless):
    result = lint(keyless, "--dialect", "sqlite")
    assert result.returncode == 1
    assert "error   L001 no-primary-key: table 'log' has no primary key" in result.stdout
    assert "see docs/lint.md#no-primary-key" in result.stdout


def test_disabled_rule_exits_0(keyless):
    assert lint(keyless, "--dialect", "sqlite", "--disable", "no-primary-key").returncode == 0
    assert lint(keyless, "--dialect", "sqlite", "--disable", "L001,L010").returncode == 0


def test_fail_on_lowers_the_bar(tmp_path):
    mixed = write(tmp_path, "mixed.json", Schema((keyed(Column("UnitCount", INTEGER)),)))  # info only
    assert lint(mixed, "--dialect", "postgresql").returncode == 0
    assert lint(mixed, "--dialect", "postgresql", "--fail-on", "warning").returncode == 0
    assert lint(mixed, "--dialect", "postgresql", "--fail-on", "info").returncode == 1


def test_json_output(keyless):
    result = lint(keyless, "--dialect", "postgresql", "--format", "json")
    data = json.loads(result.stdout)
    assert data == [{
        "rule": "L001", "slug": "no-primary-key", "severity": "error", "message": "table 'log' has no primary key",
        "table": "log", "safe_sql": None, "docs": "docs/lint.md#no-primary-key",
    }]


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.json", "--dialect", "postgresql"], "cannot read snapshot"),
        (["{clean}"], "give --dialect"),
        (["{clean}", "--dialect", "postgresql", "--disable", "L999"], "unknown lint rule 'L999'"),
        (["postgresql://postgres@127.0.0.1:1/none"], "error:"),
        (["{clean}", "--dialect", "oracle"], "unknown dialect"),
    ],
    ids=["no file", "no dialect", "unknown rule", "no server", "bad dialect"],
)
def test_could_not_lint_exits_2_in_one_line(clean, args, message):
    result = lint(*[a.format(clean=clean) for a in args])
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_against_a_database_counts_its_rows(dialect, db_url, tmp_path):
    old = with_default_names(Schema((keyed(Column("qty", INTEGER)),)))
    create_schema(db_url, old)
    item = old.table("item")
    new = old.replace_table("item", replace(item, columns=(*item.columns, Column("flag", INTEGER, nullable=False))))
    target = write(tmp_path, "new.json", new)

    empty = lint(target, "--against", str(db_url), "--format", "json")
    assert empty.returncode == 0, empty.stderr
    assert "not-null-without-default" not in empty.stdout  # 0 rows: nothing to fill

    run(db_url, [f"INSERT INTO item (id, qty) VALUES ({i}, {i})" for i in range(1, 4)])
    full = lint(target, "--against", str(db_url), "--format", "json")
    assert full.returncode == 1, full.stderr
    [finding] = [f for f in json.loads(full.stdout) if f["slug"] == "not-null-without-default"]
    assert finding["severity"] == "error" and "3 rows" in finding["message"]


def test_against_a_snapshot_does_not_know_the_rows(clean, tmp_path):
    old = snapshot.load(clean)
    item = old.table("item")
    new = write(tmp_path, "new.json", old.replace_table("item", replace(item, columns=(*item.columns, Column("flag", INTEGER, nullable=False)))))
    result = lint(new, "--against", clean, "--dialect", "postgresql")
    assert result.returncode == 0  # a warning, not an error, when rows are not known
    assert "if the table has rows" in result.stdout


def test_lint_a_database_url(pg_url):
    create_schema(pg_url, Schema((Table("log", (Column("line", INTEGER),)),)))
    result = lint(str(pg_url))
    assert result.returncode == 1 and "table 'log' has no primary key" in result.stdout


def test_lint_a_ddl_file(tmp_path):
    script = tmp_path / "schema.sql"
    script.write_text('CREATE TABLE "order" (id integer PRIMARY KEY, "UnitPrice" double precision);\n', encoding="utf-8")

    result = lint(str(script), "--dialect", "postgresql", "--format", "json")

    assert result.returncode == 0, result.stderr
    assert {f["slug"] for f in json.loads(result.stdout)} == {"reserved-word", "money-in-float", "mixed-case-name"}


def test_a_ddl_file_that_does_not_parse_exits_2(tmp_path):
    script = tmp_path / "broken.sql"
    script.write_text("CREATE TABLE (;\n", encoding="utf-8")

    result = lint(str(script), "--dialect", "postgresql")

    assert result.returncode == 2 and "Traceback" not in result.stderr
