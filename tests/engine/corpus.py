"""Real schemas nobody here wrote, loaded as their authors' scripts load them, and the checks the
round trips on them share: rows read back byte for byte, comments changed on every column.

The scripts are in ``tests/fixtures/corpus`` (README.md there names their sources and licences).
They run through each server's own driver, as the conformance runner runs sqldef's cases:
psycopg sends a PostgreSQL script as one simple query (COPY blocks go through ``cursor.copy``),
MySQL scripts are split into statements (``DELIMITER`` honoured for triggers and procedures), and
SQLite's go to ``executescript``. What a script does to the server rather than to the database
(create, drop or switch databases) is left out: the tests run in scratch databases.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.diff import diff
from migrations_engine.render import render, render_down
from migrations_engine.schema import Schema, Table
from migrations_engine.urls import DatabaseURL

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"

SCRIPTS = {
    ("sakila", "postgresql"): ("sakila/postgres-sakila-schema.sql",),
    ("sakila", "mysql"): ("sakila/mysql-sakila-schema.sql",),
    ("sakila", "sqlite"): ("sakila/sqlite-sakila-schema.sql",),
    ("chinook", "postgresql"): ("chinook/Chinook_PostgreSql.sql",),
    ("chinook", "mysql"): ("chinook/Chinook_MySql.sql",),
    ("chinook", "sqlite"): ("chinook/Chinook_Sqlite.sql",),
}
#: Sakila's data comes for PostgreSQL only (as COPY); MySQL and SQLite get the same rows.
SAKILA_DATA = "sakila/postgres-sakila-insert-data-using-copy.sql"
SAKILA_TIME = "2006-02-15 22:12:30"

#: Statements about databases rather than in one (each on a line of its own in these scripts):
#: the scratch database stands in for them.
_SERVER_LEVEL = re.compile(r"^\s*(?:(?:DROP|CREATE)\s+(?:DATABASE|SCHEMA)\b|USE\s|\\c\b)", re.I)

#: Whether the dialect keeps column comments (SQLite has nowhere to put them).
KEEPS_COMMENTS = {"postgresql": True, "mysql": True, "sqlite": False}


def load(url: DatabaseURL, corpus: str) -> None:
    """Create ``corpus``'s schema in the empty database ``url`` and put its rows in it."""
    for name in SCRIPTS[(corpus, url.dialect)]:
        sql = (FIXTURES / name).read_text(encoding="utf-8")
        # Sakila's MySQL view actor_info names its tables as sakila.film etc.
        run_script(url, sql.replace("sakila.", "") if corpus == "sakila" else sql)
    if corpus == "sakila":
        copy_blocks = parse_copy((FIXTURES / SAKILA_DATA).read_text(encoding="utf-8"))
        if url.dialect == "postgresql":
            copy_into_postgresql(url, copy_blocks)
        else:
            insert_sakila_rows(url, copy_blocks)


def run_script(url: DatabaseURL, sql: str) -> None:
    sql = "\n".join(line for line in sql.split("\n") if not _SERVER_LEVEL.match(line))
    with connect(url) as db:
        if url.dialect == "postgresql":
            db.execute(sql)  # without parameters psycopg sends the whole script at once
        elif url.dialect == "mysql":
            for delimiter, chunk in _delimiter_chunks(sql):
                if delimiter == ";":
                    if _has_statements(chunk):
                        _mysql_batch(db, chunk)
                else:
                    for statement in chunk.split(delimiter):
                        if _has_statements(statement):
                            db.execute(statement)
        else:
            db.execute("PRAGMA foreign_keys = OFF")  # tables are created before those they reference
            db.raw.executescript(sql)
            db.execute("PRAGMA foreign_keys = ON")


def _mysql_batch(db, sql: str) -> None:
    """Statements ended by ``;`` sent at once (the connection allows several); each one's
    result is read so that an error in any of them is raised."""
    cursor = db.raw.cursor()
    try:
        cursor.execute(sql)
        while cursor.nextset():
            pass
    finally:
        cursor.close()


def _has_statements(sql: str) -> bool:
    return bool(re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.S).strip(" \n\t;"))


def _delimiter_chunks(sql: str) -> list[tuple[str, str]]:
    """A mysql-client script cut at its ``DELIMITER`` lines: (delimiter, text) in order."""
    chunks: list[tuple[str, str]] = []
    delimiter, current = ";", []
    for line in sql.split("\n"):
        if line.strip().upper().startswith("DELIMITER "):
            chunks.append((delimiter, "\n".join(current)))
            delimiter, current = line.strip().split()[1], []
        else:
            current.append(line)
    chunks.append((delimiter, "\n".join(current)))
    return chunks


