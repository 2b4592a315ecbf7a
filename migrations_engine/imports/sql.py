"""SQL DDL read into a schema: parsed with sqlglot, never executed.

The script is cut into statements (``statements.py``), each keeping the line it starts on. Each
statement the engine models (tables, indexes, enums, sequences, domains, comments, and the
``ALTER TABLE`` a dump adds keys and defaults with) is parsed with sqlglot in the script's
dialect, so a syntax error names its line, and read from its tokens (``drafts.py``), expressions
cut from the text as written. Each dialect's module then builds the engine's elements the way that
database's introspection reads them back (``sql_postgresql``, ``sql_mysql``, ``sql_sqlite``).
Everything else (views, functions, triggers, grants, SET, data …) is listed as skipped.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlglot
from sqlglot.errors import ParseError, TokenError

from ..dialects import canonical_name
from ..errors import EngineError
from . import ImportFailed, ImportResult, Skipped
from .drafts import CheckDraft, KeyDraft, TableDraft, Unreadable, read_create_table, read_table_constraint, index_elements, names
from .statements import DATA, META, Statement, split_statements
from .tokens import Cursor, split_commas

_SQLGLOT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}


@dataclass
class IndexDraft:
    table: str
    key: KeyDraft
    unique: bool
    where: str | None
    line: int
    include: tuple[str, ...] = ()
    text: str = ""


@dataclass
class Collected:
    """Everything the statements said, before a dialect's module builds the schema."""

    dialect: str
    tables: dict[str, TableDraft] = field(default_factory=dict)
    indexes: list[IndexDraft] = field(default_factory=list)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: PostgreSQL: sequence name → (line, options text, data type or None).
    sequences: dict[str, dict] = field(default_factory=dict)
    domains: dict[str, dict] = field(default_factory=dict)
    #: (kind, object name parts) → comment.
    comments: dict[tuple, str | None] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Tables left out (inheritance children, partitions): statements on them are skipped too.
    unmanaged: set[str] = field(default_factory=set)

    def skip(self, kind: str, statement: Statement, reason: str = "not managed by the engine") -> None:
        first = statement.text.strip().split("\n", 1)[0]
        self.skipped.append(Skipped(kind, statement.line, first[:120], reason))


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
    return ImportResult(schema, tuple(collected.skipped), notes=tuple(collected.notes))


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
        (r"^DROP\b", "DROP", "a script's drops are not replayed: the import starts from nothing"),
        (r"^(PRAGMA|ANALYZE|VACUUM|REINDEX|CHECKPOINT|CLUSTER|REFRESH|NOTIFY|LISTEN|DO|CALL|EXPLAIN|FLUSH|OPTIMIZE)\b", "statement", "not schema"),
        (r"^SECURITY LABEL\b", "security label", "not managed by the engine"),
        (r"^ALTER (FUNCTION|PROCEDURE|AGGREGATE|VIEW|MATERIALIZED VIEW|SCHEMA|EXTENSION|(PROCEDURAL )?LANGUAGE|DATABASE|ROLE|USER|PUBLICATION|SUBSCRIPTION|SERVER|EVENT|TRIGGER|POLICY|RULE|OPERATOR|COLLATION|TEXT SEARCH|FOREIGN|STATISTICS|TABLESPACE|DEFINER)\b", "ALTER", "not managed by the engine"),
        (r"^ALTER (TYPE|DOMAIN|TABLE|SEQUENCE|INDEX)( ONLY)? .* OWNER TO\b", "ownership", "ownership is not managed by the engine"),
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
    reader = _READERS.get(_kind(head))
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
    except (Unreadable, IndexError, ValueError) as exc:
        if error is not None:
            raise error from None
        if isinstance(exc, Unreadable):
            raise ImportFailed(str(exc), statement.line) from None
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
    ]
]


