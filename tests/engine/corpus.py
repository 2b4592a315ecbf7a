"""Real schemas nobody here wrote, loaded as their authors' scripts load them, and the checks the
round trips on them share: rows read back byte for byte, comments changed on every column.

The scripts are in ``tests/fixtures/corpus`` (README.md there names their sources and licences).
They run through each server's own driver, as the conformance runner runs sqldef's cases:
psycopg sends a PostgreSQL script as one simple query (COPY data goes through ``cursor.copy``),
PyMySQL sends a MySQL script's statements together, cut where ``DELIMITER`` says (triggers and
procedures), and SQLite's go to ``executescript``. What a script does to the server rather than
to the database (create, drop or switch databases) is left out: the tests use scratch databases.

"Identical" is asked twice: of the engine (``compare``, through ``roundtrip.assert_same_schema``)
and of the server itself (``catalog``), which sees what the engine might miss in both readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.render import render, render_down
from migrations_engine.schema import Column, Schema, Table
from migrations_engine.unmanaged import read_unmanaged
from migrations_engine.urls import DatabaseURL
from tests.engine.roundtrip import assert_same_schema, create_schema, run

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


def gap(reason: str) -> pytest.MarkDecorator:
    """The mark of a case that fails because of an engine gap: strict, so that the case fails
    the suite once the gap is closed and the mark has to go."""
    return pytest.mark.xfail(strict=True, reason=reason)


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
    schema = introspect(url)
    quote = get_dialect(url.dialect).quote
    marker = "%s" if url.dialect == "mysql" else "?"
    with connect(url) as db:
        db.execute("SET FOREIGN_KEY_CHECKS = 0" if url.dialect == "mysql" else "PRAGMA foreign_keys = OFF")
        db.execute("BEGIN")  # one transaction: a commit per row is most of the time otherwise
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
        db.execute("COMMIT")
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
                sql = f"SELECT ROW(t.*)::text FROM ONLY {quote(table.name)} AS t ORDER BY {by}"
            else:
                sql = f"SELECT * FROM {quote(table.name)} ORDER BY {by}"
            out[table.name] = [repr(row) for row in db.query(sql)]
    return out


def assert_same_rows(actual: dict[str, list[str]], expected: dict[str, list[str]], context: str) -> None:
    for table, before in expected.items():
        after = actual[table]
        if after != before:
            changed = [(a, b) for a, b in zip(before, after) if a != b][:3]
            raise AssertionError(
                f"{context}: rows of {table!r} changed ({len(before)} before, {len(after)} after); "
                f"first differences (before, after): {changed}"
            )


def with_column_comments(schema: Schema, comment) -> Schema:
    """``schema`` with ``comment(table, column)`` as the comment of each column (None: unchanged)."""

    def new(table: Table, column: Column) -> Column:
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


# ---------------------------------------------------------------- the two round trips


def assert_create_script_rebuilds(source: DatabaseURL, empty: DatabaseURL, what: str) -> None:
    """``source`` read, its CREATE script (a diff from nothing) run in ``empty``, read again:
    the engine's two readings are one schema, and so are the server's own accounts."""
    live = introspect(source)
    assert live.tables, f"{what}: no tables to rebuild"
    managed = {t.name for t in live.tables}
    assert_unread_tables_listed(source, managed, what)
    create_schema(empty, live)
    context = f"{what} rebuilt from its CREATE script"
    assert_same_schema(introspect(empty), live, context)
    # The engine could miss something in both readings alike: the server's account sees it.
    assert_same_catalog(catalog(empty, tables=managed), catalog(source, tables=managed), context)


def assert_unread_tables_listed(url: DatabaseURL, managed: Collection[str], what: str) -> None:
    """A table the engine leaves out (an inheritance child, a partition …) is one it lists as not
    managed: none disappears in silence."""
    with connect(url) as db:
        listed = {o.name for o in read_unmanaged(db)}
    unread = server_tables(url) - set(managed)
    assert unread <= listed, f"{what}: tables neither read nor listed as not managed: {sorted(unread - listed)}"


def corpus_comment(table: Table, column: Column) -> str:
    # A quote, a backslash, a percent sign and non-ASCII letters: escaping has to be right.
    return f"{table.name}.{column.name}: l'été 100% \\ ok"


def assert_comment_changes_keep_everything(url: DatabaseURL, what: str, *, min_rows: int = 100) -> None:
    """On ``url``, which holds rows: every column's comment changed in one migration, then a
    few single columns' (the riskiest ALTERs), each applied up and down. After up the schema is
    the old one with the new comments (the server's account without comments unchanged), after
    down the old one exactly; every row of every table byte for byte the same throughout."""
    live = introspect(url)
    managed = {t.name for t in live.tables}
    before = _Before(table_rows(url, live), catalog(url, tables=managed), catalog(url, comments=False, tables=managed))
    assert sum(len(rows) for rows in before.rows.values()) >= min_rows, f"{what} should come with rows"

    _up_and_down(url, live, with_column_comments(live, corpus_comment), before, "every column's comment")
    for table, column in single_columns(live):
        one = with_column_comments(live, lambda t, c: "only this one" if (t.name, c.name) == (table, column) else None)
        _up_and_down(url, live, one, before, f"the comment of {table}.{column}")


@dataclass(frozen=True)
class _Before:
    rows: dict[str, list[str]]
    catalog: set[str]
    uncommented: set[str]


def _up_and_down(url: DatabaseURL, old: Schema, new: Schema, before: _Before, what: str) -> None:
    managed = {t.name for t in old.tables}
    up, down = comment_scripts(old, new, url.dialect)
    run(url, up)
    context = f"after up changing {what}"
    assert_same_schema(introspect(url), new if KEEPS_COMMENTS[url.dialect] else old, context)
    assert_same_catalog(catalog(url, comments=False, tables=managed), before.uncommented, context)
    assert_same_rows(table_rows(url, old), before.rows, context)
    run(url, down)
    context = f"after down changing {what}"
    assert_same_schema(introspect(url), old, context)
    assert_same_catalog(catalog(url, tables=managed), before.catalog, context)
    assert_same_rows(table_rows(url, old), before.rows, context)


def single_columns(schema: Schema) -> list[tuple[str, str]]:
    """(table, column) of the first column of each risky kind: a key others reference, a
    foreign key column, a column with a default, an enum or ON UPDATE column, a column a check
    names (MariaDB keeps a column's own check in its definition)."""
    referenced = {(fk.ref_table, fk.ref_columns[0]) for t in schema.tables for fk in t.foreign_keys}
    kinds = (
        lambda t, c: (t.name, c.name) in referenced,
        lambda t, c: any(c.name == fk.columns[0] for fk in t.foreign_keys),
        lambda t, c: c.default is not None and not c.identity,
        lambda t, c: c.type.kind == "enum" or c.on_update is not None,
        lambda t, c: any(re.search(rf"\b{re.escape(c.name)}\b", check.expression) for check in t.checks),
    )
    picks: list[tuple[str, str]] = []
    for kind in kinds:
        found = next(((t.name, c.name) for t in schema.tables for c in t.columns if kind(t, c)), None)
        if found and found not in picks:
            picks.append(found)
    return picks


# ---------------------------------------------------------------- the servers' own account


def catalog(url: DatabaseURL, *, comments: bool = True, tables: Collection[str] | None = None) -> set[str]:
    """What the server itself says about the tables, one line per fact, engine not involved:
    PostgreSQL's catalog (columns with type, nullability, default, identity, generation,
    collation; constraints and indexes as pg_get_constraintdef/pg_indexes write them; table
    comments; inheritance; enum labels), MySQL's ``SHOW CREATE TABLE`` lines, SQLite's pragmas
    (checks aside: SQLite keeps them only in the CREATE text). Views, triggers, routines and sequences
    are not tables' facts and are left out. Column order is ignored, as ``compare`` ignores it.
    ``comments=False`` leaves comments out; ``tables`` keeps only those tables' facts."""
    with connect(url) as db:
        if url.dialect == "postgresql":
            facts = _postgresql_catalog(db, comments)
        elif url.dialect == "mysql":
            facts = _mysql_catalog(db, comments)
        else:
            facts = _sqlite_catalog(db)
    return {fact for table, fact in facts if tables is None or table is None or table in tables}


def server_tables(url: DatabaseURL) -> set[str]:
    """The names of the database's ordinary tables, as the server lists them."""
    with connect(url) as db:
        if url.dialect == "postgresql":
            rows = db.query(f"SELECT c.relname FROM pg_class c WHERE {_PG_TABLES}")
        elif url.dialect == "mysql":
            rows = db.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
            )
        else:
            rows = db.query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {name for (name,) in rows}


_PG_TABLES = "c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace"


def _postgresql_catalog(db, comments: bool) -> set[tuple[str | None, str]]:
    def described(sql: str) -> str:
        return sql if comments else "NULL"

    facts = set()
    for row in db.query(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
        " CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,"
        f" {described('col_description(c.oid, a.attnum)')}"
        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " JOIN pg_type t ON t.oid = a.atttypid"
        f" LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE {_PG_TABLES}"
    ):
        facts.add((row[0], "column " + " | ".join(map(str, row))))
    for row in db.query(
        "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid), "
        + described("obj_description(con.oid, 'pg_constraint')") +
        f" FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid WHERE {_PG_TABLES}"
    ):
        facts.add((row[0], "constraint " + " | ".join(map(str, row))))
    for row in db.query(
        "SELECT c.relname, i.relname, pg_get_indexdef(i.oid), "
        + described("obj_description(i.oid, 'pg_class')") +
        " FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid"
        f" WHERE {_PG_TABLES}"
    ):
        facts.add((row[0], "index " + " | ".join(map(str, row))))
    for row in db.query(
        "SELECT c.relname, c.relkind, " + described("obj_description(c.oid, 'pg_class')")
        + f" FROM pg_class c WHERE {_PG_TABLES}"
    ):
        facts.add((row[0], "table " + " | ".join(map(str, row))))
    for row in db.query(
        "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        f" JOIN pg_class p ON p.oid = i.inhparent WHERE {_PG_TABLES}"
    ):
        facts.add((row[0], "inherits " + " | ".join(map(str, row))))
    for row in db.query(
        "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)"
        " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
        " WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname"
    ):
        facts.add((None, "enum " + " | ".join(map(str, row))))
    return facts


_MYSQL_COMMENT = re.compile(r" COMMENT[= ]'(?:[^'\\]|\\.|'')*'")


def _mysql_catalog(db, comments: bool) -> set[tuple[str | None, str]]:
    facts = set()
    tables = [name for (name,) in db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
    )]
    for table in tables:
        text = db.query(f"SHOW CREATE TABLE `{table.replace('`', '``')}`")[0][1]
        for line in text.split("\n")[1:]:
            line = re.sub(r" AUTO_INCREMENT=\d+", "", line.strip().rstrip(","))
            if not comments:
                line = _MYSQL_COMMENT.sub("", line)
            facts.add((table, f"{table}: {line}"))
    return facts


