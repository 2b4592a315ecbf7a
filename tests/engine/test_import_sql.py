"""SQL DDL import (``imports/sql.py``) against the real servers: a script read without running it
gives the schema the engine inspects from a database where the same script ran.

The scripts: Sakila and Chinook as their authors wrote them for each server, a ``pg_dump
--schema-only`` and a ``mariadb-dump --no-data`` of Sakila, and a schema of hostile names written
by the engine's own dialects. Then what the import refuses (with the line) and what it skips
(listed with the line).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from glob import glob

import pytest

from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.imports import ImportFailed, import_text
from migrations_engine.imports.sql import read_sql
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.render import render
from migrations_engine.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.engine.corpus import FIXTURES, SCRIPTS, load
from tests.engine.roundtrip import assert_same_schema, run

CORPORA = ("sakila", "chinook")
DIALECTS = ("postgresql", "mysql", "sqlite")


def server_defaults(url: DatabaseURL) -> None:
    """A MySQL scratch database is made with utf8mb4_bin; a script without a character set takes
    the server's default collation, which is what the import assumes (utf8mb4_general_ci)."""
    if url.dialect == "mysql":
        with connect(url) as db:
            db.execute(f"ALTER DATABASE `{url.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")


def corpus_text(corpus: str, dialect: str) -> str:
    text = "".join((FIXTURES / name).read_text(encoding="utf-8") for name in SCRIPTS[(corpus, dialect)])
    # As corpus.load runs it: Sakila's MySQL view names its tables as sakila.film.
    return text.replace("sakila.", "") if corpus == "sakila" else text


#: What each script holds besides tables, as the import lists it (kind: statements).
SKIPPED = {
    ("sakila", "postgresql"): {
        "SET": 8, "comment": 1, "language": 1, "ALTER": 11, "ownership": 43, "function": 10, "view": 7,
        "inheritance child": 6, "index": 12, "rule": 6, "trigger": 15, "ALTER TABLE": 18, "grant": 3,
    },
    ("sakila", "mysql"): {"SET": 6, "DROP": 1, "object": 1, "USE": 1, "trigger": 3, "view": 7, "function": 6},
    ("sakila", "sqlite"): {"trigger": 30, "view": 5},
    ("chinook", "postgresql"): {"DROP": 1, "object": 1, "psql command": 1, "data": 20},
    ("chinook", "mysql"): {"DROP": 1, "object": 1, "USE": 1, "data": 20},
    ("chinook", "sqlite"): {"DROP": 11, "data": 20},
}


@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_script_imports_as_the_live_database_reads(corpus, dialect, db_url):
    server_defaults(db_url)
    load(db_url, corpus)
    result = read_sql(corpus_text(corpus, dialect), dialect)
    assert result.schema.tables
    assert_same_schema(result.schema, introspect(db_url), f"{corpus} on {dialect} imported")
    assert dict(Counter(s.kind for s in result.skipped)) == SKIPPED[(corpus, dialect)]
    assert all(s.line for s in result.skipped)


def _pg_dump() -> str:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_dump")) or [shutil.which("pg_dump")]
    if not found or not found[-1]:
        pytest.fail("pg_dump is not installed")
    return found[-1]


def pg_dump(url: DatabaseURL) -> str:
    return subprocess.run(
        [_pg_dump(), "--schema-only", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
         "-U", url.user or "postgres", url.database],
        check=True, capture_output=True, text=True,
    ).stdout


def mariadb_dump(url: DatabaseURL) -> str:
    binary = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    assert binary, "mariadb-dump / mysqldump is not installed"
    return subprocess.run(
        [binary, "--no-data", "--routines", "--events", "-h", url.host or "127.0.0.1",
         "-P", str(url.port or 3306), "-u", url.user or "root", url.database],
        check=True, capture_output=True, text=True,
    ).stdout


