"""Reading a SQLite schema in four queries, whatever the number of tables.

The pragma table-valued functions (``pragma_table_xinfo``, ``pragma_foreign_key_list``,
``pragma_index_list``, ``pragma_index_xinfo``) joined with ``sqlite_master`` give columns, foreign
keys and indexes of every table at once. What no pragma tells (constraint names, CHECK
expressions, AUTOINCREMENT, generated expressions, collations, DEFERRABLE, WITHOUT ROWID and
STRICT, index expressions and key collations) comes from the ``CREATE`` text SQLite stores: it is split with
sqlglot's tokenizer, which knows SQLite's quoting, and expressions are cut from the original text
so they read back exactly as written. (``sqlglot.parse_one`` is not used: it rewrites
expressions, ``length(a)`` becomes ``LENGTH(a)``, and fails on valid types such as ``VARYING
CHARACTER(3)``.) Unnamed constraints get the names of ``naming``.

Skipped, as in docs/dialects/sqlite.md: internal ``sqlite_*`` tables, virtual tables and their
shadow tables (``shadow_tables``: an FTS5 table's ``x_data``, ``x_idx`` …, which the virtual table
writes and SQLite drops with it; read as tables, they would be created as ordinary ones). SQLite has
no comments and no enums: an enum is read from the named column CHECK the dialect writes for it,
and a boolean's CHECK is part of the boolean (``_with_enums``, ``_table``).
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot.tokens import Token, TokenType

from ..connection import Database
from ..naming import check_name, foreign_key_name, primary_key_name, unique_name
from ..errors import UnsupportedChange
from ..schema import (
    PLAIN_KEY,
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..types import ColumnType

# Ordinary tables only: not SQLite's own (sqlite_sequence, sqlite_stat1), not virtual ones.
_TABLES = "m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.sql NOT LIKE 'CREATE VIRTUAL%'"
_OBJECTS = """
SELECT m.type, m.name, m.sql FROM sqlite_master m
WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.sql IS NOT NULL
"""
# hidden: 0 a column, 2 a VIRTUAL generated one, 3 a STORED one (1: a virtual table's hidden column).
_COLUMNS = f"""
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE {_TABLES} AND p.hidden IN (0, 2, 3)
ORDER BY m.name, p.cid
"""
_FOREIGN_KEYS = f"""
SELECT m.name, p.id, p."table", p."from", p."to", p.on_update, p.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
WHERE {_TABLES}
ORDER BY m.name, p.id, p.seq
"""
# Key elements only (key = 1): cid -2 is an expression, whose text only the CREATE INDEX holds.
_INDEXES = f"""
SELECT m.name, l.name, l."unique", l.origin, l.partial, i.name, i.cid, i."desc"
FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_xinfo(l.name) i
WHERE {_TABLES} AND i."key" = 1
ORDER BY m.name, l.name, i.seqno
"""


def read_schema(database: Database) -> Schema:
    """The schema of the ``main`` database of a SQLite connection."""
    objects = database.query(_OBJECTS)
    table_sql = {name: sql for kind, name, sql in objects if kind == "table"}
    index_sql = {name: sql for kind, name, sql in objects if kind == "index"}
    shadows = shadow_tables(database, table_sql)
    columns = {name: rows for name, rows in _group(database.query(_COLUMNS)).items() if name not in shadows}
    foreign_keys = _group(database.query(_FOREIGN_KEYS))
    indexes = _group(database.query(_INDEXES))
    primary_keys = {name.lower(): _primary_key_columns(rows) for name, rows in columns.items()}
    tables = []
    for name, rows in columns.items():
        declared = parse_create_table(table_sql.get(name, ""))
        table = _table(name, rows, declared, primary_keys)
        uniques, plain_indexes = _indexes(name, indexes.get(name, []), declared, index_sql)
        fks = _foreign_keys(name, foreign_keys.get(name, []), declared, primary_keys)
        tables.append(replace(table, foreign_keys=fks, uniques=uniques, indexes=plain_indexes))
    return _with_enums(tables, {name: parse_create_table(table_sql.get(name, "")) for name in columns})


Row = tuple[Any, ...]

#: The shadow tables of the virtual table modules SQLite ships, by their name after
#: ``<virtual table>_`` (each module's ``xShadowName``).
_FTS3_SHADOWS = ("content", "segments", "segdir", "docsize", "stat")
_RTREE_SHADOWS = ("node", "parent", "rowid")
SHADOW_SUFFIXES: dict[str, tuple[str, ...]] = {
    "fts3": _FTS3_SHADOWS,
    "fts4": _FTS3_SHADOWS,
    "fts5": ("data", "idx", "content", "docsize", "config"),
    "rtree": _RTREE_SHADOWS,
    "rtree_i32": _RTREE_SHADOWS,
    "geopoly": _RTREE_SHADOWS,
}
# PRAGMA table_list (SQLite 3.37) says which tables are shadows, for every module it has loaded.
_SHADOWS = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'"


def shadow_tables(database: Database, table_sql: dict[str, str]) -> dict[str, str]:
    """The shadow tables among ``table_sql`` (every table's name → its ``CREATE``), each with
    the virtual table it belongs to. No query without a virtual table."""
    if all(virtual_module(sql) is None for sql in table_sql.values()):
        return {}
    listed = [name for (name,) in database.query(_SHADOWS)] if sqlite3.sqlite_version_info >= (3, 37) else []
    return shadows_among(table_sql, listed)


def shadows_among(table_sql: dict[str, str], listed: Collection[str] = ()) -> dict[str, str]:
    """Shadow table → its virtual table: those ``PRAGMA table_list`` says are (``listed``) and,
    for SQLite before 3.37 or a module not loaded, ``<virtual table>_<suffix>`` with a suffix
    its module keeps (``SHADOW_SUFFIXES``; a module SQLite does not ship has none known)."""
    modules = {name: module for name, sql in table_sql.items() if (module := virtual_module(sql)) is not None}
    found: dict[str, str] = {}
    for name in table_sql:
        if name in modules:
            continue
        owners = [v for v in modules if name.casefold().startswith(v.casefold() + "_")]
        known = [v for v in owners if name[len(v) + 1 :].casefold() in SHADOW_SUFFIXES.get(modules[v], ())]
        if known or (owners and name in listed):
            found[name] = max(known or owners, key=len)  # virtual tables a and a_b: a_b_data is a_b's
    return found


def virtual_module(sql: str) -> str | None:
    """The module of a ``CREATE VIRTUAL TABLE`` (``fts5``, lower case); None for another text."""
    if not _VIRTUAL.match(sql or ""):
        return None
    tokens = _tokenize(sql) or []
    for position, token in enumerate(tokens[:-1]):
        if token.token_type == TokenType.USING:
            return tokens[position + 1].text.lower()
    return ""


_VIRTUAL = re.compile(r"\s*CREATE\s+VIRTUAL\s", re.IGNORECASE)


def _group(rows: list[Row]) -> dict[Any, list[Row]]:
    """Rows grouped by their first field, which is dropped; order kept."""
    grouped: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row[1:])
    return grouped


def _primary_key_columns(column_rows: list[Row]) -> tuple[str, ...]:
    """Columns of the primary key in key order (``pk`` is their 1-based position, 0 elsewhere)."""
    return tuple(row[0] for row in sorted((r for r in column_rows if r[4]), key=lambda r: r[4]))


def _table(name: str, column_rows: list[Row], declared: Declared, primary_keys: dict[str, tuple[str, ...]]) -> Table:
    """The table with its columns, primary key, checks and options.

    A boolean column's ``CHECK ("col" IN (0, 1))`` is what the dialect writes for every boolean
    (``SQLiteDialect.value_check_sql``): it is part of the column, not a check of the table. In a
    STRICT table, where a boolean is declared INTEGER, that check is what tells it is a boolean.
    """
    pk_columns = primary_keys[name.lower()]
    pk_name = declared.primary_key_name or primary_key_name(name)
    columns = []
    boolean_checks: set[int] = set()
    for row in column_rows:
        column = _column(row, declared)
        kind = None if column.type.is_native else column.type.kind
        if kind == "boolean" or (declared.strict and kind == "integer"):
            check = _boolean_check(column.name, declared)
            if check is not None:
                boolean_checks.add(check)
                if kind == "integer":
                    boolean = ColumnType("boolean")
                    default = column.default and default_of(column.default.value, boolean)
                    column = replace(column, type=boolean, declared_type=None, default=default)
        columns.append(column)
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=PrimaryKey(pk_columns, pk_name) if pk_columns else None,
        checks=tuple(
            Check(expr, given or check_name(name, expr))
            for n, (given, expr, _) in enumerate(declared.checks)
            if n not in boolean_checks
        ),
        without_rowid=declared.without_rowid,
        strict=declared.strict,
    )


def _column(row: Row, declared: Declared) -> Column:
    name, declared_type, notnull, default, _pk, hidden = row
    column_type = column_type_of(declared_type or "")
    key = name.lower()
    generated = None
    if hidden in (2, 3):
        generated = Generated(declared.generated.get(key, ""), stored=hidden == 3)
    return Column(
        name=name,
        type=column_type,
        nullable=not notnull,
        default=None if generated else default_of(default, column_type),
        identity=key in declared.autoincrement,
        declared_type=_spelling(declared_type or "", column_type, declared.strict),
        collation=declared.collations.get(key),
        generated=generated,
    )


def _spelling(declared: str, column_type: ColumnType, strict: bool = False) -> str | None:
    """The declared type where the dialect would write ``column_type`` otherwise (a rebuild keeps it)."""
    text = declared.strip()
    if not text or column_type.is_native or text == _dialect_spelling(column_type, strict):
        return None
    return text


@lru_cache(maxsize=None)
def _dialect_spelling(column_type: ColumnType, strict: bool = False) -> str:
    from ..dialects.sqlite import SQLiteDialect  # the dialect imports nothing from here

    dialect = SQLiteDialect()
    if strict:
        try:
            return dialect.strict_type_sql(Column("c", column_type), Table("t", strict=True))
        except UnsupportedChange:
            return ""
    return dialect.type_sql(column_type, Schema())


def _boolean_check(column: str, declared: Declared) -> int | None:
    """The position in ``declared.checks`` of ``column``'s own ``CHECK ("col" IN (0, 1))``, if any."""
    folded = column.lower()
    for position, (_, expression, owner) in enumerate(declared.checks):
        if owner == folded and _is_boolean_check(expression, column):
            return position
    return None


def _is_boolean_check(expression: str, column: str) -> bool:
    """True for ``"col" IN (0, 1)`` on ``column`` (any quoting, spacing or case)."""
    tokens = _tokenize(expression) or []
    shape = [(t.token_type, t.text) for t in tokens]
    if len(shape) != 7 or shape[0][1].lower() != column.lower() or shape[0][0] == TokenType.STRING:
        return False
    return [(k, text.upper()) for k, text in shape[1:]] == [
        (TokenType.IN, "IN"), (TokenType.L_PAREN, "("), (TokenType.NUMBER, "0"),
        (TokenType.COMMA, ","), (TokenType.NUMBER, "1"), (TokenType.R_PAREN, ")"),
    ]  # fmt: skip


def enum_check_values(expression: str, column: str) -> tuple[str, ...] | None:
    """The values of ``"col" IN ('a', 'b')`` on ``column`` (strings only), else None."""
    tokens = _tokenize(expression) or []
    if len(tokens) < 4 or tokens[0].token_type == TokenType.STRING or tokens[0].text.lower() != column.lower():
        return None
    if tokens[1].token_type != TokenType.IN or tokens[2].token_type != TokenType.L_PAREN:
        return None
    if tokens[-1].token_type != TokenType.R_PAREN:
        return None
    inner = tokens[3:-1]
    values = inner[0::2]
    commas = inner[1::2]
    if any(t.token_type != TokenType.STRING for t in values) or any(t.token_type != TokenType.COMMA for t in commas):
        return None
    if inner and len(values) != len(commas) + 1:
        return None
    return tuple(t.text for t in values)


def _with_enums(tables: list[Table], declared: dict[str, Declared]) -> Schema:
    """The schema, with enum columns read from the CHECK the dialect writes for them.

    A TEXT column holding a named column-level ``CONSTRAINT "mood" CHECK ("col" IN ('a', 'b'))``
    is a column of enum ``mood`` with those values (``SQLiteDialect.value_check_sql``), and the
    check is not a check of the table. Where columns disagree on one enum's values (a table not
    rebuilt since), none of them is read as the enum: they stay TEXT with their checks, so the
    difference shows.
    """
    found: dict[str, list[tuple[str, str, tuple[str, ...], str]]] = defaultdict(list)
    for table in tables:
        checks = declared[table.name].checks
        for column in table.columns:
            if column.type != ColumnType("text") or (column.declared_type or "TEXT").upper() != "TEXT":
                continue
            for name, expression, owner in checks:
                if not name or owner != column.name.lower():
                    continue
                values = enum_check_values(expression, column.name)
                if values is not None:
                    found[name].append((table.name, column.name, values, expression))
                    break
    enums = {name: uses[0][2] for name, uses in found.items() if len({use[2] for use in uses}) == 1}
    if not enums:
        return Schema(tables=tuple(tables))
    out = []
    for table in tables:
        uses = [(name, column, expression) for name in enums for t, column, _, expression in found[name] if t == table.name]
        if uses:
            typed = {column: name for name, column, _ in uses}
            checks = {(name, expression) for name, _, expression in uses}
            table = replace(
                table,
                columns=tuple(
                    replace(c, type=ColumnType("enum", enum=typed[c.name]), declared_type=None) if c.name in typed else c
                    for c in table.columns
                ),
                checks=tuple(c for c in table.checks if (c.name, c.expression) not in checks),
            )
        out.append(table)
    return Schema(tables=tuple(out), enums=tuple(Enum(name, values) for name, values in enums.items()))


def _foreign_keys(
    table: str, rows: list[Row], declared: Declared, primary_keys: dict[str, tuple[str, ...]]
) -> tuple[ForeignKey, ...]:
    """One foreign key per ``id`` of ``pragma_foreign_key_list``, its columns in ``seq`` order."""
    found = []
    for parts in _group(rows).values():
        ref_table, _, _, on_update, on_delete = parts[0]
        columns = tuple(p[1] for p in parts)
        ref_columns = tuple(p[2] for p in parts)
        if any(c is None for c in ref_columns):  # REFERENCES t without columns: t's primary key
            ref_columns = primary_keys.get(ref_table.lower(), ref_columns)
        key = (_folded(columns), ref_table.lower())
        deferrable, initially_deferred = declared.foreign_key_timing.get(key, (False, False))
        found.append(
            ForeignKey(
                columns=columns,
                ref_table=ref_table,
                ref_columns=ref_columns,
                name=declared.foreign_key_names.get(key) or foreign_key_name(table, columns),
                on_delete=on_delete.upper(),
                on_update=on_update.upper(),
                deferrable=deferrable,
                initially_deferred=initially_deferred,
            )
        )
    return tuple(found)


def _indexes(
    table: str, rows: list[Row], declared: Declared, index_sql: dict[str, str]
) -> tuple[tuple[Unique, ...], tuple[Index, ...]]:
    """Unique constraints (origin 'u') and indexes made by CREATE INDEX (origin 'c')."""
    uniques, indexes = [], []
    for name, parts in _group(rows).items():
        unique, origin, partial = parts[0][:3]
        columns = tuple(p[3] for p in parts)
        if origin == "u":
            if any(c is None for c in columns):
                continue
            uniques.append(Unique(columns, declared.unique_names.get(_folded(columns)) or unique_name(table, columns)))
        elif origin == "c":
            sql = index_sql.get(name, "")
            where = index_where(sql) if partial else None
            elements = index_elements(sql)
            if len(elements) != len(parts):
                elements = [("", None)] * len(parts)
            names, keys = [], []
            for (_, _, _, column, cid, descending), (text, collation) in zip(parts, elements):
                expression = cid == -2
                if expression and not text:  # its text unreadable: an index the model cannot hold
                    break
                names.append(text if expression else column)
                keys.append(IndexKey(expression=expression, descending=bool(descending), collation=collation))
            else:
                plain = all(key == PLAIN_KEY for key in keys)
                indexes.append(Index(tuple(names), name, unique=bool(unique), where=where, keys=() if plain else tuple(keys)))
    return tuple(uniques), tuple(indexes)


def _folded(names: tuple[str, ...]) -> tuple[str, ...]:
    """SQLite names are case-insensitive: match them folded."""
    return tuple(n.lower() for n in names)


# ---------------------------------------------------------------- types and defaults

_PLAIN_TYPES = {
    "INTEGER": "integer",
    "INT": "integer",
    "MEDIUMINT": "integer",
    "SMALLINT": "smallint",
    "INT2": "smallint",
    "BIGINT": "bigint",
    "INT8": "bigint",
    "UNSIGNED BIG INT": "bigint",
    "REAL": "float",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DOUBLE PRECISION": "double",
    "BOOLEAN": "boolean",
    "BOOL": "boolean",
    "TEXT": "text",
    "CLOB": "text",
    "DATE": "date",
    "DATETIME": "timestamp",
    "UUID_TEXT": "uuid",
    "UUID": "uuid",
    "JSON_TEXT": "json",
    "JSON": "json",
}
_SIZED_TYPES = {
    "CHAR": "char",
    "CHARACTER": "char",
    "NCHAR": "char",
    "NATIVE CHARACTER": "char",
    "VARCHAR": "varchar",
    "NVARCHAR": "varchar",
    "VARYING CHARACTER": "varchar",
    "CHARACTER VARYING": "varchar",
    "BLOB": "binary",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMPTZ": "timestamptz",
    "DECIMAL": "decimal",
    "NUMERIC": "decimal",
}
_DECLARED = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def column_type_of(declared: str) -> ColumnType:
    """The logical type a declared type stands for, else ``sqlite:<declared type>``.

    An empty declared type (allowed by SQLite) has BLOB affinity and reads as ``binary``.
    """
    if not declared.strip():
        return ColumnType("binary")
    match = _DECLARED.match(declared)
    if match:
        head = " ".join(match.group(1).upper().split())
        first, second = match.group(2), match.group(3)
        if first is None and head in _PLAIN_TYPES:
            return ColumnType(_PLAIN_TYPES[head])
        kind = _SIZED_TYPES.get(head)
        if kind == "decimal" and first is not None:
            return ColumnType("decimal", precision=int(first), scale=int(second or 0))
        if kind is not None and second is None:
            if first is None:
                return ColumnType(kind)
            if kind in ("char", "varchar", "binary"):
                return ColumnType(kind, length=int(first))
            if kind != "decimal":
                return ColumnType(kind, precision=int(first))
    return ColumnType("native", dialect="sqlite", native=declared.strip())


def default_of(text: str | None, column_type: ColumnType) -> Default | None:
    """A column default from ``dflt_value``: strings and numbers are literals, the rest expressions.

    SQLite shows ``DEFAULT (expr)`` without its outer parentheses; booleans written 1/0 (or
    TRUE/FALSE) read back as ``true``/``false``.
    """
    if text is None:
        return None
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return Default(value[1:-1].replace("''", "'"))
    if column_type.kind == "boolean" and value.upper() in ("1", "0", "TRUE", "FALSE"):
        return Default("true" if value.upper() in ("1", "TRUE") else "false")
    if _NUMBER.match(value):
        return Default(value)
    return Default(value, expression=True)


# ---------------------------------------------------------------- the stored CREATE statements


@dataclass
class Declared:
    """What a ``CREATE TABLE`` text says that the pragmas do not. Names are matched case-folded."""

    primary_key_name: str | None = None
    autoincrement: set[str] = field(default_factory=set)
    # (name, expression, column folded: None for a table-level check)
    checks: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    unique_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # columns → name
    # (columns, referenced table) → name
    foreign_key_names: dict[tuple[tuple[str, ...], str], str] = field(default_factory=dict)
    # (columns, referenced table) → (DEFERRABLE, INITIALLY DEFERRED)
    foreign_key_timing: dict[tuple[tuple[str, ...], str], tuple[bool, bool]] = field(default_factory=dict)
    generated: dict[str, str] = field(default_factory=dict)  # column → expression
    collations: dict[str, str] = field(default_factory=dict)  # column → collation
    without_rowid: bool = False
    strict: bool = False


_WORDY = (TokenType.IDENTIFIER, TokenType.STRING)


class _Tokens:
    """A cursor over the tokens of one definition, with the original text for cutting expressions."""

    def __init__(self, tokens: list[Token], sql: str) -> None:
        self.tokens, self.sql, self.at = tokens, sql, 0
        # Keywords upper-cased with single spaces; None for names and strings.
        self.words = [None if t.token_type in _WORDY else " ".join(t.text.upper().split()) for t in tokens]

    def word(self, offset: int = 0) -> str | None:
        """The keyword at the cursor (None for a name, a string, or the end)."""
        i = self.at + offset
        return self.words[i] if i < len(self.words) else None

    def take(self, *words: str) -> bool:
        """Step over ``words`` if they come next (``PRIMARY KEY`` may be one token or two)."""
        current = self.word()
        if current is None or not current.startswith(words[0]):
            return False
        if current == " ".join(words):
            self.at += 1
            return True
        if all(self.word(n) == w for n, w in enumerate(words)):
            self.at += len(words)
            return True
        return False

    def name(self) -> str:
        token = self.tokens[self.at]
        self.at += 1
        return token.text

    def group(self) -> list[Token]:
        """The tokens inside the parenthesis at the cursor (the cursor moves past it)."""
        if self.done() or self.tokens[self.at].token_type != TokenType.L_PAREN:
            return []
        end = _closing(self.tokens, self.at)
        inner = self.tokens[self.at + 1 : end]
        self.at = end + 1
        return inner

    def skip(self) -> None:
        """Step over one token, or a whole parenthesis."""
        if self.tokens[self.at].token_type == TokenType.L_PAREN:
            self.at = _closing(self.tokens, self.at) + 1
        else:
            self.at += 1

    def text(self, tokens: list[Token]) -> str:
        return self.sql[tokens[0].start : tokens[-1].end + 1].strip() if tokens else ""

    def done(self) -> bool:
        return self.at >= len(self.tokens)


def _closing(tokens: list[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[i].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


def _split(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut at the commas outside parentheses."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        if token.token_type == TokenType.COMMA and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _names(tokens: list[Token]) -> tuple[str, ...]:
    """Column names of a parenthesised list such as ``("a" COLLATE nocase, b DESC)``."""
    return tuple(part[0].text for part in _split(tokens))


_SQLITE = sqlglot.Dialect.get_or_raise("sqlite")


def _tokenize(sql: str) -> list[Token] | None:
    try:
        return _SQLITE.tokenize(sql)
    except Exception:  # sqlglot raises several kinds; an unreadable text yields no details
        return None


_TABLE_CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY KEY", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN KEY", "FOREIGN"})


@lru_cache(maxsize=4096)
def parse_create_table(sql: str) -> Declared:
    """Constraint names, checks and AUTOINCREMENT columns of a stored ``CREATE TABLE``.

    Cached by text (tokenizing is the slowest part of reading a schema, and validation reads the
    same tables again and again): the result is shared, so callers only read it."""
    declared = Declared()
    tokens = _tokenize(sql)
    if not tokens:
        return declared
    opening = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), None)
    if opening is None:  # CREATE TABLE ... AS SELECT
        return declared
    closing = _closing(tokens, opening)
    body = tokens[opening + 1 : closing]
    for part in _split(body):
        cursor = _Tokens(part, sql)
        if cursor.word() in _TABLE_CONSTRAINT_WORDS:
            _read_constraints(cursor, declared, column=None)
        else:
            column = cursor.name()
            _read_constraints(cursor, declared, column=column)
    options = {" ".join(t.text.upper() for t in option) for option in _split(tokens[closing + 1 :])}
    declared.without_rowid = "WITHOUT ROWID" in options
    declared.strict = "STRICT" in options
    return declared


