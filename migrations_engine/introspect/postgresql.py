"""Reading a PostgreSQL schema (``current_schema()``) from pg_catalog in five bulk queries.

The number of queries does not depend on the number of tables: tables, columns, constraints,
indexes and enums are each read for the whole schema at once and put together in Python.

What is read and what is skipped is listed in docs/dialects/postgresql.md. In short: ordinary and
partitioned tables (not views, not partitions); columns with types mapped back to logical kinds
when the spelling is exactly the one the dialect writes (else ``postgresql:<format_type>``);
defaults, identity (serial columns are identities of the serial kind), collations, comments; primary keys, foreign keys,
uniques, checks; plain-column btree indexes that back no constraint (expression indexes and
other access methods are skipped); enum types with their values in order.
"""

from __future__ import annotations

from functools import cache

import re
from collections import defaultdict
from typing import Any

from ..connection import Database
from ..schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..types import ColumnType

# Each query takes the schema's oid as its only parameter.
_TABLES = """
SELECT c.oid, c.relname, d.description
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
"""

_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       t.typtype = 'e' AND t.typnamespace = c.relnamespace, t.typname,
       a.attnotnull, a.attidentity <> '', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
       a.attgenerated <> '', d.description,
       ad.adbin IS NOT NULL AND EXISTS (
         SELECT 1 FROM pg_catalog.pg_depend dep
         WHERE dep.classid = 'pg_catalog.pg_class'::regclass
           AND dep.refclassid = 'pg_catalog.pg_class'::regclass
           AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
           AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               = 'nextval(' || pg_catalog.quote_literal(dep.objid::regclass::text) || '::regclass)'
       ),
       (SELECT co.collname FROM pg_catalog.pg_collation co
        WHERE co.oid = a.attcollation AND a.attcollation <> t.typcollation)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, ref.relname,
       ARRAY(SELECT ra.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.attnum
             ORDER BY k.position),
       con.confdeltype, con.confupdtype, pg_catalog.pg_get_expr(con.conbin, con.conrelid)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname
"""

_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, i.indkey::int2[], i.indnkeyatts,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND am.amname = 'btree' AND i.indexprs IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

_ENUMS = """
SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE t.typnamespace = %s
GROUP BY t.typname
"""

Row = tuple[Any, ...]

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

# format_type spellings the dialect writes, mapped back to logical types.
_TYPE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^numeric\((\d+),(\d+)\)$"), "decimal(%s,%s)"),
    (re.compile(r"^character\((\d+)\)$"), "char(%s)"),
    (re.compile(r"^character varying\((\d+)\)$"), "varchar(%s)"),
    (re.compile(r"^time\((\d+)\) without time zone$"), "time(%s)"),
    (re.compile(r"^timestamp\((\d+)\) without time zone$"), "timestamp(%s)"),
    (re.compile(r"^timestamp\((\d+)\) with time zone$"), "timestamptz(%s)"),
]
_PLAIN_TYPES = {
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    "numeric": "decimal",
    "real": "float",
    "double precision": "double",
    "boolean": "boolean",
    "bpchar": "char",
    "character varying": "varchar",
    "text": "text",
    "date": "date",
    "time without time zone": "time",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "uuid": "uuid",
    "jsonb": "json",
    "bytea": "binary",
}

# A string constant with a cast to one type: 'it''s'::character varying, '-1'::integer.
_TYPE_NAME = r'(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_ ]*(?:\(\d+(?:,\d+)?\))?[a-z0-9_ ]*)'
_CAST_LITERAL = re.compile(
    rf"^'((?:[^']|'')*)'::((?:{_TYPE_NAME}\.)?{_TYPE_NAME}(?:\[\])?)$", re.IGNORECASE | re.DOTALL
)
_TYPE_ARGUMENTS = re.compile(r"\(\d+(?:,\d+)?\)")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_NULL = re.compile(rf"^NULL(?:::{_TYPE_NAME})?$", re.IGNORECASE)


def read_schema(database: Database) -> Schema:
    """The tables and enums of the connection's ``current_schema()``."""
    namespace = database.query(
        "SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()"
    )
    if not namespace:
        return Schema()
    oid = namespace[0][0]
    reader = _Reader(
        tables=database.query(_TABLES, (oid,)),
        columns=database.query(_COLUMNS, (oid,)),
        constraints=database.query(_CONSTRAINTS, (oid,)),
        indexes=database.query(_INDEXES, (oid,)),
    )
    enums = tuple(Enum(name, tuple(values)) for name, values in database.query(_ENUMS, (oid,)))
    return Schema(tables=reader.tables(), enums=enums)