def test_pg_dump_schema_only_imports_as_the_live_database_reads(pg_url):
    load(pg_url, "sakila")
    dump = pg_dump(pg_url)
    result = read_sql(dump, "postgresql")
    assert_same_schema(result.schema, introspect(pg_url), "pg_dump --schema-only of Sakila imported")
    kinds = {s.kind for s in result.skipped}
    assert {"SET", "SELECT", "view", "function", "trigger", "ownership"} <= kinds, kinds
    assert any(s.kind == "inheritance child" for s in result.skipped)


def test_mariadb_dump_no_data_imports_as_the_live_database_reads(mysql_url):
    server_defaults(mysql_url)
    load(mysql_url, "sakila")
    dump = mariadb_dump(mysql_url)
    assert "DELIMITER ;;" in dump and "/*!40101" in dump  # what the splitter has to handle
    result = read_sql(dump, "mysql")
    assert_same_schema(result.schema, introspect(mysql_url), "mariadb-dump --no-data of Sakila imported")
    kinds = {s.kind for s in result.skipped}
    assert {"SET", "view", "trigger", "function"} <= kinds, kinds


# ---------------------------------------------------------------- hostile names

_TEXT = ColumnType("varchar", length=40)


def hostile_schema() -> Schema:
    """Spaces, both quotes, a backtick, reserved words, unicode and a semicolon in names."""
    parent = Table(
        name='order "items"',
        columns=(
            Column("select", ColumnType("integer"), nullable=False),
            Column("naïve name", _TEXT, nullable=False),
            Column("it's", _TEXT),
            Column("back`tick", ColumnType("integer")),
        ),
        primary_key=PrimaryKey(("select",), "pk; drop"),
        uniques=(Unique(("naïve name",), "unique \"naïve\""),),
        checks=(Check("\"select\" > 0", "check 'select'"),),
        indexes=(Index(("it's", "back`tick"), "index of it's"),),
    )
    child = Table(
        name="Größe table",
        columns=(Column("from", ColumnType("integer"), nullable=False), Column("ref", ColumnType("integer"))),
        primary_key=PrimaryKey(("from",), "Größe pk"),
        foreign_keys=(ForeignKey(("ref",), 'order "items"', ("select",), "fk to \"order\"", on_delete="CASCADE"),),
    )
    return with_default_names(Schema(tables=(parent, child)))


def load_hostile(url: DatabaseURL) -> str:
    """The hostile-names schema written by the engine's dialect and run in ``url``; the script."""
    schema = hostile_schema()
    if url.dialect == "mysql":  # MySQL writes checks with backquotes
        parent = schema.table('order "items"')
        schema = schema.replace_table(parent.name, _with_check(parent, "`select` > 0"))
    statements = [s.sql for s in render(diff(Schema(), schema), Schema(), url.dialect)]
    run(url, statements)
    return ";\n".join(statements) + ";\n"


def test_hostile_names_import_as_the_live_database_reads(dialect, db_url):
    server_defaults(db_url)
    script = load_hostile(db_url)
    result = read_sql(script, dialect)
    assert_same_schema(result.schema, introspect(db_url), f"hostile names on {dialect}")
    assert {t.name for t in result.schema.tables} == {'order "items"', "Größe table"}


def _with_check(table: Table, expression: str) -> Table:
    from dataclasses import replace

    return replace(table, checks=(Check(expression, "check 'select'"),))


# ---------------------------------------------------------------- errors and skipped statements


@pytest.mark.parametrize(
    ("dialect", "script", "line"),
    [
        ("postgresql", "CREATE TABLE a (id integer);\n\nCREATE TABLE b (\n  id integer\n  name text\n);\n", 5),
        ("mysql", "SET NAMES utf8mb4;\nCREATE TABLE a (id int)) ENGINE=InnoDB;\n", 2),
        ("sqlite", "-- one\n-- two\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nCREAT TABLE b (id INTEGER);\n", 4),
    ],
)
def test_a_parse_error_names_its_line(dialect, script, line):
    with pytest.raises(ImportFailed) as caught:
        read_sql(script, dialect)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