def _read_constraints(cursor: _Tokens, declared: Declared, column: str | None) -> None:
    """Read the constraints of a column definition (``column`` set) or one table constraint."""
    name: str | None = None
    while not cursor.done():
        if cursor.take("CONSTRAINT"):
            name = cursor.name()
            continue
        if cursor.take("PRIMARY", "KEY"):
            declared.primary_key_name = name
        elif cursor.take("UNIQUE"):
            columns = (column,) if column is not None else _names(cursor.group())
            if name:
                declared.unique_names[_folded(columns)] = name
        elif cursor.take("CHECK"):
            declared.checks.append((name, cursor.text(cursor.group()), column.lower() if column is not None else None))
        elif cursor.take("FOREIGN", "KEY"):
            columns = _names(cursor.group())
            if cursor.take("REFERENCES"):
                _read_reference(cursor, declared, name, columns)
        elif cursor.take("REFERENCES"):
            _read_reference(cursor, declared, name, (column,) if column is not None else ())
        elif cursor.take("AUTOINCREMENT"):
            if column is not None:
                declared.autoincrement.add(column.lower())
        elif column is not None and (cursor.take("GENERATED", "ALWAYS") or cursor.word() == "AS"):
            if cursor.take("AS"):
                declared.generated[column.lower()] = cursor.text(cursor.group())
        elif cursor.take("COLLATE"):
            if column is not None and not cursor.done():
                declared.collations[column.lower()] = cursor.name()
        else:
            cursor.skip()  # a type, NOT NULL, DEFAULT ..., COLLATE ..., ON DELETE ...
        name = None  # a constraint name belongs to the constraint right after it


