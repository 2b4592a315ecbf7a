"""Reading a PostgreSQL schema (``current_schema()``) from pg_catalog in seven bulk queries.

The number of queries does not depend on the number of tables: tables, columns, constraints,
indexes, exclusion constraints, enums, and sequences with domains (``postgresql_objects.py``)
are each read for the whole schema at once and put together in Python.

What is read and what is skipped is listed in docs/dialects/postgresql.md. In short: ordinary and
partitioned tables (not views, not partitions, not inheritance children: see ``_MANAGED``);
columns with types mapped back to logical kinds when the spelling is exactly the one the dialect
writes (else ``postgresql:<format_type>``, as ``numeric(2,5)``, which no portable type holds);
defaults, identity (serial columns are identities of the serial kind; ALWAYS or BY DEFAULT),
the options of an identity's or serial's sequence (None where they are the defaults), generated
columns, collations, comments; primary keys, foreign keys, uniques, checks with their timing,
NOT VALID, NO INHERIT, MATCH FULL, NULLS NOT DISTINCT and comments; indexes that back no
constraint, with their keys (expressions, DESC, NULLS FIRST/LAST, operator class and collation
where not the defaults), INCLUDE columns, access method, NULLS NOT DISTINCT and comment; exclusion
constraints with their keys (read as an index's), operators, access method, INCLUDE columns,
predicate, timing and comment; enum types with their values in order and their comment.

Expressions (checks, generated columns, index keys and predicates) are read as ``pg_get_expr``
prints them, without the parentheses around the whole, so a schema read twice compares equal.
"""

from __future__ import annotations

from functools import cache

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..connection import Database
from ..schema import (
    Check,
    Column,
    Default,
    Enum,
    Exclusion,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PLAIN_KEY,
    PrimaryKey,
    Schema,
    SequenceOptions,
    Table,
    Unique,
)
from ..types import ColumnType

# Each query takes the schema's oid as its only parameter.

#: The tables read: ordinary and partitioned ones of the schema that inherit from none. A partition
#: (``PARTITION OF``) or an inheritance child (``INHERITS``) is left out: the engine would write it
#: back as a table of its own, its inherited columns and checks doubled; it is listed as not
#: managed instead, depending on its parent (``unmanaged_postgresql.py``), and so is a foreign key
#: onto it (or onto another schema's table), which the engine could not write back either.
_MANAGED = """c.relnamespace = %s AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = c.oid)"""
_TABLES = f"""
SELECT c.oid, c.relname, d.description
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE {_MANAGED}
"""

_COLUMNS = f"""
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
        WHERE co.oid = a.attcollation AND a.attcollation <> t.typcollation),
       a.attidentity, a.attgenerated,
       (SELECT ARRAY[format_type(s.seqtypid, NULL), s.seqstart::text, s.seqincrement::text,
                     s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text]
        FROM pg_catalog.pg_depend dep
        JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
        WHERE dep.classid = 'pg_catalog.pg_class'::regclass
          AND dep.refclassid = 'pg_catalog.pg_class'::regclass
          AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
          AND (dep.deptype = 'i' OR (dep.deptype = 'a' AND ad.adbin IS NOT NULL
               AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
                   = 'nextval(' || pg_catalog.quote_literal(dep.objid::regclass::text) || '::regclass)'))
        ORDER BY dep.deptype DESC LIMIT 1)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE {_MANAGED}
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS = f"""
SELECT con.conrelid, con.conname, con.contype, con.conkey, ref.relname,
       ARRAY(SELECT ra.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.attnum
             ORDER BY k.position),
       con.confdeltype, con.confupdtype, pg_catalog.pg_get_expr(con.conbin, con.conrelid),
       con.condeferrable, con.condeferred, con.convalidated, con.connoinherit, con.confmatchtype,
       COALESCE((SELECT ci.indnullsnotdistinct FROM pg_catalog.pg_index ci
                 WHERE ci.indexrelid = con.conindid AND con.contype = 'u'), false),
       pg_catalog.obj_description(con.oid, 'pg_constraint')
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid
WHERE {_MANAGED}
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND (con.contype <> 'f' OR EXISTS (  -- a foreign key onto a table not read is not read either
    SELECT 1 FROM pg_catalog.pg_class r
    WHERE r.oid = con.confrelid AND r.relnamespace = c.relnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = r.oid)))
