"""SQL DDL read into a schema: parsed with sqlglot, never executed.

The script is cut into statements (``statements.py``), each keeping the line it starts on. Each
statement the engine models (tables, indexes, enums, sequences, domains, comments, and the
``ALTER TABLE`` a dump adds keys and defaults with) is parsed with sqlglot in the script's
dialect, so a syntax error names its line, and read from its tokens by one reader per kind of
statement (``readers.py``, ``drafts.py``) into ``Collected``, expressions cut from the text as
written. Each dialect's module then builds the engine's elements the way that
database's introspection reads them back (``sql_postgresql``, ``sql_mysql``, ``sql_sqlite``).
Everything else (views, functions, triggers, grants, SET, data …) is listed as skipped.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import sqlglot
from sqlglot.errors import ParseError, TokenError

from ..dialects import canonical_name
from ..errors import EngineError
from . import ImportFailed, ImportResult
from .collected import Collected
from .drafts import Unreadable
from .readers import READERS
from .statements import DATA, META, Statement, split_statements
from .tokens import Cursor, EmptyElement

_SQLGLOT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}


def read_sql(text: str, dialect: str) -> ImportResult:
    """The schema a DDL script for ``dialect`` (postgresql, mysql or sqlite; aliases taken)
    creates, as the engine would read it from a database where the script ran."""
    try:
        dialect = canonical_name(dialect)
    except EngineError as exc:
        raise ImportFailed(str(exc)) from None
    collected = Collected(dialect)
    for statement in split_statements(text, dialect):
        if statement.kind == DATA:
            collected.skip("data", statement, "rows are data, not schema")
        elif statement.kind == META:
            collected.skip("psql command", statement, "a psql meta-command, not SQL")
        else:
            _read_statement(collected, statement)
    if dialect == "postgresql":
        from .sql_postgresql import build
    elif dialect == "mysql":
        from .sql_mysql import build
    else:
        from .sql_sqlite import build
    schema = build(collected)
    _check(schema, dialect)
    return ImportResult(schema, tuple(collected.skipped), notes=tuple(collected.notes))


def _check(schema, dialect: str) -> None:
    """What the database would have refused (a key on a column no table has, a foreign key to
    a table never created …) stops the import, as ``validate.problems`` finds it in any schema.
    MySQL's index names are per table."""
    from ..validate import problems

    found = problems(schema, index_names_per_schema=dialect != "mysql", dialect=dialect)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise ImportFailed("the script's schema is not sound: " + "; ".join(found[:3]) + more)


# ---------------------------------------------------------------- statements by their first words

_CODE = re.compile(r"--[^\n]*|/\*.*?\*/|#[^\n]*", re.S)


def _head(text: str) -> str:
    """The statement's first words, upper case, comments out."""
    return " ".join(_CODE.sub(" ", text[:400]).upper().split())[:200]


