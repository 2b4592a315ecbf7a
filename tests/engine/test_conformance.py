"""The sqldef conformance runner: loading, scope, reports, the CLI, and small real runs.

These tests write their own small case files; they never need sqldef's checkout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from migrations_engine.conformance import runner as conformance_runner
from migrations_engine.conformance.__main__ import main
from migrations_engine.conformance.cases import (
    Case,
    CaseFileError,
    check_folder,
    load_cases,
    mask_sql,
    metadata_reason,
    out_of_scope_reason,
)
from migrations_engine.conformance.report import markdown, summary_text
from migrations_engine.conformance.explain import mismatch_lines
from migrations_engine.conformance.runner import (
    FAILED,
    OUT_OF_SCOPE,
    PASSED,
    SERVER_REJECTS,
    DialectRun,
    Outcome,
    run_dialect,
    server_url,
)
from migrations_engine.render import Statement
from migrations_engine.schema import Column, Index, Schema, Table
from migrations_engine.types import ColumnType

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"postgresql": "psqldef", "mysql": "mysqldef", "sqlite": "sqlite3def"}


def write_cases(folder: Path, dialect: str, cases: dict, file: str = "tests_fixture.yml") -> Path:
    tool_folder = folder / "cmd" / TOOLS[dialect]
    tool_folder.mkdir(parents=True, exist_ok=True)
    (tool_folder / file).write_text(yaml.safe_dump(cases, sort_keys=False), encoding="utf-8")
    return folder


def case(current: str = "", desired: str = "", **meta) -> Case:
    return Case("tool", "tests_x", "X", current, desired, meta)


# ---------------------------------------------------------------- loading


def test_it_loads_a_tools_cases_in_file_then_case_order(tmp_path):
    write_cases(tmp_path, "sqlite", {"B": {"desired": "CREATE TABLE b (x int);"}, "A": {"desired": ""}}, "tests_b.yml")
    write_cases(tmp_path, "sqlite", {"Z": {"current": "CREATE TABLE z (x int);", "desired": ""}}, "tests_a.yml")
    write_cases(tmp_path, "postgresql", {"P": {"desired": ""}})

    cases = load_cases(tmp_path, "sqlite")

    assert [c.id for c in cases] == ["tests_a/Z", "tests_b/B", "tests_b/A"]
    assert cases[1].current == "" and cases[1].desired == "CREATE TABLE b (x int);"
    assert load_cases(tmp_path, "mysql") == []


def test_it_keeps_the_other_keys_as_metadata(tmp_path):
    write_cases(tmp_path, "mysql", {"C": {"desired": "", "up": "x", "flavor": "mariadb", "min_version": "8.0"}})

    (loaded,) = load_cases(tmp_path, "mysql")

    assert loaded.meta == {"up": "x", "flavor": "mariadb", "min_version": "8.0"}


def test_it_rejects_folders_without_cases(tmp_path):
    with pytest.raises(CaseFileError, match="no such folder"):
        check_folder(tmp_path / "missing")
    with pytest.raises(CaseFileError, match="no sqldef cases"):
        check_folder(tmp_path)


def test_it_reports_a_broken_yaml_file_in_one_line(tmp_path):
    folder = tmp_path / "cmd" / "psqldef"
    folder.mkdir(parents=True)
    (folder / "tests_bad.yml").write_text("A: [unclosed\n", encoding="utf-8")

    with pytest.raises(CaseFileError, match="tests_bad.yml") as raised:
        load_cases(tmp_path, "postgresql")
    assert "\n" not in str(raised.value)


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("dialect", "meta", "expected"),
    [
        ("postgresql", {"error": "boom"}, "sqldef expects an error"),
        ("postgresql", {"config": {"create_index_concurrently": True}}, "needs a sqldef option"),
        ("mysql", {"offline": True}, "offline"),
        ("postgresql", {"user": "psqldef_user"}, "default schema"),
        ("postgresql", {"managed_roles": ["app"]}, "privileges"),
        ("mysql", {"flavor": "mysql"}, "flavor mysql"),
        ("mysql", {"flavor": "!mariadb"}, "flavor !mariadb"),
        ("mysql", {"flavor": "tidb"}, "flavor tidb"),
        ("postgresql", {"min_version": "18.0"}, "min_version 18.0"),
        ("mysql", {"min_version": "9.1"}, "min_version 9.1"),
    ],
)
def test_metadata_for_other_servers_or_modes_is_out_of_scope(dialect, meta, expected):
    assert expected in (metadata_reason(case(**meta), dialect, (15, 4)) or "")


@pytest.mark.parametrize(
    ("dialect", "meta"),
    [
        ("mysql", {"flavor": "mariadb"}),
        ("mysql", {"flavor": "!tidb"}),
        ("mysql", {"min_version": "8.0.13"}),
        ("postgresql", {"min_version": "12"}),
        ("postgresql", {"enable_drop": False, "legacy_ignore_quotes": False}),
    ],
)
def test_metadata_for_our_servers_stays_in_scope(dialect, meta):
    assert metadata_reason(case(**meta), dialect, (15, 4)) is None


@pytest.mark.parametrize(
    ("dialect", "sql", "expected"),
    [
        ("postgresql", "CREATE VIEW v AS SELECT 1;", "views"),
        ("postgresql", "CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT 1;", "views"),
        ("mysql", "CREATE DEFINER=`root`@`%` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1;", "triggers"),
        ("postgresql", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;", "functions"),
        ("postgresql", "CREATE TYPE pair AS (a int, b int);", "types other than enums"),
        ("postgresql", "CREATE SCHEMA s; CREATE TABLE s.t (a int);", "schemas other than public"),
        ("postgresql", "CREATE TABLE t (a int REFERENCES other.u (id));", "schemas other than public"),
        ("postgresql", "CREATE TABLE t (a int) PARTITION BY RANGE (a);", "partitions"),
        ("postgresql", "CREATE EXTENSION citext;", "extensions"),
        ("postgresql", "GRANT SELECT ON t TO app;", "privileges"),
        ("mysql", "CREATE TABLE t (a int, KEY k ((a + 1)));", "functional indexes"),
        ("mysql", "CREATE TABLE t (a int) ENGINE=MyISAM;", "table options"),
        ("mysql", "USE other;", "other databases"),
        ("mysql", "CREATE TABLE t (g geometry NOT NULL, SPATIAL KEY s (g));", "spatial"),
        ("postgresql", "COMMENT ON FUNCTION f() IS 'x';", "comments on objects the engine does not manage"),
        ("sqlite", "CREATE VIRTUAL TABLE t USING fts5(a);", "virtual tables"),
    ],
)
def test_unmodelled_features_are_out_of_scope(dialect, sql, expected):
    assert expected in (out_of_scope_reason(case(desired=sql), dialect, (15,)) or "")


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgresql", 'CREATE TABLE "public"."t" (id bigserial PRIMARY KEY, "key" text);'),
        ("postgresql", "CREATE TABLE t (a int CHECK (a > 0), b text DEFAULT 'CREATE VIEW v');"),
        ("postgresql", "CREATE TABLE t (a int); -- CREATE TRIGGER later\nCOMMENT ON COLUMN t.a IS 'the view';"),
        ("postgresql", "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (m mood);"),
        ("postgresql", "CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING btree (a, b ASC) WHERE a > 0;"),
        ("postgresql", 'CREATE TABLE "view" (a int UNIQUE CHECK (a > 0) REFERENCES u (id));'),
        ("postgresql", "CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"),
        ("mysql", "CREATE TABLE t (id int AUTO_INCREMENT, a varchar(9), PRIMARY KEY (id), UNIQUE KEY u (a)) ENGINE=InnoDB;"),
        ("mysql", "CREATE TABLE t (a enum('x', 'y') COMMENT 'CHARSET', b json DEFAULT (JSON_ARRAY()));"),
        ("sqlite", "CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, a text UNIQUE); CREATE INDEX i ON t (a) WHERE a > 0;"),
        ("postgresql", "CREATE TABLE t (a int UNIQUE DEFERRABLE INITIALLY DEFERRED);"),
        ("postgresql", "CREATE TABLE t (r tstzrange, EXCLUDE USING gist (r WITH &&) WHERE (r IS NOT NULL));"),
        ("postgresql", "ALTER TABLE ONLY t ADD CONSTRAINT ex EXCLUDE (name WITH =) DEFERRABLE;"),
        ("postgresql", "CREATE INDEX i ON t (lower(name));"),
        ("postgresql", "CREATE INDEX i ON t ((a + b));"),
        ("postgresql", "CREATE INDEX i ON t (a DESC);"),
        ("postgresql", "CREATE INDEX i ON t (name text_pattern_ops);"),
        ("postgresql", "CREATE INDEX i ON t USING gin (tags);"),
        ("postgresql", "CREATE INDEX i ON t (a) INCLUDE (b);"),
        ("postgresql", "CREATE INDEX CONCURRENTLY i ON t (a);"),
        ("postgresql", "CREATE TABLE t (a text COLLATE \"C\");"),
        ("postgresql", "CREATE TABLE t (a int GENERATED ALWAYS AS (1) STORED);"),
        ("postgresql", "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY);"),
        ("postgresql", "CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY (START WITH 5));"),
        ("postgresql", "COMMENT ON INDEX i IS 'x';"),
        ("mysql", "CREATE TABLE t (a varchar(9) CHARACTER SET ascii);"),
        ("mysql", "CREATE TABLE t (a int) DEFAULT CHARSET=utf8mb4;"),
        ("mysql", "CREATE TABLE t (a datetime DEFAULT NOW() ON UPDATE CURRENT_TIMESTAMP);"),
        ("mysql", "CREATE TABLE t (a text, FULLTEXT KEY f (a));"),
        ("mysql", "CREATE TABLE t (a varchar(99), KEY k (a(10)));"),
        ("mysql", "CREATE TABLE t (a text, INDEX index_name(a(255)));"),
        ("mysql", "CREATE TABLE t (a int, b int AS (a * 2) VIRTUAL);"),
        ("sqlite", "CREATE TABLE t (a int) STRICT;"),
        ("sqlite", "CREATE INDEX i ON t (a COLLATE NOCASE);"),
    ],
)
def test_modelled_features_stay_in_scope(dialect, sql):
    assert out_of_scope_reason(case(current=sql, desired=sql), dialect, (15,)) is None


def test_masking_hides_strings_comments_and_quoted_names():
    masked = mask_sql("SELECT 'it''s -- view' /* VIEW */, \"Trigger\", \"public\" -- trigger", "postgresql")

    assert "VIEW" not in masked and "TRIGGER" not in masked
    assert "QID" in masked and "PUBLIC" in masked


# ---------------------------------------------------------------- explaining and reporting


def test_mismatches_name_the_element_and_both_values():
    integer, text = ColumnType.parse("integer"), ColumnType.parse("text")
    want = Schema((Table("t", (Column("a", integer), Column("b", text)), indexes=(Index(("a",), "t_a"),)),))
    got = Schema((Table("t", (Column("a", integer, nullable=False),)), Table("extra")))

    lines = mismatch_lines(got, want)

    assert "table 't': column 'a': nullable got False, want True" in lines
    assert any(line.startswith("table 't': column 'b' missing") for line in lines)
    assert any(line.startswith("table 't': index 't_a' missing") for line in lines)
    assert "table 'extra': unexpected" in lines


def fake_run() -> DialectRun:
    run = DialectRun("postgresql", "PostgreSQL 15")
    run.outcomes = [
        Outcome(Case("psqldef", "tests_a", "Pass", "", ""), PASSED),
        Outcome(Case("psqldef", "tests_a", "Fail", "", ""), FAILED, "up failed: boom | bang", group="up failed"),
        Outcome(Case("psqldef", "tests_a", "View", "", ""), OUT_OF_SCOPE, "views", group="views"),
        Outcome(
            Case("psqldef", "tests_b", "Bad", "", ""),
            OUT_OF_SCOPE,
            f"{SERVER_REJECTS} (`desired`): syntax error",
            group=SERVER_REJECTS,
        ),
    ]
    return run


def test_markdown_report_has_source_summary_failures_and_groups():
    text = markdown([fake_run()])

    assert "python -m migrations_engine.conformance ../shared/conformance/sqldef --report docs/conformance.md" in text
    assert "MIT" in text and "29164effe8e1" in text
    assert "| postgresql | PostgreSQL 15 | 4 | 2 | 1 | 1 | 2 | 50.0% |" in text
    assert "- `tests_a/Fail`: up failed: boom \\| bang" in text
    assert "- views (1) (why: not managed by the engine, deliberately: " in text
    assert "(docs/engine.md)): `tests_a/View`" in text
    assert "  - `tests_b/Bad`: (`desired`): syntax error" in text


def test_every_reason_a_rule_gives_has_its_defence():
    from migrations_engine.conformance.cases import _COMMON_RULES, _DIALECT_RULES, why

    reasons = [reason for reason, _ in _COMMON_RULES] + [r for rules in _DIALECT_RULES.values() for r, _ in rules]
    reasons += ["functional indexes (MariaDB has none)", "for another server (flavor mysql)", "sqldef expects an error (case has `error`)"]
    assert [reason for reason in reasons if not why(reason)] == []


def test_a_failure_with_a_note_shows_why(monkeypatch):
    from migrations_engine.conformance import report

    monkeypatch.setitem(report.FAILURE_NOTES, "tests_a/Fail", "the server cannot do it")
    assert "- `tests_a/Fail`: up failed: boom \\| bang (why: the server cannot do it)" in markdown([fake_run()])


def test_summary_text_is_an_aligned_table():
    lines = summary_text([fake_run()]).splitlines()

    assert lines[0].split()[:2] == ["Dialect", "Server"]
    assert lines[2].split()[-1] == "50.0%"


def test_server_urls_come_from_the_environment():
    assert server_url("postgresql", {"TEST_POSTGRES_URL": "postgresql://x@h/db"}) == "postgresql://x@h/db"
    assert server_url("mysql", {}) == "mysql://root@127.0.0.1:3306/mysql"
    assert server_url("sqlite", {}) is None


# ---------------------------------------------------------------- the command line


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["missing-folder"], "no such folder"),
        (["{cases}", "--dialect", "oracle"], "unknown dialect 'oracle'"),
        (["{cases}", "--report", "{cases}/nowhere/report.md"], "does not exist"),
        (["{cases}", "--case", "NoSuchCase"], "no case matches"),
        (["{cases}", "--min-pass-rate", "150"], "between 0 and 100"),
        (["{cases}", "--bogus"], "unrecognized arguments"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, expected):
    write_cases(tmp_path, "sqlite", {"A": {"desired": "CREATE TABLE a (x int);"}})

    status, out, err = run_main(capsys, *(a.replace("{cases}", str(tmp_path)) for a in args))

    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "migrations_engine.conformance", str(tmp_path / "missing")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_min_pass_rate_below_the_rate_exits_1(capsys):
    from migrations_engine.conformance.__main__ import _verdict

    assert _verdict([fake_run()], None) == 0
    assert _verdict([fake_run()], 50) == 0
    assert _verdict([fake_run()], 75) == 1
    assert "postgresql 50.0%" in capsys.readouterr().err


# ---------------------------------------------------------------- real runs


SQLITE_CASES = {
    "AddColumn": {
        "current": "CREATE TABLE users (id integer PRIMARY KEY, name text);",
        "desired": "CREATE TABLE users (id integer PRIMARY KEY, name text, age integer NOT NULL DEFAULT 0);\n"
        "CREATE INDEX users_age ON users (age);",
    },
    "View": {"desired": "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;"},
    "Broken": {"desired": "CREATE TABLE t (a int,);"},
}


def test_a_small_sqlite_run_passes_skips_and_reports(tmp_path, capsys):
    write_cases(tmp_path, "sqlite", SQLITE_CASES)
    report = tmp_path / "conformance.md"

    status, out, err = run_main(capsys, str(tmp_path), "--dialect", "sqlite", "--report", str(report), "-v")

    assert status == 0, err
    assert "sqlite" in out and "100.0%" in out
    text = report.read_text(encoding="utf-8")
    assert "| sqlite | SQLite " in text and "| 3 | 1 | 1 | 0 | 2 | 100.0% |" in text
    assert "- views (1) (why: not managed by the engine" in text and "(docs/engine.md)): `tests_fixture/View`" in text
    assert "`tests_fixture/Broken`: (`desired`): " in text
    assert "passed       tests_fixture/AddColumn (" in err
    assert "sqlite: 3/3 cases, 1 passed, 0 failed, 2 out of scope" in err


def test_case_filter_runs_only_matching_cases(tmp_path, capsys):
    write_cases(tmp_path, "sqlite", SQLITE_CASES)

    status, out, _ = run_main(capsys, str(tmp_path), "--dialect", "sqlite", "--case", "addcol")

    assert status == 0
    assert out.splitlines()[2].split()[-6:] == ["1", "1", "1", "0", "0", "100.0%"]


def test_a_postgresql_case_naming_a_table_before_creating_it_runs_in_passes():
    cases = [
        Case(
            "psqldef",
            "tests_x",
            "ForwardReference",
            "CREATE TABLE b (id int PRIMARY KEY);",
            "CREATE TABLE a (b_id int REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY);",
        ),
        Case("psqldef", "tests_x", "Rejected", "", "CREATE TABLE t (a no_such_type);"),
    ]

    run = run_dialect("postgresql", cases, server_url("postgresql"))

    forward, rejected = run.outcomes
    assert forward.status == PASSED, forward.reason
    assert forward.operations > 0
    assert rejected.status == OUT_OF_SCOPE and rejected.group == SERVER_REJECTS
    assert 'type "no_such_type" does not exist' in rejected.reason


# ---------------------------------------------------------------- classification
# The pass-rate gate counts FAILED against the engine and leaves OUT_OF_SCOPE out: an engine error
# must never land in the second, and only the case's own SQL may be "rejected by the server".

ADD_AGE = Case(
    "sqlite3def",
    "tests_x",
    "AddAge",
    "CREATE TABLE users (id integer PRIMARY KEY);",
    "CREATE TABLE users (id integer PRIMARY KEY, age integer);",
)


def one_sqlite_outcome(case_: Case = ADD_AGE) -> Outcome:
    (outcome,) = run_dialect("sqlite", [case_], None).outcomes
    return outcome


def test_a_case_the_engine_handles_passes():
    outcome = one_sqlite_outcome()
    assert (outcome.status, outcome.group, outcome.operations) == (PASSED, "", 1)


def test_an_engine_error_fails_the_case_at_its_step(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(conformance_runner, "diff", broken)
    outcome = one_sqlite_outcome()
    assert (outcome.status, outcome.group, outcome.reason) == (FAILED, "diff", "diff: the engine broke")


def test_engine_sql_the_server_rejects_fails_the_case_rather_than_putting_it_out_of_scope(monkeypatch):
    monkeypatch.setattr(conformance_runner, "render", lambda *args: [Statement("ALTER TABLE nowhere ADD COLUMN age integer", 0)])
    outcome = one_sqlite_outcome()
    assert (outcome.status, outcome.group) == (FAILED, "up failed")
    assert outcome.reason == "up failed: statement 1/1 `ALTER TABLE nowhere ADD COLUMN age integer`: no such table: nowhere"
    assert outcome.detail == "ALTER TABLE nowhere ADD COLUMN age integer;"


def test_engine_sql_landing_on_the_wrong_schema_fails_the_case(monkeypatch):
    monkeypatch.setattr(conformance_runner, "render", lambda *args: [])
    outcome = one_sqlite_outcome()
    assert (outcome.status, outcome.group) == (FAILED, "after up: schema differs")


def test_a_bug_of_the_runner_itself_fails_only_that_case(monkeypatch):
    def broken(case_, box):
        raise KeyError("oops")

    monkeypatch.setattr(conformance_runner, "run_case", broken)
    run = run_dialect("sqlite", [ADD_AGE, ADD_AGE], None)
    assert [(o.status, o.group, o.reason) for o in run.outcomes] == [(FAILED, "runner", "runner: 'oops'")] * 2
    assert run.pass_rate == 0.0


def test_only_the_cases_own_sql_is_rejected_by_the_server():
    rejected = one_sqlite_outcome(Case("sqlite3def", "tests_x", "Bad", "CREATE TABLE t (a int,);", ""))
    assert (rejected.status, rejected.group) == (OUT_OF_SCOPE, SERVER_REJECTS)
    assert rejected.reason.startswith(f"{SERVER_REJECTS} (`current`): ")
    forward = one_sqlite_outcome(
        Case("sqlite3def", "tests_x", "Forward", "", "CREATE INDEX t_a ON t (a);\nCREATE TABLE t (a int);")
    )
    assert forward.status == PASSED, forward.reason  # failed as written, ran in passes


def test_the_pass_rate_leaves_out_of_scope_cases_out():
    run = DialectRun("sqlite", "SQLite 3", [Outcome(ADD_AGE, PASSED), Outcome(ADD_AGE, FAILED), Outcome(ADD_AGE, OUT_OF_SCOPE)])
    assert (run.in_scope, run.pass_rate) == (2, 50.0)
    assert DialectRun("sqlite", "SQLite 3", [Outcome(ADD_AGE, OUT_OF_SCOPE)]).pass_rate is None