def _read_reference(cursor: _Tokens, declared: Declared, name: str | None, columns: tuple[str, ...]) -> None:
    """After REFERENCES: the referenced table, its columns; the actions are left to the caller."""
    if cursor.done():
        return
    ref_table = cursor.name()
    cursor.group()
    key = (_folded(columns), ref_table.lower())
    if name:
        declared.foreign_key_names[key] = name
    # The clauses of the reference (ON DELETE/UPDATE, MATCH, timing), up to anything else.
    deferrable = initially_deferred = False
    while not cursor.done():
        if cursor.take("ON"):
            cursor.skip()  # DELETE / UPDATE
            if not cursor.take("SET", "NULL") and not cursor.take("SET", "DEFAULT") and not cursor.take("NO", "ACTION"):
                cursor.skip()
        elif cursor.take("MATCH"):
            cursor.skip()
        elif cursor.take("NOT", "DEFERRABLE"):
            deferrable = False
        elif cursor.take("DEFERRABLE"):
            deferrable = True
        elif cursor.take("INITIALLY", "DEFERRED"):
            initially_deferred = True
        elif cursor.take("INITIALLY", "IMMEDIATE"):
            initially_deferred = False
        else:
            break
    # SQLite defers a foreign key only when it is DEFERRABLE INITIALLY DEFERRED.
    declared.foreign_key_timing[key] = (deferrable, deferrable and initially_deferred)