#: (pattern on the head, kind listed, reason) for statements skipped without reading.
_SKIPPED: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p), kind, reason)
    for p, kind, reason in [
        (r"^CREATE (OR REPLACE )?(ALGORITHM=\S+ )?(DEFINER=\S+ )?(SQL SECURITY \w+ )?(TEMP |TEMPORARY |RECURSIVE )?(MATERIALIZED )?VIEW\b", "view", "not managed by the engine"),
        (r"^CREATE (OR REPLACE )?(DEFINER=\S+ )?(AGGREGATE )?(FUNCTION|PROCEDURE|AGGREGATE)\b", "function", "not managed by the engine"),
        (r"^CREATE (OR REPLACE )?(DEFINER=\S+ )?(TEMP |TEMPORARY )?(CONSTRAINT )?TRIGGER\b", "trigger", "not managed by the engine"),
        (r"^CREATE (OR REPLACE )?(DEFINER=\S+ )?EVENT\b", "event", "not managed by the engine"),
        (r"^CREATE (OR REPLACE )?RULE\b", "rule", "not managed by the engine"),
        (r"^CREATE POLICY\b", "policy", "not managed by the engine"),
        (r"^CREATE (OR REPLACE )?(TRUSTED )?(PROCEDURAL )?LANGUAGE\b", "language", "not managed by the engine"),
        (r"^CREATE (SCHEMA|EXTENSION|DATABASE|PUBLICATION|SUBSCRIPTION|SERVER|FOREIGN|USER|ROLE|CAST|OPERATOR|COLLATION|TEXT SEARCH|CONVERSION|STATISTICS|ACCESS METHOD|TABLESPACE|EVENT TRIGGER|TRANSFORM)\b", "object", "not managed by the engine"),
        (r"^CREATE (VIRTUAL TABLE)\b", "virtual table", "not managed by the engine"),
        (r"^CREATE (GLOBAL |LOCAL )?(TEMP|TEMPORARY) TABLE\b", "temporary table", "temporary tables are not part of a schema"),
        (r"^(GRANT|REVOKE)\b", "grant", "privileges are not managed by the engine"),
        (r"^ALTER (DEFAULT PRIVILEGES)\b", "grant", "privileges are not managed by the engine"),
        (r"^SET\b", "SET", "a session setting"),
        (r"^RESET\b", "SET", "a session setting"),
        (r"^SELECT\b", "SELECT", "a query, not schema (pg_catalog.set_config, setval …)"),
        (r"^(INSERT|REPLACE|UPDATE|DELETE|COPY|TRUNCATE|LOAD DATA)\b", "data", "rows are data, not schema"),
        (r"^(LOCK|UNLOCK) TABLES?\b", "LOCK TABLES", "not schema"),
        (r"^(BEGIN|COMMIT|START TRANSACTION|ROLLBACK|END|SAVEPOINT|RELEASE)\b", "transaction", "transaction control"),
        (r"^(USE|\\C|\\CONNECT)\b", "USE", "chooses a database; the import goes into one schema"),
        (r"^DROP\b(?! TABLE\b)", "DROP", "the import starts from nothing: a drop before a create changes nothing"),
        (r"^(PRAGMA|ANALYZE|VACUUM|REINDEX|CHECKPOINT|CLUSTER|REFRESH|NOTIFY|LISTEN|DO|CALL|EXPLAIN|FLUSH|OPTIMIZE)\b", "statement", "not schema"),
        (r"^SECURITY LABEL\b", "security label", "not managed by the engine"),
        (r"^ALTER (FUNCTION|PROCEDURE|AGGREGATE|VIEW|MATERIALIZED VIEW|SCHEMA|EXTENSION|(PROCEDURAL )?LANGUAGE|DATABASE|ROLE|USER|PUBLICATION|SUBSCRIPTION|SERVER|EVENT|TRIGGER|POLICY|RULE|OPERATOR|COLLATION|TEXT SEARCH|FOREIGN|STATISTICS|TABLESPACE|DEFINER)\b", "ALTER", "not managed by the engine"),
        (r"^ALTER (TYPE|DOMAIN|TABLE|SEQUENCE|INDEX)( ONLY)? .* OWNER TO\b", "ownership", "ownership is not managed by the engine"),
        (r"^ALTER INDEX\b.* ATTACH PARTITION\b", "partition", "a partition's index: partitions are not managed by the engine"),
        (r"^COMMENT ON (SCHEMA|EXTENSION|FUNCTION|PROCEDURE|AGGREGATE|VIEW|MATERIALIZED VIEW|TRIGGER|RULE|POLICY|DATABASE|ROLE|LANGUAGE|SEQUENCE|DOMAIN|OPERATOR|CAST|COLLATION|PUBLICATION|SERVER|FOREIGN|EVENT TRIGGER|TEXT SEARCH|ACCESS METHOD|TABLESPACE)\b", "comment", "a comment on something the engine does not model"),
        (r"^CREATE TYPE\b(?!.*\bAS ENUM\b)", "type", "composite, range and base types are not managed by the engine"),
        (r"^ALTER SEQUENCE\b(?!.*\bOWNED BY\b)", "ALTER SEQUENCE", "a sequence's current value is data, not schema"),
    ]
]


def _read_statement(collected: Collected, statement: Statement) -> None:
    head = _head(statement.text)
    for pattern, kind, reason in _SKIPPED:
        if pattern.search(head):
            collected.skip(kind, statement, reason)
            return
    reader = READERS.get(_kind(head))
    if reader is None:
        _parse(collected.dialect, statement, strict=True)  # a syntax error is named, not skipped
        collected.skip("statement", statement, "not managed by the engine")
        return
    # SQLite takes any words as a type name (BLOB SUB_TYPE TEXT), sqlglot does not: there only,
    # a statement sqlglot cannot parse is read token by token when the reader can read all of it.
    # So does PostgreSQL's COMMENT ON CONSTRAINT c ON t, which pg_dump writes; a comment's
    # reader takes its few words exactly, so it may read what sqlglot does not.
    lenient = collected.dialect == "sqlite" or _kind(head) == "comment"
    tokens, error = _parse(collected.dialect, statement, strict=not lenient)
    cursor = Cursor(tokens, statement.text, fold=collected.dialect == "postgresql")
    try:
        reader(collected, cursor, statement)
    except ImportFailed:
        raise
    except EmptyElement as exc:
        raise ImportFailed(f"cannot parse: {exc}", statement.line + exc.line - 1) from None
    except (Unreadable, IndexError, ValueError, EngineError) as exc:
        if error is not None:
            raise error from None
        if isinstance(exc, EngineError):
            inner = getattr(exc, "line", None)
            raise ImportFailed(str(exc), statement.line + (inner - 1 if inner else 0)) from None
        raise ImportFailed(f"cannot read this statement ({exc})", statement.line) from None
    if error is not None and _kind(head) != "comment":
        collected.notes.append(f"line {statement.line}: sqlglot could not parse this statement ({error}); it was read token by token")