def _parse(dialect: str, statement: Statement, *, strict: bool):
    """The statement's tokens, and the ``ImportFailed`` for sqlglot's syntax error if it has one
    (raised at once when ``strict``, or when the text cannot even be tokenized)."""
    reader = sqlglot.Dialect.get_or_raise(_SQLGLOT[dialect])
    try:
        tokens = reader.tokenize(statement.text)
    except TokenError as exc:
        raise ImportFailed(_error_text(exc, statement), statement.line) from None
    try:
        with _quiet_sqlglot():
            reader.parser().parse(tokens, statement.text)
    except ParseError as exc:
        error = ImportFailed(_error_text(exc, statement), _error_line(exc, statement))
        if strict:
            raise error from None
        return tokens, error
    return tokens, None


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
    errors = getattr(exc, "errors", None) or []
    if errors:
        error = errors[0]
        where = f" (column {error.get('col')})" if error.get("col") else ""
        return f"cannot parse: {error.get('description')}{where}: {statement.text.split(chr(10), 1)[0][:80]}"
    return f"cannot parse: {str(exc).splitlines()[0]}"


# ---------------------------------------------------------------- readers


def _skip_create_words(cursor: Cursor, *last: str) -> None:
    """Step past ``CREATE ... <last>`` and ``IF NOT EXISTS``."""
    while not cursor.done() and not cursor.take(*last):
        cursor.at += 1
    cursor.take("IF", "NOT", "EXISTS")


def _read_table(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "TABLE")
    _, name = cursor.qualified_name()
    if cursor.take("PARTITION", "OF") or cursor.word() == "PARTITION OF" or cursor.take("OF"):
        collected.unmanaged.add(name)
        collected.skip("partition", statement, "partitions and typed tables are not managed by the engine")
        return
    if not cursor.is_open():
        if cursor.take("AS") or cursor.take("LIKE") or cursor.word() == "SELECT":
            raise ImportFailed("CREATE TABLE ... AS/LIKE: the columns come from another table or a query, which is not read", statement.line)
        raise ImportFailed(f"CREATE TABLE {name}: no column list", statement.line)
    draft = TableDraft(name, statement.line, text=statement.text)
    read_create_table(cursor, draft, collected.dialect)
    if "INHERITS" in draft.options or "PARTITION" in draft.options:
        collected.unmanaged.add(name)
        what = "inheritance child" if "INHERITS" in draft.options else "partitioned table"
        collected.skip(what, statement, "not managed by the engine (it is listed as not managed when inspected)")
        return
    if name in collected.tables:
        raise ImportFailed(f"table {name!r} is created twice", statement.line)
    collected.tables[name] = draft