def test_what_the_model_cannot_hold_fails_with_its_line():
    script = "CREATE TABLE ok (id integer);\nCREATE TABLE r (\n  during tsrange,\n  EXCLUDE USING gist (during WITH &&)\n);\n"
    with pytest.raises(ImportFailed, match=r"^line 2: .*EXCLUDE"):
        read_sql(script, "postgresql")


def test_skipped_statements_are_listed_with_their_lines():
    script = (
        "SET statement_timeout = 0;\n"                                # 1
        "SELECT pg_catalog.set_config('search_path', '', false);\n"   # 2
        "CREATE TABLE t (id integer PRIMARY KEY, n text);\n"          # 3
        "CREATE VIEW v AS SELECT id FROM t;\n"                        # 4
        "CREATE FUNCTION f() RETURNS integer\n"                       # 5
        "    LANGUAGE sql AS $$ SELECT 1; $$;\n"
        "GRANT SELECT ON t TO PUBLIC;\n"                              # 7
        "COPY t (id, n) FROM stdin;\n"                                # 8
        "1\tone; two\n"
        "\\.\n"
        "\\connect other\n"                                           # 11
        "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\n"  # 12
        "ALTER TABLE public.t OWNER TO postgres;\n"                   # 13
    )
    result = read_sql(script, "postgresql")
    assert [t.name for t in result.schema.tables] == ["t"]
    listed = [(s.line, s.kind) for s in result.skipped]
    assert listed == [
        (1, "SET"), (2, "SELECT"), (4, "view"), (5, "function"), (7, "grant"), (8, "data"), (9, "data"),
        (11, "psql command"), (12, "trigger"), (13, "ownership"),
    ], listed


def test_import_text_dispatches_sql_and_needs_a_dialect():
    assert import_text("CREATE TABLE t (id INTEGER);", "sql", "sqlite").schema.table("t")
    with pytest.raises(ImportFailed, match="dialect"):
        import_text("CREATE TABLE t (id INTEGER);", "sql")


# ---------------------------------------------------------------- what each dialect's DDL can say