ORDER BY con.conrelid, con.conname
"""

# What an index's row holds after its name: uniqueness, key columns, predicate, method, DESC and
# NULLS FIRST bits, NULLS NOT DISTINCT; then (after the comment) per key the expression
# (non-pretty, as checks are read; pretty, to find the key in the definition) and the operator
# class where not the type's default, and the whole definition. Shared by indexes and exclusions.
_INDEX_FLAGS = """i.indisunique, i.indkey::int2[], i.indnkeyatts,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       am.amname, i.indoption::int2[], i.indnullsnotdistinct,"""
_INDEX_KEYS = """       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false)
             FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(oid, position)
             JOIN pg_catalog.pg_opclass opc ON opc.oid = u.oid ORDER BY u.position),
       pg_catalog.pg_get_indexdef(i.indexrelid, 0, true)"""

_INDEXES = f"""
SELECT i.indrelid, ic.relname, {_INDEX_FLAGS}
       pg_catalog.obj_description(i.indexrelid, 'pg_class'),
{_INDEX_KEYS}
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE {_MANAGED}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

# Exclusion constraints: their index's row as _INDEXES reads it (the constraint's name and
# comment in place of the index's), then the operators, one per key, and the timing.
_EXCLUSIONS = f"""
SELECT i.indrelid, con.conname, {_INDEX_FLAGS}
       pg_catalog.obj_description(con.oid, 'pg_constraint'),
{_INDEX_KEYS},
       ARRAY(SELECT CASE WHEN pg_catalog.pg_operator_is_visible(o.oid) THEN o.oprname
                         ELSE 'OPERATOR(' || pg_catalog.quote_ident(n.nspname) || '.' || o.oprname || ')' END
             FROM unnest(con.conexclop) WITH ORDINALITY AS u(oid, position)
             JOIN pg_catalog.pg_operator o ON o.oid = u.oid
             JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace ORDER BY u.position),
       con.condeferrable, con.condeferred
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE {_MANAGED} AND con.contype = 'x'
ORDER BY con.conrelid, con.conname
"""

_ENUMS = """
SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder),
       pg_catalog.obj_description(t.oid, 'pg_type')
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE t.typnamespace = %s
GROUP BY t.oid, t.typname
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
    """The tables, enums, standalone sequences and domains of the connection's ``current_schema()``."""
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
    enums = tuple(
        Enum(name, tuple(values), comment=comment) for name, values, comment in database.query(_ENUMS, (oid,))
    )
    tables = _with_exclusions(reader, database.query(_EXCLUSIONS, (oid,)))
    from .postgresql_objects import read_objects

    sequences, domains = read_objects(database, oid)
    return Schema(tables=tables, enums=enums, sequences=sequences, domains=domains)


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
            _, conname, contype, conkey, *_ = row
            expression, deferrable, deferred, validated, no_inherit, _, nulls_not_distinct, remark = row[8:]
            timing = {"deferrable": deferrable, "initially_deferred": deferred}
            if contype == "p":
                primary_key = PrimaryKey(self.names(oid, conkey), conname, comment=remark, **timing)
            elif contype == "u":
                uniques.append(
                    Unique(
                        self.names(oid, conkey), conname, nulls_not_distinct=nulls_not_distinct, comment=remark, **timing
                    )
                )
            elif contype == "c":
                checks.append(
                    Check(strip_parentheses(expression), conname, not_valid=not validated, no_inherit=no_inherit, comment=remark)
                )
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
        _, name, _, conkey, ref_table, ref_columns, on_delete, on_update, _ = row[:9]
        deferrable, deferred, validated, _, match, _, comment = row[9:]
        return ForeignKey(
            columns=self.names(oid, conkey),
            ref_table=ref_table,
            ref_columns=tuple(ref_columns),
            name=name,
            on_delete=_ACTIONS[on_delete],
            on_update=_ACTIONS[on_update],
            deferrable=deferrable,
            initially_deferred=deferred,
            not_valid=not validated,
            match=_MATCH.get(match),
            comment=comment,
        )

    def index(self, oid: int, row: Row) -> Index:
        _, name, unique, attnums, key_count, predicate, method, options, nulls_not_distinct, comment = row[:10]
        expressions, pretty_keys, opclasses, definition = row[10:]
        attnums = list(attnums)
        collations = key_collations(definition, method, pretty_keys)
        columns, keys = [], []
        for position in range(key_count):
            expression = attnums[position] == 0
            columns.append(strip_parentheses(expressions[position]) if expression else self.attnames[oid][attnums[position]])
            descending, nulls_first = bool(options[position] & 1), bool(options[position] & 2)
            nulls = None
            if nulls_first != descending:  # NULLS LAST is the default ascending, FIRST descending
                nulls = "FIRST" if nulls_first else "LAST"
            keys.append(
                IndexKey(
                    expression=expression,
                    descending=descending,
                    nulls=nulls,
                    opclass=opclasses[position],
                    collation=collations[position],
                )
            )
        return Index(
            columns=tuple(columns),
            name=name,
            unique=unique,
            where=strip_parentheses(predicate) if predicate else None,
            keys=() if all(key == PLAIN_KEY for key in keys) else tuple(keys),
            include=self.names(oid, attnums[key_count:]),
            method=None if method == "btree" else method,
            nulls_not_distinct=nulls_not_distinct,
            comment=comment,
        )


