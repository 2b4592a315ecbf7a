"""Reading a MySQL 8 or MariaDB schema (``DATABASE()``) from information_schema in seven queries.

Character sets and collations are read where they differ from what the dialect writes when
none is named: a table's from utf8mb4 and its character set's default collation, a column's
from its table's.

The number of queries does not depend on the number of tables: the server's flavour, tables,
columns, index parts, foreign key columns, check constraints and collations are each read for the whole
database at once and put together in Python.

Generated columns, index keys (prefix lengths, DESC, MySQL 8's expressions), FULLTEXT, and the
comments of keys and indexes are read too: what the dialect writes reads back as the model held it.

Types map back to logical types when the spelling is exactly what ``dialects.mysql`` writes
(else ``mysql:<COLUMN_TYPE>``); MariaDB's JSON (LONGTEXT with an automatic ``json_valid``
check) reads as ``json`` and its check is hidden, as are the indexes MySQL creates for foreign
keys. docs/dialects/mysql.md lists what reads back differently from the model and why.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from dataclasses import replace
from typing import Any

from sqlalchemy.dialects.mysql.pymysql import MySQLDialect_pymysql

from ..connection import Database
from ..expressions import quoted_end, unquote_names
from ..naming import primary_key_name
from ..schema import PLAIN_KEY, Check, Column, Default, ForeignKey, Generated, Index, IndexKey, PrimaryKey, Schema, Table, Unique
from ..dialects.mysql import MySQLDialect
from ..types import ColumnType

_TABLES = """
SELECT TABLE_NAME, TABLE_COMMENT, TABLE_COLLATION
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
ORDER BY TABLE_NAME
"""

_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
       CHARACTER_SET_NAME, COLUMN_COMMENT, COLLATION_NAME, GENERATION_EXPRESSION
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""

# COLLATION is 'D' for a descending part; MySQL 8 gives a functional part's EXPRESSION (with
# COLUMN_NAME NULL), MariaDB has no such column.
_INDEX_PARTS = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION,
       INDEX_COMMENT, %(expression)s
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""

# Foreign key columns and their referential actions, read apart and paired in Python: MariaDB
# answers the two alone in 0.02 s each for 1,000 tables, joined in 0.35 s.
_FOREIGN_KEY_PARTS = """
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
"""

_REFERENTIAL_ACTIONS = """
SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE
FROM information_schema.REFERENTIAL_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()
"""


def _foreign_key_columns(database: Database) -> list[tuple]:
    """Each foreign key column as the join of the two queries above would give it:
    table, constraint, column, referenced table, referenced column, ON DELETE, ON UPDATE."""
    actions = {(row[0], row[1]): (row[2], row[3]) for row in database.query(_REFERENTIAL_ACTIONS)}
    return [
        (*row, *actions[(row[0], row[1])])
        for row in database.query(_FOREIGN_KEY_PARTS)
        if (row[0], row[1]) in actions
    ]


# Each collation's character set, and whether it is that character set's default.
_COLLATIONS = """
SELECT COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT
FROM information_schema.COLLATIONS
"""

# MariaDB names checks per table and says whether one was written on a column.
_CHECKS_MARIADB = """
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, CONSTRAINT_NAME
"""

# MySQL 8 names checks per database; their table is in TABLE_CONSTRAINTS.
_CHECKS_MYSQL = """
SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, 'Table'
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME
"""

# COLUMN_TYPE spellings the dialect writes, mapped back to logical types.
_TYPE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^int(?:\(\d+\))?$"), "integer"),
    (re.compile(r"^smallint(?:\(\d+\))?$"), "smallint"),
    (re.compile(r"^bigint(?:\(\d+\))?$"), "bigint"),
    (re.compile(r"^decimal\((\d+),(\d+)\)$"), "decimal(%s,%s)"),
    (re.compile(r"^char\((\d+)\)$"), "char(%s)"),
    (re.compile(r"^varchar\((\d+)\)$"), "varchar(%s)"),
    (re.compile(r"^time\((\d+)\)$"), "time(%s)"),
    (re.compile(r"^datetime\((\d+)\)$"), "timestamp(%s)"),
    (re.compile(r"^timestamp\((\d+)\)$"), "timestamptz(%s)"),
    (re.compile(r"^varbinary\((\d+)\)$"), "binary(%s)"),
]
_PLAIN_TYPES = {
    "float": "float",
    "double": "double",
    "tinyint(1)": "boolean",
    "text": "text",
    "date": "date",
    "time": "time",
    "datetime": "timestamp",
    "timestamp": "timestamptz",
    "json": "json",
    "longblob": "binary",
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# EXTRA: "on update current_timestamp(6)" (MariaDB), "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)" (MySQL 8).
_ON_UPDATE = re.compile(r"\bon update (current_timestamp(?:\(\d*\))?)", re.IGNORECASE)
_NOW = re.compile(r"^current_timestamp(?:\((\d*)\))?$", re.IGNORECASE)
# MySQL 8 shows a parenthesised string default as _utf8mb4\'text\' (its quotes escaped).
_INTRODUCED_STRING = re.compile(r"^_[a-z0-9]+'(.*)'$", re.IGNORECASE | re.DOTALL)
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
#: MySQL 8's character set introducers before string literals in expressions (``_utf8mb4'x'``).
_INTRODUCER = re.compile(r"(?<![\w`])_[a-z0-9]+'", re.IGNORECASE)
_PREPARER = MySQLDialect_pymysql(paramstyle="named").identifier_preparer


def read_schema(database: Database) -> Schema:
    """The tables of the connection's current database (``DATABASE()``); MySQL has no named enums."""
    mariadb = "mariadb" in str(database.query("SELECT VERSION()")[0][0]).lower()
    reader = _Reader(
        mariadb=mariadb,
        tables=database.query(_TABLES),
        columns=database.query(_COLUMNS),
        index_parts=database.query(_INDEX_PARTS % {"expression": "NULL" if mariadb else "EXPRESSION"}),
        foreign_key_columns=_foreign_key_columns(database),
        checks=database.query(_CHECKS_MARIADB if mariadb else _CHECKS_MYSQL),
        collations=database.query(_COLLATIONS),
    )
    return Schema(tables=reader.tables())