FEATURES = {
    "postgresql": """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN positive AS integer NOT NULL DEFAULT 1 CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE SEQUENCE counter AS integer START WITH 10 INCREMENT BY 5 CACHE 3;
CREATE SEQUENCE owned_seq;
CREATE TABLE "Parent" (
    id serial PRIMARY KEY,
    code varchar(10) UNIQUE NOT NULL,
    m mood DEFAULT 'ok',
    amount numeric(8,2) DEFAULT 0 CHECK (amount >= 0),
    big bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 2),
    doubled integer GENERATED ALWAYS AS (id * 2) STORED,
    label text COLLATE "C",
    p positive,
    at timestamp(3) with time zone DEFAULT now(),
    tags text[] DEFAULT '{}',
    flag boolean DEFAULT FALSE,
    n integer DEFAULT nextval('counter'),
    UNIQUE (code, label)
);
CREATE TABLE child (
    id bigserial,
    parent_id integer REFERENCES "Parent" ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    other integer,
    note character varying(20) DEFAULT 'x',
    made timestamp DEFAULT NOW(),
    uid uuid DEFAULT Gen_Random_Uuid(),
    n integer DEFAULT -1,
    CONSTRAINT child_pk PRIMARY KEY (id)
);
ALTER TABLE ONLY child ADD CONSTRAINT child_other_fkey FOREIGN KEY (other) REFERENCES "Parent"(id) MATCH FULL ON UPDATE SET NULL;
ALTER TABLE child ADD CHECK (other <> parent_id);
ALTER TABLE child ADD CONSTRAINT shapes CHECK (NOT (other IS NULL) OR (note <> 'y' AND id >= -1));
ALTER SEQUENCE owned_seq OWNED BY child.other;
CREATE UNIQUE INDEX parent_lower ON "Parent" USING btree (lower(label) DESC NULLS LAST) WHERE amount > 0 AND label <> 'x';
CREATE INDEX ON child (note text_pattern_ops, other DESC);
CREATE INDEX child_gin ON child USING hash (note);
COMMENT ON TABLE "Parent" IS 'the parents';
COMMENT ON COLUMN "Parent".code IS 'l''été';
COMMENT ON CONSTRAINT child_pk ON child IS 'its key';
COMMENT ON INDEX child_gin IS 'hash';
COMMENT ON TYPE mood IS 'how it feels';
CREATE TABLE checked (
    i integer, b bigint, s smallint, n numeric(8,2), f double precision, r real, t text, v varchar(5),
    c char(2), d date, bo boolean, m mood, "Odd name" integer, position integer, "new" integer,
    CHECK (i > 0), CHECK (i >= -1), CHECK (b > 0), CHECK (s > 0), CHECK (n >= 0), CHECK (n > 0.5),
    CHECK (f > 0), CHECK (f > 1.5), CHECK (r > 0), CHECK (t <> 'x'), CHECK (v <> 'y'), CHECK (c = 'ab'),
    CHECK (d > '2020-01-01'), CHECK (i > 0 AND (b < 10 OR b IS NULL)), CHECK (NOT bo), CHECK (bo = true),
    CHECK (i IS NOT NULL), CHECK (i <> b), CHECK (n > -2.5), CHECK (length(t) > 1), CHECK (m <> 'sad'),
    CHECK ("Odd name" < 5), CHECK (position >= 0), CHECK (new > 0)
);
CREATE TABLE measurement (id integer NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON measurement_2024 (id);
CREATE INDEX measurement_at ON measurement (at);
""",
    "mysql": """
CREATE TABLE `Parent` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `code` varchar(10) NOT NULL COMMENT 'l''été',
  `kind` enum('a','b''c') DEFAULT 'a',
  `flags` set('x','y') NOT NULL DEFAULT '',
  `amount` decimal(8,2) DEFAULT '0.00',
  `ok` boolean DEFAULT TRUE,
  `tiny` tinyint DEFAULT -1,
  `nat` nvarchar(20),
  `bin` varchar(20) BINARY,
  `latin` varchar(5) CHARACTER SET latin1,
  `doc` json,
  `total` decimal(9,2) AS (`amount` * 2) STORED,
  `at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `day` date DEFAULT NULL,
  `uid` char(36) DEFAULT UUID(),
  `today` date DEFAULT (CURRENT_DATE),
  `three` int DEFAULT (1 + 2),
  `ab` varchar(10) DEFAULT (CONCAT('a', 'b')),
  PRIMARY KEY (`id`),
  UNIQUE KEY (`code`),
  UNIQUE (`code`, `kind`),
  KEY `by_prefix` (`code`(4), `amount` DESC) COMMENT 'prefix',
  FULLTEXT KEY `ft` (`nat`),
  CHECK (`amount` >= 0),
  CONSTRAINT `named_check` CHECK (`tiny` < 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the parents';
CREATE TABLE child (
  id bigint NOT NULL PRIMARY KEY,
  parent_id int unsigned,
  other int unsigned CHECK (other > 0),
  FOREIGN KEY (parent_id) REFERENCES `Parent` (id),
  CONSTRAINT fk_other FOREIGN KEY (other) REFERENCES `Parent` (id) ON DELETE CASCADE
);
CREATE INDEX child_other ON child (other, parent_id);
ALTER TABLE child ADD CONSTRAINT uq_pair UNIQUE (parent_id, other);
CREATE TABLE checked (
  a int, k varchar(5), d date, x varchar(10),
  `Twice` int AS (A*2) VIRTUAL,
  CHECK (k IN ('a', 'b')), CHECK (a BETWEEN 1 AND 10), CHECK (a>0 AND a<100 OR a IS NULL),
  CHECK (CHAR_LENGTH(k) > 1), CHECK (k LIKE 'x%'), CHECK (d > '2020-01-01'), CHECK (a != 4),
  CHECK (a + 1 * 2 >= -3), CHECK (x <> 'it''s'), CONSTRAINT `Named` CHECK (`Twice` < 50)
);
""",
    "sqlite": """
CREATE TABLE "Parent" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code VARCHAR(10) NOT NULL UNIQUE,
  amount NUMERIC(8,2) DEFAULT 0 CHECK (amount >= 0),
  flag BOOLEAN DEFAULT 1,
  label TEXT COLLATE NOCASE,
  at DATETIME DEFAULT (datetime('now')),
  doubled INTEGER GENERATED ALWAYS AS (id * 2) STORED,
  CONSTRAINT named_check CHECK (length(code) > 1)
);
CREATE TABLE child (
  a INTEGER NOT NULL,
  b TEXT NOT NULL,
  parent_id INTEGER REFERENCES "Parent" ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (a, b),
  CONSTRAINT child_code FOREIGN KEY (b) REFERENCES "Parent" (code)
) WITHOUT ROWID;
CREATE TABLE strict_one (id INTEGER PRIMARY KEY, n REAL) STRICT;
CREATE UNIQUE INDEX parent_lower ON "Parent" (lower(label) DESC) WHERE amount > 0;
CREATE INDEX child_b ON child (b COLLATE NOCASE, a DESC);
""",
}