class _Reader:
    """Puts the rows of the bulk queries together, table by table."""

    def __init__(self, tables: list[Row], columns: list[Row], constraints: list[Row], indexes: list[Row]) -> None:
        self.table_rows = tables
        self.columns: dict[int, list[Column]] = defaultdict(list)
        self.attnames: dict[int, dict[int, str]] = defaultdict(dict)
        for row in columns:
            self.columns[row[0]].append(read_column(row[2:]))
            self.attnames[row[0]][row[1]] = row[2]
        self.constraints: dict[int, list[Row]] = defaultdict(list)
        for row in constraints:
            self.constraints[row[0]].append(row)
        self.indexes: dict[int, list[Row]] = defaultdict(list)
        for row in indexes:
            self.indexes[row[0]].append(row)

    def tables(self) -> tuple[Table, ...]:
        return tuple(self.table(oid, name, comment) for oid, name, comment in self.table_rows)

    def names(self, oid: int, attnums: list[int]) -> tuple[str, ...]:
        return tuple(self.attnames[oid][n] for n in attnums)

    def table(self, oid: int, name: str, comment: str | None) -> Table:
        primary_key = None
        foreign_keys, uniques, checks = [], [], []
        for row in self.constraints[oid]:
            _, conname, contype, conkey, *_, expression = row
            if contype == "p":
                primary_key = PrimaryKey(self.names(oid, conkey), conname)
            elif contype == "u":
                uniques.append(Unique(self.names(oid, conkey), conname))
            elif contype == "c":
                checks.append(Check(strip_parentheses(expression), conname))
            elif contype == "f":
                foreign_keys.append(self.foreign_key(oid, row))
        return Table(
            name=name,
            columns=tuple(self.columns[oid]),
            primary_key=primary_key,
            foreign_keys=tuple(foreign_keys),
            uniques=tuple(uniques),
            checks=tuple(checks),
            indexes=tuple(self.index(oid, row) for row in self.indexes[oid]),
            comment=comment,
        )

    def foreign_key(self, oid: int, row: Row) -> ForeignKey:
        _, name, _, conkey, ref_table, ref_columns, on_delete, on_update, _ = row
        return ForeignKey(
            columns=self.names(oid, conkey),
            ref_table=ref_table,
            ref_columns=tuple(ref_columns),
            name=name,
            on_delete=_ACTIONS[on_delete],
            on_update=_ACTIONS[on_update],
        )

    def index(self, oid: int, row: Row) -> Index:
        _, name, unique, keys, key_count, predicate = row
        return Index(
            columns=self.names(oid, list(keys)[:key_count]),
            name=name,
            unique=unique,
            where=strip_parentheses(predicate) if predicate else None,
        )


def read_column(row: Row) -> Column:
    """A column from the columns query's row, from ``attname`` on."""
    name, type_text, is_enum, type_name, not_null, identity, default, generated, comment, serial, collation = row
    column_type = ColumnType("enum", enum=type_name) if is_enum else read_type(type_text)
    return Column(
        name=name,
        type=column_type,
        nullable=not not_null,
        default=None if identity or serial or generated else read_default(default, type_name if is_enum else type_text),
        identity=identity or serial,
        comment=comment,
        serial=bool(serial) and not identity and column_type.kind in SERIAL_KINDS,
        collation=collation,
    )


#: The types a serial column can have (smallserial, serial, bigserial).
SERIAL_KINDS = ("smallint", "integer", "bigint")


@cache  # a schema repeats a few dozen types over thousands of columns
def read_type(text: str) -> ColumnType:
    """The logical type ``format_type`` text stands for, or ``postgresql:<text>``."""
    if text in _PLAIN_TYPES:
        return ColumnType(_PLAIN_TYPES[text])
    for pattern, template in _TYPE_PATTERNS:
        match = pattern.match(text)
        if match:
            return ColumnType.parse(template % match.groups())
    return ColumnType("native", dialect="postgresql", native=text)


def read_default(expression: str | None, column_type: str | None = None) -> Default | None:
    """A default as ``pg_get_expr`` prints it; cast strings, numbers and booleans are literals.

    A string cast to a type other than the column's stays an expression: the cast changes the
    value (``'0001-01-01'::timestamp`` in a ``timestamptz`` column depends on the time zone).
    """
    if expression is None or _NULL.match(expression):
        return None
    literal = _CAST_LITERAL.match(expression)
    if literal and (
        column_type is None or _same_type_name(literal.group(2), column_type) or _NUMBER.match(literal.group(1))
    ):
        return Default(literal.group(1).replace("''", "'"))
    if _NUMBER.match(expression) or expression in ("true", "false"):
        return Default(expression)
    return Default(expression, expression=True)


def _same_type_name(cast: str, column_type: str) -> bool:
    def bare(text: str) -> str:
        name = _TYPE_ARGUMENTS.sub("", text).strip().strip('"').lower()
        return {"bpchar": "character"}.get(name, name)

    return bare(cast) == bare(column_type) or bare(cast).split(".")[-1] == bare(column_type)


def strip_parentheses(expression: str) -> str:
    """``expression`` without the parentheses PostgreSQL puts around a whole deparsed expression."""
    text = expression.strip()
    while text.startswith("(") and text.endswith(")") and _closing_paren(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing_paren(text: str) -> int:
    """The index of the parenthesis closing the one at index 0 (quotes respected), or -1."""
    depth, quote = 0, ""
    for position, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
    return -1