# ---------------------------------------------------------------- Sakila's rows


def parse_copy(text: str) -> list[tuple[str, list[str], list[list[str | None]]]]:
    """(table, columns, rows) of each ``COPY ... FROM stdin`` block, values unescaped, ``\\N`` None."""
    blocks = []
    for match in re.finditer(r"^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", text, re.S | re.M):
        rows = [[_copy_value(v) for v in line.split("\t")] for line in match.group(3).split("\n") if line]
        blocks.append((match.group(1), match.group(2).split(", "), rows))
    return blocks


def _copy_value(text: str) -> str | None:
    if text == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(1)), text)


def copy_into_postgresql(url: DatabaseURL, blocks: list[tuple[str, list[str], list[list[str | None]]]]) -> None:
    with connect(url, autocommit=False) as db:
        cursor = db.raw.cursor()
        cursor.execute("SET session_replication_role = replica")  # as the dump's DISABLE TRIGGER ALL
        for table, columns, rows in blocks:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        cursor.execute("SET session_replication_role = DEFAULT")
        db.commit()


def insert_sakila_rows(url: DatabaseURL, blocks: list[tuple[str, list[str], list[list[str | None]]]]) -> None:
    """The PostgreSQL rows in the MySQL or SQLite Sakila: the columns both have, values spelled
    as the other database takes them (booleans as 1/0, arrays as MySQL SETs)."""
    from migrations_engine.introspect import introspect

    schema = introspect(url)
    quote = get_dialect(url.dialect).quote
    marker = "%s" if url.dialect == "mysql" else "?"
    with connect(url) as db:
        db.execute("SET FOREIGN_KEY_CHECKS = 0" if url.dialect == "mysql" else "PRAGMA foreign_keys = OFF")
        for table, columns, rows in blocks:
            target = schema.table(table)
            keep = [n for n, c in enumerate(columns) if target.has_column(c)]
            # SQLite's payment.last_update is NOT NULL without a default; PostgreSQL's has none.
            missing = [c.name for c in target.columns if not (c.nullable or c.default or c.name in columns)]
            names = ", ".join(quote(c) for c in [columns[n] for n in keep] + missing)
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join([marker] * (len(keep) + len(missing)))})"
            for row in rows:
                values = [_sakila_value(columns[n], row[n]) for n in keep]
                db.execute(sql, values + [SAKILA_TIME] * len(missing))
        db.execute("SET FOREIGN_KEY_CHECKS = 1" if url.dialect == "mysql" else "PRAGMA foreign_keys = ON")


def _sakila_value(column: str, value: str | None) -> Any:
    if value in ("t", "f") and column in ("active", "activebool"):
        return 1 if value == "t" else 0
    if value is not None and value.startswith("{") and column == "special_features":
        return ",".join(v.strip('"') for v in value[1:-1].split(","))
    return value


# ---------------------------------------------------------------- rows and comments


def table_rows(url: DatabaseURL, schema: Schema) -> dict[str, list[str]]:
    """Every row of every table, in primary-key order (else every column's), each as the repr of
    what the driver gives (PostgreSQL: the row's text form), so that equality is byte equality."""
    quote = get_dialect(url.dialect).quote
    out: dict[str, list[str]] = {}
    with connect(url) as db:
        for table in schema.tables:
            order = table.primary_key.columns if table.primary_key else table.column_names
            by = ", ".join(quote(c) for c in order)
            if url.dialect == "postgresql":
                sql = f"SELECT t::text FROM ONLY {quote(table.name)} AS t ORDER BY {by}"
            else:
                sql = f"SELECT * FROM {quote(table.name)} ORDER BY {by}"
            out[table.name] = [repr(row) for row in db.query(sql)]
    return out


def with_column_comments(schema: Schema, comment) -> Schema:
    """``schema`` with ``comment(table, column)`` as the comment of each column (None: unchanged)."""

    def new(table: Table, column) -> Any:
        text = comment(table, column)
        return column if text is None else replace(column, comment=text)

    return replace(schema, tables=tuple(
        replace(t, columns=tuple(new(t, c) for c in t.columns)) for t in schema.tables
    ))


def comment_scripts(old: Schema, new: Schema, dialect: str) -> tuple[list[str], list[str]]:
    """The up and down scripts between two schemas, as the runner would apply them."""
    operations = diff(old, new)
    up = [s.sql for s in render(operations, old, dialect)]
    down = [s.sql for s in render_down(operations, new, dialect)]
    return up, down