def load_features(url: DatabaseURL) -> str:
    """The dialect's features script run in ``url``; the script."""
    script = FEATURES[url.dialect]
    with connect(url) as db:
        if url.dialect == "mysql":
            for statement in script.split(";\n"):
                if statement.strip():
                    db.execute(statement)
        elif url.dialect == "sqlite":
            db.raw.executescript(script)
        else:
            db.execute(script)
    return script


def test_what_each_dialect_says_imports_as_the_live_database_reads(dialect, db_url):
    server_defaults(db_url)
    script = load_features(db_url)
    result = read_sql(script, dialect)
    assert_same_schema(result.schema, introspect(db_url), f"the features script on {dialect}")
    # A partition is not managed (the inspection lists it so), nor what is made on it.
    assert [s.kind for s in result.skipped] == (["partition", "index"] if dialect == "postgresql" else [])



@pytest.mark.parametrize("what", ["features", "hostile names"])
@pytest.mark.parametrize("server", ["postgresql", "mysql"])
def test_a_dump_of_what_each_dialect_says_imports_as_the_live_database_reads(server, what, request):
    url = request.getfixturevalue("pg_url" if server == "postgresql" else "mysql_url")
    server_defaults(url)
    (load_features if what == "features" else load_hostile)(url)
    dump = pg_dump(url) if server == "postgresql" else mariadb_dump(url)
    result = read_sql(dump, server)
    assert_same_schema(result.schema, introspect(url), f"a dump of the {what} on {server}")


def test_what_the_model_leaves_out_of_a_table_is_noted(sqlite_url):
    script = (
        "CREATE TABLE t (\n"
        "  a INTEGER PRIMARY KEY ON CONFLICT REPLACE,\n"
        "  b TEXT NOT NULL ON CONFLICT IGNORE,\n"
        "  UNIQUE (b) ON CONFLICT ROLLBACK\n"
        ");\n"
    )
    with connect(sqlite_url) as db:
        db.raw.executescript(script)
    result = read_sql(script, "sqlite")
    assert_same_schema(result.schema, introspect(sqlite_url), "ON CONFLICT left out, as the inspection leaves it")
    noted = [n for n in result.notes if "ON CONFLICT" in n and "left out" in n]
    assert len(noted) == 3 and all(n.startswith("line 1: table 't'") for n in noted), result.notes


@pytest.mark.parametrize(
    ("dialect", "script", "message"),
    [
        ("postgresql", "CREATE TABLE a (id integer PRIMARY KEY, b integer REFERENCES missing (id));", "not sound: .*missing"),
        ("mysql", "CREATE TABLE a (id int, KEY k (nope));", "not sound: .*nope"),
        ("mysql", "CREATE TABLE a (id int);\nCREATE INDEX i ON b (id);", "^line 2: index on table 'b'"),
        ("sqlite", "CREATE TABLE a (id INTEGER);\nALTER TABLE b ADD COLUMN c TEXT;", "^line 2: ALTER TABLE on table 'b'"),
    ],
)
def test_what_the_database_would_refuse_is_refused(dialect, script, message):
    with pytest.raises(ImportFailed, match=message):
        read_sql(script, dialect)