def _text(value: Any) -> Any:
    """information_schema gives some columns as bytes on some versions."""
    return value.decode("utf-8") if isinstance(value, (bytes, bytearray)) else value


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_text(v) for v in row) for row in rows]


class _Reader:
    """Puts the rows of the bulk queries together, table by table."""

    def __init__(self, *, mariadb: bool, tables: list[tuple[Any, ...]], columns: list[tuple[Any, ...]], index_parts: list[tuple[Any, ...]], foreign_key_columns: list[tuple[Any, ...]], checks: list[tuple[Any, ...]], collations: list[tuple[Any, ...]] = ()) -> None:  # type: ignore[assignment]
        self.mariadb = mariadb
        self.charset_of: dict[str, str] = {}
        self.default_collation: dict[str, str] = {}
        for collation, charset, is_default in _rows(list(collations)):
            self.charset_of[collation] = charset
            if str(is_default).lower() == "yes":
                self.default_collation[charset] = collation
        self.table_rows = _rows(tables)
        self.columns: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for row in _rows(columns):
            self.columns[row[0]].append(row[1:])
        self.indexes: dict[str, dict[str, list[tuple[Any, ...]]]] = defaultdict(dict)
        for table, name, *part in _rows(index_parts):
            self.indexes[table].setdefault(name, []).append(tuple(part))
        self.foreign_keys: dict[str, dict[str, list[tuple[Any, ...]]]] = defaultdict(dict)
        for table, name, *part in _rows(foreign_key_columns):
            self.foreign_keys[table].setdefault(name, []).append(tuple(part))
        self.checks: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for table, *check in _rows(checks):
            self.checks[table].append(tuple(check))

    def tables(self) -> tuple[Table, ...]:
        return tuple(self.table(name, comment, collation) for name, comment, collation in self.table_rows)

    def table(self, name: str, comment: str | None, collation: str | None = None) -> Table:
        json_columns, checks = self.read_checks(name)
        foreign_keys = tuple(self.foreign_key(fk, parts) for fk, parts in self.foreign_keys[name].items())
        primary_key, uniques, indexes = self.read_indexes(name, foreign_keys)
        charset = self.charset_of.get(collation or "")
        columns = tuple(
            self.with_charset(read_column(row[:7], self.mariadb, json=row[0] in json_columns, generation=row[8]), row[5], row[7], charset, collation)
            for row in self.columns[name]
        )
        table_charset = charset if charset != MySQLDialect.default_charset else None
        return Table(
            name=name,
            charset=table_charset,
            collation=collation if collation and collation != self.default_collation.get(charset or "") else None,
            columns=columns,
            primary_key=primary_key,
            foreign_keys=foreign_keys,
            uniques=uniques,
            checks=checks,
            indexes=indexes,
            comment=comment or None,
        )

    def with_charset(self, column: Column, charset: str | None, collation: str | None, table_charset: str | None, table_collation: str | None) -> Column:
        """``column`` with the character set and collation it has where they differ from what it
        would get without them: the table's, or its own character set's default collation."""
        if charset is None or column.type.kind in ("uuid", "json"):  # not text, or the type says it
            return column
        own_charset = charset if charset != table_charset else None
        implied = table_collation if own_charset is None else self.default_collation.get(charset)
        return replace(column, charset=own_charset, collation=collation if collation != implied else None)

    def read_checks(self, table: str) -> tuple[set[str], tuple[Check, ...]]:
        """MariaDB's JSON columns (hidden ``json_valid`` checks), and the other checks."""
        names = {row[0] for row in self.columns[table]}
        longtext = {row[0] for row in self.columns[table] if row[1] == "longtext"}
        json_columns: set[str] = set()
        checks = []
        for name, clause, level in self.checks[table]:
            column = _json_valid_column(clause)
            # A column's check is named after the column, and keeps that name when it is renamed.
            own = name == column or name not in names
            if self.mariadb and level == "Column" and column in longtext and own:
                json_columns.add(column)
            else:
                checks.append(Check(normalize_expression(clause), name))
        return json_columns, tuple(checks)

    def read_indexes(self, table: str, foreign_keys: tuple[ForeignKey, ...]) -> tuple[PrimaryKey | None, tuple[Unique, ...], tuple[Index, ...]]:
        """PRIMARY, unique indexes of plain columns as uniques, other indexes with their keys
        (prefix lengths, DESC, MySQL 8's expressions), FULLTEXT and comments; skipped: spatial
        indexes, and the indexes MySQL made for foreign keys."""
        primary_key, uniques, indexes = None, [], []
        made_for_keys = {(fk.name, fk.columns) for fk in foreign_keys}
        for name, parts in self.indexes[table].items():
            non_unique, index_type, comment = parts[0][0], parts[0][3], parts[0][5] or None
            if index_type == "SPATIAL":
                continue
            columns = tuple(column if column is not None else read_index_expression(expression or "") for _, column, _, _, _, _, expression in parts)
            keys = tuple(
                IndexKey(expression=column is None, descending=order == "D", length=None if sub is None else int(sub))
                for _, column, sub, _, order, _, _ in parts
            )
            plain = all(key == PLAIN_KEY for key in keys)
            method = "fulltext" if index_type == "FULLTEXT" else None
            if name == "PRIMARY":
                primary_key = PrimaryKey(columns, primary_key_name(table), comment=comment)
            elif not int(non_unique) and plain:
                uniques.append(Unique(columns, name, comment=comment))
            elif (name, columns) in made_for_keys and plain and comment is None and method is None:
                continue
            else:
                indexes.append(Index(columns, name, unique=not int(non_unique), keys=keys if not plain else (), method=method, comment=comment))
        return primary_key, tuple(uniques), tuple(indexes)

    def foreign_key(self, name: str, parts: list[tuple[Any, ...]]) -> ForeignKey:
        return ForeignKey(
            columns=tuple(p[0] for p in parts),
            ref_table=parts[0][1],
            ref_columns=tuple(p[2] for p in parts),
            name=name,
            on_delete=parts[0][3],
            on_update=parts[0][4],
        )