def index_elements(sql: str) -> list[tuple[str, str | None]]:
    """Each element of a ``CREATE INDEX``'s list: its text without an explicit ``COLLATE c`` and
    ``ASC``/``DESC`` (and without the parentheses wrapping a whole expression), and that
    collation. Empty when the text cannot be read."""
    tokens = _tokenize(sql)
    if not tokens:
        return []
    opening = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), None)
    if opening is None:
        return []
    cursor = _Tokens(tokens, sql)
    elements = []
    for part in _split(tokens[opening + 1 : _closing(tokens, opening)]):
        if part and part[-1].token_type not in _WORDY and part[-1].text.upper() in ("ASC", "DESC"):
            part = part[:-1]
        collation = None
        if len(part) >= 3 and part[-2].token_type == TokenType.COLLATE:
            collation, part = part[-1].text, part[:-2]
        if len(part) >= 2 and part[0].token_type == TokenType.L_PAREN and _closing(part, 0) == len(part) - 1:
            part = part[1:-1]
        elements.append((cursor.text(part), collation))
    return elements


def index_where(sql: str) -> str | None:
    """The predicate of a partial index, cut from its ``CREATE INDEX`` text as written."""
    tokens = _tokenize(sql)
    if not tokens:
        return None
    opening = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), None)
    if opening is None:
        return None
    cursor = _Tokens(tokens, sql)
    cursor.at = _closing(tokens, opening) + 1
    if not cursor.take("WHERE"):
        return None
    return cursor.text(tokens[cursor.at :]) or None