def test_statements_are_cut_where_each_server_cuts_them():
    mysql = (
        "/*!40101 SET NAMES utf8mb4 */;\n"                              # 1
        "DELIMITER $$\n"
        "CREATE PROCEDURE p()\n"                                        # 3
        "BEGIN\n"
        "  SELECT 'a;b'; SELECT \"c\\\";d\";\n"
        "END$$\n"
        "DELIMITER ;\n"
        "# a comment; not a statement\n"
        "CREATE TABLE t (a varchar(5) DEFAULT 'x\\';y');\n"            # 9
    )
    result = read_sql(mysql, "mysql")
    assert [(s.line, s.kind) for s in result.skipped] == [(1, "SET"), (3, "function")]
    assert result.schema.table("t").column("a").default.value == "x';y"
    postgresql = (
        "CREATE TABLE t (a text DEFAULT E'x\\';y', b text DEFAULT 'z;''');\n"   # 1
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'q;'; $body$;\n"  # 2
        "CREATE TABLE u (\n  id integer\n);\n"                          # 3
    )
    result = read_sql(postgresql, "postgresql")
    assert [(s.line, s.kind) for s in result.skipped] == [(2, "function")]
    assert result.schema.table("t").column("b").default.value == "z;'"
    assert result.schema.has_table("u")
    sqlite = (
        "CREATE TABLE t (a INTEGER);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"                   # 2
        "  UPDATE t SET a = 1; UPDATE t SET a = 2;\n"
        "END;\n"
        "CREATE TABLE u (b TEXT);\n"                                    # 5
    )
    result = read_sql(sqlite, "sqlite")
    assert [(s.line, s.kind) for s in result.skipped] == [(2, "trigger")]
    assert {t.name for t in result.schema.tables} == {"t", "u"}


def test_long_unnamed_postgresql_names_are_clipped_as_the_server_clips_them(pg_url):
    long_table = "a_table_whose_name_is_long_enough_to_need_clipping_by_the_server"[:60]
    script = (
        f'CREATE TABLE "{long_table}" (\n'
        "  identifier_of_the_row integer PRIMARY KEY,\n"
        "  a_very_long_column_name_for_a_unique_constraint text UNIQUE,\n"
        "  amount integer CHECK (amount > 0),\n"
        "  été text\n"
        ");\n"
        f'CREATE INDEX ON "{long_table}" (lower(a_very_long_column_name_for_a_unique_constraint));\n'
        f'CREATE INDEX ON "{long_table}" (amount, été);\n'
    )
    with connect(pg_url) as db:
        db.execute(script)
    result = read_sql(script, "postgresql")
    assert_same_schema(result.schema, introspect(pg_url), "long unnamed names")


def test_a_table_dropped_after_it_was_created_is_gone():
    # mysqldump before 8.0 stood tables in for views, dropped them, then made the views.
    script = (
        "DROP TABLE IF EXISTS `a`;\n"
        "CREATE TABLE `a` (id int PRIMARY KEY);\n"
        "/*!50001 CREATE TABLE `v` (`id` tinyint NOT NULL) */;\n"
        "/*!50001 DROP TABLE IF EXISTS `v`*/;\n"
        "/*!50001 CREATE VIEW `v` AS select `a`.`id` AS `id` from `a` */;\n"
    )
    result = read_sql(script, "mysql")
    assert [t.name for t in result.schema.tables] == ["a"]
    assert [(s.line, s.kind) for s in result.skipped] == [(1, "DROP"), (5, "view")]


def test_a_history_of_changes_is_refused_with_its_line():
    script = "CREATE TABLE a (id integer, b integer);\nCREATE INDEX ai ON a (b);\nALTER TABLE a RENAME COLUMN b TO c;\n"
    with pytest.raises(ImportFailed, match=r"^line 3: ALTER TABLE a RENAME COLUMN b TO c: changes what the script created"):
        read_sql(script, "postgresql")
