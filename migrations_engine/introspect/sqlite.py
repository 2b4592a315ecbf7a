"""Reading a SQLite schema in four queries, whatever the number of tables.

The pragma table-valued functions (``pragma_table_xinfo``, ``pragma_foreign_key_list``,
``pragma_index_list``, ``pragma_index_info``) joined with ``sqlite_master`` give columns, foreign
keys and indexes of every table at once. What no pragma tells (constraint names, CHECK
expressions, AUTOINCREMENT) comes from the ``CREATE TABLE`` text SQLite stores: it is split with
sqlglot's tokenizer, which knows SQLite's quoting, and expressions are cut from the original text
so they read back exactly as written. (``sqlglot.parse_one`` is not used: it rewrites
expressions, ``length(a)`` becomes ``LENGTH(a)``, and fails on valid types such as ``VARYING
CHARACTER(3)``.) Unnamed constraints get the names of ``naming``.

Skipped, as in docs/dialects/sqlite.md: internal ``sqlite_*`` tables, virtual tables, hidden and
generated columns, expression indexes. SQLite has no comments and no enums.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot.tokens import Token, TokenType

from ..connection import Database
from ..naming import check_name, foreign_key_name, primary_key_name, unique_name
from ..schema import Check, Column, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..types import ColumnType

# Ordinary tables only: not SQLite's own (sqlite_sequence, sqlite_stat1), not virtual ones.
_TABLES = "m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.sql NOT LIKE 'CREATE VIRTUAL%'"
_OBJECTS = """
SELECT m.type, m.name, m.sql FROM sqlite_master m
WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.sql IS NOT NULL
"""
_COLUMNS = f"""
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE {_TABLES} AND p.hidden = 0
ORDER BY m.name, p.cid
"""
_FOREIGN_KEYS = f"""
SELECT m.name, p.id, p."table", p."from", p."to", p.on_update, p.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
WHERE {_TABLES}
ORDER BY m.name, p.id, p.seq
"""
_INDEXES = f"""
SELECT m.name, l.name, l."unique", l.origin, l.partial, i.name
FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
WHERE {_TABLES}
ORDER BY m.name, l.name, i.seqno
"""


def read_schema(database: Database) -> Schema:
    """The schema of the ``main`` database of a SQLite connection."""
    objects = database.query(_OBJECTS)
    table_sql = {name: sql for kind, name, sql in objects if kind == "table"}
    index_sql = {name: sql for kind, name, sql in objects if kind == "index"}
    columns = _group(database.query(_COLUMNS))
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
    return Schema(tables=tuple(tables))


Row = tuple[Any, ...]


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
    """The table with its columns, primary key and checks."""
    pk_columns = primary_keys[name.lower()]
    pk_name = declared.primary_key_name or primary_key_name(name)
    return Table(
        name=name,
        columns=tuple(_column(row, declared) for row in column_rows),
        primary_key=PrimaryKey(pk_columns, pk_name) if pk_columns else None,
        checks=tuple(Check(expr, given or check_name(name, expr)) for given, expr in declared.checks),
    )


def _column(row: Row, declared: Declared) -> Column:
    name, declared_type, notnull, default, _pk = row
    column_type = column_type_of(declared_type or "")
    return Column(
        name=name,
        type=column_type,
        nullable=not notnull,
        default=default_of(default, column_type),
        identity=name.lower() in declared.autoincrement,
        declared_type=_spelling(declared_type or "", column_type),
    )


def _spelling(declared: str, column_type: ColumnType) -> str | None:
    """The declared type where the dialect would write ``column_type`` otherwise (a rebuild keeps it)."""
    text = declared.strip()
    if not text or column_type.is_native or text == _dialect_spelling(column_type):
        return None
    return text


@lru_cache(maxsize=None)
def _dialect_spelling(column_type: ColumnType) -> str:
    from ..dialects.sqlite import SQLiteDialect  # the dialect imports nothing from here

    return SQLiteDialect().type_sql(column_type, Schema())


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
        found.append(
            ForeignKey(
                columns=columns,
                ref_table=ref_table,
                ref_columns=ref_columns,
                name=declared.foreign_key_names.get(key) or foreign_key_name(table, columns),
                on_delete=on_delete.upper(),
                on_update=on_update.upper(),
            )
        )
    return tuple(found)


def _indexes(
    table: str, rows: list[Row], declared: Declared, index_sql: dict[str, str]
) -> tuple[tuple[Unique, ...], tuple[Index, ...]]:
    """Unique constraints (origin 'u') and indexes made by CREATE INDEX (origin 'c')."""
    uniques, indexes = [], []
    for name, parts in _group(rows).items():
        unique, origin, partial, _ = parts[0]
        columns = tuple(p[3] for p in parts)
        if any(c is None for c in columns):  # an expression index: not modelled
            continue
        if origin == "u":
            uniques.append(Unique(columns, declared.unique_names.get(_folded(columns)) or unique_name(table, columns)))
        elif origin == "c":
            where = index_where(index_sql.get(name, "")) if partial else None
            indexes.append(Index(columns, name, unique=bool(unique), where=where))
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
    checks: list[tuple[str | None, str]] = field(default_factory=list)  # (name, expression)
    unique_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # columns → name
    # (columns, referenced table) → name
    foreign_key_names: dict[tuple[tuple[str, ...], str], str] = field(default_factory=dict)


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
    body = tokens[opening + 1 : _closing(tokens, opening)]
    for part in _split(body):
        cursor = _Tokens(part, sql)
        if cursor.word() in _TABLE_CONSTRAINT_WORDS:
            _read_constraints(cursor, declared, column=None)
        else:
            column = cursor.name()
            _read_constraints(cursor, declared, column=column)
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
            declared.checks.append((name, cursor.text(cursor.group())))
        elif cursor.take("FOREIGN", "KEY"):
            columns = _names(cursor.group())
            if cursor.take("REFERENCES"):
                _read_reference(cursor, declared, name, columns)
        elif cursor.take("REFERENCES"):
            _read_reference(cursor, declared, name, (column,) if column is not None else ())
        elif cursor.take("AUTOINCREMENT"):
            if column is not None:
                declared.autoincrement.add(column.lower())
        else:
            cursor.skip()  # a type, NOT NULL, DEFAULT ..., COLLATE ..., ON DELETE ...
        name = None  # a constraint name belongs to the constraint right after it


def _read_reference(cursor: _Tokens, declared: Declared, name: str | None, columns: tuple[str, ...]) -> None:
    """After REFERENCES: the referenced table, its columns; the actions are left to the caller."""
    if cursor.done():
        return
    ref_table = cursor.name()
    cursor.group()
    if name:
        declared.foreign_key_names[(_folded(columns), ref_table.lower())] = name


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