def read_column(row: tuple[Any, ...], mariadb: bool, *, json: bool = False, generation: str | None = None) -> Column:
    """A column from (name, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, charset, comment)
    and GENERATION_EXPRESSION."""
    name, type_text, nullable, default, extra, charset, comment = row
    column_type = ColumnType("json") if json else read_type(type_text, charset)
    extra = (extra or "").lower()
    identity = "auto_increment" in extra
    # EXTRA: "VIRTUAL GENERATED" / "STORED GENERATED" (both servers; MySQL 8 also says
    # "DEFAULT_GENERATED" of an expression default, which is no generated column).
    generated = None
    if re.search(r"\b(virtual|stored|persistent) generated\b", extra):
        generated = Generated(read_generation_expression(generation or "", mariadb), stored="virtual" not in extra)
    read = read_default_mariadb if mariadb else read_default_mysql
    on_update = _ON_UPDATE.search(extra)
    return Column(
        name=name,
        type=column_type,
        nullable=nullable == "YES",
        default=None if identity or generated else read(default, extra, column_type),
        identity=identity,
        comment=comment or None,
        on_update=_expression(on_update.group(1), column_type).value if on_update else None,
        generated=generated,
    )


def read_generation_expression(text: str, mariadb: bool) -> str:
    """A generated column's expression as the model writes it, read as a check's clause is:
    names unquoted where they need no quotes, outer parentheses gone.

    MariaDB gives the expression as it prints it (`` `a` + 1``); MySQL 8 escapes it as a string
    body and puts a character set introducer before string literals (``_utf8mb4\\'x\\'``).
    """
    if not mariadb:
        text = _INTRODUCER.sub("'", unescape_string(text))
    return normalize_expression(text)