_MATCH = {"f": "FULL"}


def _with_exclusions(reader: _Reader, rows: list[Row]) -> tuple[Table, ...]:
    """The reader's tables, each with its exclusion constraints (``_EXCLUSIONS`` rows)."""
    found: dict[int, list[Exclusion]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(read_exclusion(reader, row))
    return tuple(
        replace(table, exclusions=tuple(found[oid])) if oid in found else table
        for (oid, _, _), table in zip(reader.table_rows, reader.tables())
    )


def read_exclusion(reader: _Reader, row: Row) -> Exclusion:
    """An exclusion constraint: its keys read as an index's, then its operators and timing."""
    index = reader.index(row[0], row[:-3])
    operators, deferrable, deferred = row[-3:]
    return Exclusion(
        columns=index.columns,
        operators=tuple(operators),
        name=index.name,
        method=index.method,
        where=index.where,
        keys=index.keys,
        include=index.include,
        deferrable=deferrable,
        initially_deferred=deferred,
        comment=index.comment,
    )


def key_collations(definition: str, method: str, keys: list[str]) -> list[str | None]:
    """The ``COLLATE`` of each key in an index's pretty definition (``pg_get_indexdef`` writes
    one only where it differs from the key's own collation), given each key's pretty text."""
    opening = _find_outside_quotes(definition, f" USING {method} (")
    if opening < 0:
        return [None] * len(keys)
    start = opening + len(f" USING {method} (")
    elements = _split_top_level(definition[start : start + _closing_paren(definition[start - 1 :]) - 1])
    collations: list[str | None] = []
    for position, key in enumerate(keys):
        element = elements[position].strip() if position < len(elements) else ""
        rest = element[len(key) :] if element.startswith(key) else ""
        match = _COLLATE.match(rest)
        collations.append(_unquote(match.group(1)) if match else None)
    return collations


# A collation's name, after its schema's where it is not on the search path (the name is kept).
_COLLATE = re.compile(r'^\s+COLLATE\s+(?:(?:"(?:[^"]|"")+"|[^\s".]+)\.)?((?:"(?:[^"]|"")+"|[^\s".]+))')


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _find_outside_quotes(text: str, needle: str) -> int:
    quote = ""
    for position, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif text.startswith(needle, position):
            return position
    return -1


def _split_top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
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
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return parts


def read_column(row: Row) -> Column:
    """A column from the columns query's row, from ``attname`` on."""
    name, type_text, is_enum, type_name, not_null, identity, default, generated, comment, serial, collation = row[:11]
    attidentity, attgenerated, sequence = row[11:]
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
        identity_always=attidentity == "a",
        sequence=read_sequence(sequence) if identity or serial else None,
        generated=Generated(strip_parentheses(default)) if attgenerated == "s" and default else None,
    )


#: The range of each type a sequence can have: what MINVALUE and MAXVALUE default to.
_SEQUENCE_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def read_sequence(values: list[str] | None) -> SequenceOptions | None:
    """A sequence's options from ``pg_sequence`` (type, start, increment, min, max, cache,
    cycle), each None where it is what PostgreSQL chooses when it is not given; None when all are."""
    if values is None:
        return None
    type_name, *numbers, cycle_text = values
    start, increment, low, high, cache = (int(n) for n in numbers)
    type_low, type_high = _SEQUENCE_RANGES.get(type_name, _SEQUENCE_RANGES["bigint"])
    default_low, default_high = (1, type_high) if increment > 0 else (type_low, -1)
    options = SequenceOptions(
        start=None if start == (low if increment > 0 else high) else start,
        increment=None if increment == 1 else increment,
        min_value=None if low == default_low else low,
        max_value=None if high == default_high else high,
        cache=None if cache == 1 else cache,
        cycle=cycle_text == "true",
    )
    return None if options == SequenceOptions() else options


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
            if template.startswith("decimal") and int(match.group(2)) > int(match.group(1)):
                break  # numeric(2,5): PostgreSQL takes more decimals than digits, decimal(p,s) does not
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