def _read_index(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    unique = kind = None
    cursor.take("CREATE")
    unique = cursor.take("UNIQUE")
    kind = "fulltext" if cursor.take("FULLTEXT") else "spatial" if cursor.take("SPATIAL") else "index"
    cursor.take("INDEX")
    cursor.take("CONCURRENTLY")
    cursor.take("IF", "NOT", "EXISTS")
    name = None
    if not cursor.take("ON"):
        _, name = cursor.qualified_name()
        cursor.take("USING") and cursor.name()
        cursor.take("ON")
    cursor.take("ONLY")
    _, table = cursor.qualified_name()
    if table in collected.unmanaged:
        collected.skip("index", statement, f"on {table!r}, which the engine does not manage")
        return
    method = None
    if cursor.take("USING"):
        method = cursor.name().lower()
    key = KeyDraft((), name, kind=kind, method=method)
    key.elements = index_elements(cursor.group(), cursor)
    key.columns = tuple(e[0] for e in key.elements)
    include: tuple[str, ...] = ()
    where = None
    while not cursor.done():
        if cursor.take("INCLUDE"):
            include = names(cursor.group(), cursor)
        elif cursor.take("NULLS", "NOT", "DISTINCT"):
            key.nulls_not_distinct = True
        elif cursor.take("WHERE"):
            where = cursor.text(cursor.rest())
        elif cursor.take("USING"):
            key.method = cursor.name().lower()
        elif cursor.take("COMMENT"):
            key.comment = cursor.name()
        elif cursor.take("WITH") or cursor.take("TABLESPACE"):
            raise ImportFailed("index storage parameters and tablespaces are not in the engine's model", statement.line)
        else:
            cursor.skip()  # MySQL's ALGORITHM=, LOCK=
    collected.indexes.append(IndexDraft(table, key, bool(unique), where, statement.line, include, statement.text))


def _read_enum(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("CREATE")
    cursor.take("TYPE")
    _, name = cursor.qualified_name()
    if not (cursor.take("AS") and cursor.take("ENUM")):
        collected.skip("type", statement, "composite, range and base types are not managed by the engine")
        return
    collected.enums[name] = tuple(Cursor(part, cursor.sql).name() for part in split_commas(cursor.group()))


def _read_sequence(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "SEQUENCE")
    _, name = cursor.qualified_name()
    collected.sequences[name] = {"line": statement.line, "options": cursor.text(cursor.rest()), "owned_by": None}


def _read_owned_by(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("ALTER")
    cursor.take("SEQUENCE")
    cursor.take("IF", "EXISTS")
    _, name = cursor.qualified_name()
    if not cursor.take("OWNED", "BY"):
        collected.skip("ALTER SEQUENCE", statement, "not in the engine's model")
        return
    if cursor.take("NONE"):
        owner = None
    else:
        parts = [cursor.name()]
        while not cursor.done() and cursor.peek().text == ".":
            cursor.at += 1
            parts.append(cursor.name())
        owner = (parts[-2], parts[-1])
    if name not in collected.sequences:
        raise ImportFailed(f"sequence {name!r} is not created before this", statement.line)
    collected.sequences[name]["owned_by"] = owner


def _read_domain(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "DOMAIN")
    _, name = cursor.qualified_name()
    cursor.take("AS")
    stops = {"COLLATE", "DEFAULT", "CONSTRAINT", "NOT", "NOT NULL", "NULL", "CHECK"}
    base = cursor.text(cursor.until(lambda c: c.word() in stops))
    domain = {"line": statement.line, "base": base, "not_null": False, "default": None, "collation": None, "checks": []}
    check_name = None
    while not cursor.done():
        if cursor.take("CONSTRAINT"):
            check_name = cursor.name()
            continue
        if cursor.take("COLLATE"):
            domain["collation"] = cursor.name()
        elif cursor.take("DEFAULT"):
            domain["default"] = cursor.text(cursor.until(lambda c: c.word() in stops))
        elif cursor.take("NOT", "NULL"):
            domain["not_null"] = True
        elif cursor.take("NULL"):
            pass
        elif cursor.take("CHECK"):
            domain["checks"].append((check_name, cursor.text(cursor.group())))
            if cursor.take("NOT", "VALID"):
                raise ImportFailed("a domain's NOT VALID check is not in the engine's model", statement.line)
        else:
            raise ImportFailed(f"cannot read {cursor.text([cursor.peek()])!r} in CREATE DOMAIN", statement.line)
        check_name = None
    collected.domains[name] = domain


def _read_comment(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("COMMENT")
    cursor.take("ON")
    kind = cursor.word()
    cursor.at += 1
    if kind in ("TABLE", "TYPE", "INDEX"):
        _, name = cursor.qualified_name()
        target: tuple = (kind, name)
    elif kind == "COLUMN":
        parts = [cursor.name()]
        while not cursor.done() and cursor.peek().text == ".":
            cursor.at += 1
            parts.append(cursor.name())
        target = ("COLUMN", parts[-2], parts[-1])
    elif kind == "CONSTRAINT":
        constraint = cursor.name()
        cursor.take("ON")
        cursor.take("DOMAIN")
        _, table = cursor.qualified_name()
        target = ("CONSTRAINT", table, constraint)
    else:
        collected.skip("comment", statement, "a comment on something the engine does not model")
        return
    if not cursor.take("IS"):
        raise ImportFailed("COMMENT ON without IS", statement.line)
    value = None if cursor.take("NULL") else cursor.name()
    if not cursor.done():
        raise Unreadable(f"cannot read {cursor.text(cursor.rest())!r} after the comment")
    table_name = target[1]
    if kind in ("TABLE", "COLUMN", "CONSTRAINT") and table_name in collected.unmanaged:
        collected.skip("comment", statement, f"on {table_name!r}, which the engine does not manage")
        return
    collected.comments[target] = value


def _read_alter(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "TABLE")
    cursor.take("IF", "EXISTS")
    cursor.take("ONLY")
    _, name = cursor.qualified_name()
    if name in collected.unmanaged:
        collected.skip("ALTER TABLE", statement, f"on {name!r}, which the engine does not manage")
        return
    draft = collected.tables.get(name)
    if draft is None:
        raise ImportFailed(f"ALTER TABLE on table {name!r}, which is not created before it", statement.line)
    for part in split_commas(cursor.rest()):
        action = Cursor(part, cursor.sql, fold=cursor.fold)
        if action.take("ADD"):
            if action.word() in ("CONSTRAINT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN", "FOREIGN KEY", "KEY", "INDEX", "FULLTEXT", "SPATIAL"):
                if action.word() in ("KEY", "INDEX") and collected.dialect != "mysql":
                    raise ImportFailed("ADD INDEX is MySQL's", statement.line)
                read_table_constraint(action, draft, collected.dialect)
            else:
                from .drafts import read_column

                action.take("COLUMN")
                action.take("IF", "NOT", "EXISTS")
                draft.columns.append(read_column(action, draft, collected.dialect))
        elif action.take("ALTER"):
            action.take("COLUMN")
            column = _column(draft, action.name(), statement)
            if action.take("SET", "DEFAULT"):
                column.default = action.text(action.rest())
            elif action.take("DROP", "DEFAULT"):
                column.default = None
            elif action.take("SET", "NOT", "NULL"):
                column.not_null = True
            elif action.take("DROP", "NOT", "NULL"):
                column.not_null = False
            elif action.take("ADD", "GENERATED"):
                kind = "ALWAYS" if action.take("ALWAYS") else "BY DEFAULT"
                action.take("BY")
                action.take("DEFAULT")
                action.take("AS")
                action.take("IDENTITY")
                column.identity = kind
                column.identity_options = action.text(action.group())
            else:
                collected.skip("ALTER TABLE", Statement(statement.line, action.text(part)), "not in the engine's model")
        elif action.take("MODIFY") or action.take("CHANGE"):
            from .drafts import read_column

            changing = action.tokens[0].text.upper() == "CHANGE"
            action.take("COLUMN")
            old = action.name() if changing else None
            new = read_column(action, draft, collected.dialect)
            at = next((n for n, c in enumerate(draft.columns) if c.name == (old or new.name)), None)
            if at is None:
                raise ImportFailed(f"table {name!r} has no column {old or new.name!r}", statement.line)
            draft.columns[at] = new
        elif action.word() in ("OWNER TO", "OWNER") or action.at_word("DISABLE", "KEYS") or action.at_word("ENABLE", "KEYS") or action.word() in ("AUTO_INCREMENT",):
            continue
        else:
            collected.skip("ALTER TABLE", Statement(statement.line, f"ALTER TABLE {name} {action.text(part)}"), "not in the engine's model")


def _column(draft: TableDraft, name: str, statement: Statement):
    for column in draft.columns:
        if column.name == name:
            return column
    raise ImportFailed(f"table {draft.name!r} has no column {name!r}", statement.line)


_READERS = {
    "table": _read_table,
    "index": _read_index,
    "enum": _read_enum,
    "sequence": _read_sequence,
    "owned": _read_owned_by,
    "domain": _read_domain,
    "alter": _read_alter,
    "comment": _read_comment,
}

__all__ = ["read_sql", "Collected", "IndexDraft", "CheckDraft"]