def read_index_expression(text: str) -> str:
    """MySQL 8: a functional index part's EXPRESSION (``lower(`title`)``, string literals with an
    introducer), read as a check's clause is. MariaDB has no functional indexes."""
    return normalize_expression(_INTRODUCER.sub("'", text))


@cache  # a schema repeats a few dozen types over thousands of columns
def read_type(text: str, charset: str | None = None) -> ColumnType:
    """The logical type a COLUMN_TYPE stands for, or ``mysql:<COLUMN_TYPE>``."""
    if text == "char(36)" and charset == "ascii":
        return ColumnType("uuid")
    if text in _PLAIN_TYPES:
        return ColumnType(_PLAIN_TYPES[text])
    for pattern, template in _TYPE_PATTERNS:
        match = pattern.match(text)
        if match:
            return ColumnType.parse(template % match.groups() if match.groups() else template)
    return ColumnType("native", dialect="mysql", native=text)


def read_default_mariadb(value: str | None, extra: str, column_type: ColumnType) -> Default | None:
    """MariaDB writes literals as SQL (``'it''s'``, ``42``, ``NULL``), anything else is an expression."""
    if value is None or value == "NULL":
        return None
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return Default(unescape_string(value[1:-1]))
    if _NUMBER.match(value):
        return _literal(value, column_type)
    return _expression(value, column_type)


def read_default_mysql(value: str | None, extra: str, column_type: ColumnType) -> Default | None:
    """MySQL 8 gives literals unquoted and marks expressions DEFAULT_GENERATED in EXTRA."""
    if value is None:
        return None
    if "default_generated" not in extra:
        return _literal(value, column_type)
    introduced = _INTRODUCED_STRING.match(unescape_string(value))
    if introduced:
        return Default(unescape_string(introduced.group(1)))
    return _expression(value, column_type)


def _literal(value: str, column_type: ColumnType) -> Default:
    """A literal default; booleans read ``true``/``false`` and decimals lose the zeros MySQL pads
    them with (``0.00`` reads ``0``, ``1.50`` reads ``1.5``)."""
    if column_type.kind == "boolean" and value in ("0", "1"):
        return Default("true" if value == "1" else "false")
    if column_type.kind == "decimal" and re.fullmatch(r"-?\d+\.\d+", value):
        value = value.rstrip("0").rstrip(".")
    return Default(value)


def _expression(value: str, column_type: ColumnType) -> Default:
    """An expression default; ``current_timestamp()`` reads as the model writes it."""
    text = strip_parentheses(value)
    now = _NOW.match(text)
    if now:
        precision = now.group(1)
        if not precision or column_type.kind in ("timestamp", "timestamptz") and int(precision) == (column_type.precision or 0):
            return Default("CURRENT_TIMESTAMP", expression=True)
        return Default(f"CURRENT_TIMESTAMP({precision})", expression=True)
    return Default(text, expression=True)


def unescape_string(body: str) -> str:
    """The text of a MySQL string literal's body: ``''`` and backslash escapes undone."""
    out, position = [], 0
    while position < len(body):
        char = body[position]
        if char == "'" and body[position + 1 : position + 2] == "'":
            out.append("'")
            position += 2
        elif char == "\\" and position + 1 < len(body):
            following = body[position + 1]
            out.append(_ESCAPES.get(following, following if following not in "%_" else "\\" + following))
            position += 2
        else:
            out.append(char)
            position += 1
    return "".join(out)


def _json_valid_column(clause: str) -> str | None:
    match = re.fullmatch(r"json_valid\(`((?:[^`]|``)+)`\)", clause.strip())
    return match.group(1).replace("``", "`") if match else None


def normalize_expression(clause: str) -> str:
    """A check clause as the model would write it: outer parentheses gone, and backquotes gone
    around names that need none (lowercase, not reserved), so ``(`price` > 0)`` reads ``price > 0``."""
    return unquote_names(strip_parentheses(clause), "`", _PREPARER._requires_quotes, backslash_escapes=True)


def strip_parentheses(expression: str) -> str:
    """``expression`` without parentheses around the whole of it."""
    text = expression.strip()
    while text.startswith("(") and text.endswith(")") and _closing_paren(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing_paren(text: str) -> int:
    """The index of the parenthesis closing the one at index 0 (quoted text skipped), or -1."""
    depth, position = 0, 0
    while position < len(text):
        char = text[position]
        if char in "'\"`":
            position = quoted_end(text, position, backslash_escapes=char != "`")
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1