def _kind(head: str) -> str | None:
    for kind, pattern in _KINDS:
        if pattern.search(head):
            return kind
    return None


_KINDS = [
    (kind, re.compile(p))
    for kind, p in [
        ("table", r"^CREATE (OR REPLACE )?(UNLOGGED )?TABLE\b"),
        ("index", r"^CREATE (UNIQUE |FULLTEXT |SPATIAL )?INDEX\b"),
        ("enum", r"^CREATE TYPE\b"),
        ("sequence", r"^CREATE (TEMP |TEMPORARY |UNLOGGED )?SEQUENCE\b"),
        ("owned", r"^ALTER SEQUENCE\b"),
        ("domain", r"^CREATE DOMAIN\b"),
        ("alter", r"^ALTER (ONLINE |IGNORE )?TABLE\b"),
        ("comment", r"^COMMENT ON\b"),
        ("drop table", r"^DROP TABLE\b"),
    ]
]


def _parse(dialect: str, statement: Statement, *, strict: bool):
    """The statement's tokens, and the ``ImportFailed`` for sqlglot's syntax error if it has one
    (raised at once when ``strict``, or when the text cannot even be tokenized)."""
    reader = sqlglot.Dialect.get_or_raise(_SQLGLOT[dialect])
    try:
        tokens = reader.tokenize(statement.text)
    except TokenError as exc:
        raise ImportFailed(_error_text(exc, statement), statement.line + _unclosed_quote_line(statement.text) - 1) from None
    try:
        with _quiet_sqlglot():
            if dialect == "postgresql" and _ON_ONLY.search(statement.text):
                # sqlglot does not know CREATE INDEX ... ON ONLY (pg_dump's for partitioned tables).
                text = _ON_ONLY.sub(r"\1ON ", statement.text, count=1)
                reader.parser().parse(reader.tokenize(text), text)
            else:
                reader.parser().parse(tokens, statement.text)
    except ParseError as exc:
        error = ImportFailed(_error_text(exc, statement), _error_line(exc, statement))
        if strict:
            raise error from None
        return tokens, error
    return tokens, None


_ON_ONLY = re.compile(r"^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*?\s)ON\s+ONLY\s", re.IGNORECASE)


@contextmanager
def _quiet_sqlglot():
    """sqlglot logs a warning for each statement it keeps as a bare command: what is not read
    is reported in the result instead."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _error_line(exc: Exception, statement: Statement) -> int:
    errors = getattr(exc, "errors", None) or []
    line = errors[0].get("line") if errors else None
    return statement.line + (line - 1 if isinstance(line, int) and line >= 1 else 0)


def _error_text(exc: Exception, statement: Statement) -> str:
    """sqlglot's complaint in a user's words, with the line of the statement it is about."""
    errors = getattr(exc, "errors", None) or []
    if errors:
        error = errors[0]
        lines = statement.text.split("\n")
        line = error.get("line")
        shown = lines[line - 1] if isinstance(line, int) and 1 <= line <= len(lines) else lines[0]
        where = f" (column {error.get('col')})" if error.get("col") else ""
        return f"cannot parse: {_plain_words(str(error.get('description')))}{where}: {shown.strip()[:80]}"
    return f"cannot parse: {_plain_words(str(exc).splitlines()[0])}"


def _unclosed_quote_line(text: str) -> int:
    """The line (1-based, within ``text``) where a quote that is never closed opens; 1 if none."""
    opened_on, quote, line = 1, "", 1
    for char in text:
        if char == "\n":
            line += 1
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "'\"`":
            quote, opened_on = char, line
    return opened_on if quote else 1


_SQLGLOT_CLASS = re.compile(r"<class '[\w.]*?(\w+?)(?:ColumnConstraint|Constraint)?'>")
_SQLGLOT_TOKEN = re.compile(r"<Token token_type: [\w.]+, text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, comments: \[.*?\]>")


def _plain_words(description: str) -> str:
    """sqlglot's description without its Python reprs: ``<Token ... text: [ ...>`` is “[”,
    ``Required keyword: 'this' missing for <class '...DefaultColumnConstraint'>`` says DEFAULT
    lacks its value."""
    description = _SQLGLOT_TOKEN.sub(lambda m: f"“{m.group(1)}”", description)
    missing = re.match(r"Required keyword: '\w+' missing for <class '[\w.]*?(\w+?)(?:ColumnConstraint|Constraint)?'>", description)
    if missing:
        return f"{missing.group(1).upper()} is missing what follows it"
    description = _SQLGLOT_CLASS.sub(lambda m: m.group(1).upper(), description)
    if description.startswith("Error tokenizing"):
        return "a quote or a comment is not closed"
    return description