def _sqlite_catalog(db) -> set[tuple[str | None, str]]:
    facts = set()
    for name, kind, without_rowid, strict in db.query(
        "SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'"
    ):
        if kind != "table":
            continue
        facts.add((name, f"table {name} | without rowid {without_rowid} | strict {strict}"))
        for row in db.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)", [name]):
            facts.add((name, f"column {name} | " + " | ".join(map(str, row))))
        foreign_keys: dict[int, list[tuple]] = {}
        for key, *row in db.query(
            "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" FROM pragma_foreign_key_list(?)", [name]
        ):
            foreign_keys.setdefault(key, []).append(tuple(row))
        for rows in foreign_keys.values():  # ids follow the order the keys are written in
            facts.add((name, f"foreign key {name} | {sorted(rows)}"))
        for index, unique, origin, partial in db.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", [name]):
            keys = db.query("SELECT seqno, name, \"desc\", coll, key FROM pragma_index_xinfo(?) ORDER BY seqno", [index])
            # Automatic indexes are numbered in the order their constraints are written.
            label = index if origin == "c" else f"({origin})"
            facts.add((name, f"index {name} | {label} | unique {unique} | partial {partial} | {keys}"))
    return facts


def assert_same_catalog(actual: set[str], expected: set[str], context: str) -> None:
    if actual != expected:
        missing = sorted(expected - actual)
        extra = sorted(actual - expected)
        raise AssertionError(
            f"{context}: the server's own account differs\n  expected, not found:\n    "
            + "\n    ".join(missing or ["-"])
            + "\n  found, not expected:\n    "
            + "\n    ".join(extra or ["-"])
        )
