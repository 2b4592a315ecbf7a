"""A hand-written PostgreSQL check or index predicate, as the server prints it back.

PostgreSQL keeps an expression parsed and prints it from the tree (``pg_get_expr``): every
operator's operands in parentheses, constants cast to the type they get (``n >= (0)::numeric``,
``t <> 'x'::text``, ``(v)::text <> 'y'::text``, ``i >= '-1'::integer``). A ``pg_dump`` writes
that form; a person writes ``n >= 0``. This module prints the common shapes the server's way:
AND, OR and NOT over comparisons of a column with a constant or another column, ``IS [NOT]
NULL`` and boolean columns. Anything else (functions, IN, BETWEEN, arithmetic, a constant the
server would rewrite such as ``'2030-01-01 00:00'``) gives None: the text is then kept as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

from ..types import ColumnType

_COMPARISONS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
_INTEGERS = ("smallint", "integer", "bigint")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")


class _Unprintable(Exception):
    """A shape this module does not print the server's way."""


def pg_expression(text: str, columns: dict[str, ColumnType]) -> str | None:
    """``text`` as PostgreSQL prints it back (outer parentheses off, as the introspection reads
    it), given the table's column types; None where this module cannot tell."""
    try:
        printed = _Printer(columns).boolean(parsed(text))
    except (_Unprintable, sqlglot.errors.SqlglotError, ValueError):
        return None
    return printed[1:-1] if printed.startswith("(") and _wrapped(printed) else printed


@lru_cache(maxsize=4096)
def parsed(text: str) -> exp.Expression:
    """sqlglot's tree of ``text`` (PostgreSQL), shared: schemas repeat their checks (``price >=
    0``) from table to table, and nothing here changes a tree."""
    return sqlglot.parse_one(text, read="postgres")


def _wrapped(text: str) -> bool:
    depth = 0
    for position, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and position < len(text) - 1:
            return False
    return True


class _Printer:
    def __init__(self, columns: dict[str, ColumnType]) -> None:
        self.columns = columns

    def boolean(self, node: exp.Expression) -> str:
        """A boolean expression; operators print as ``(operand op operand)``."""
        if isinstance(node, exp.Paren):
            return self.boolean(node.this)
        if isinstance(node, (exp.And, exp.Or)):
            word = "AND" if isinstance(node, exp.And) else "OR"
            return f"({self.boolean(node.this)} {word} {self.boolean(node.expression)})"
        if isinstance(node, exp.Not):
            inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
            if isinstance(inner, exp.Column):
                return f"(NOT {self.column(inner)})"
            return f"(NOT {self.boolean(inner)})"
        if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null) and isinstance(node.this, exp.Column):
            return f"({self.column(node.this)} IS {'NOT ' if node.args.get('negate') else ''}NULL)"
        if type(node) in _COMPARISONS:
            return self.comparison(node)
        if isinstance(node, exp.Column) and self.type_of(node).kind == "boolean":
            return self.column(node)
        raise _Unprintable(type(node).__name__)

    def comparison(self, node: exp.Expression) -> str:
        operator = _COMPARISONS[type(node)]
        left, right = node.this, node.expression
        if isinstance(left, exp.Column) and isinstance(right, exp.Column):
            left_type, right_type = self.type_of(left), self.type_of(right)
            if left_type != right_type or left_type.kind not in (*_INTEGERS, "decimal", "text", "boolean", "date"):
                raise _Unprintable("columns of different types")
            return f"({self.column(left)} {operator} {self.column(right)})"
        if not isinstance(left, exp.Column):
            raise _Unprintable("a constant on the left")
        column_type = self.type_of(left)
        return f"({self.operand(left, column_type)} {operator} {self.constant(right, column_type)})"

    def operand(self, column: exp.Column, column_type: ColumnType) -> str:
        if column_type.kind == "varchar":
            return f"({self.column(column)})::text"
        return self.column(column)

    def constant(self, node: exp.Expression, column_type: ColumnType) -> str:
        kind = column_type.kind
        negative = isinstance(node, exp.Neg)
        literal = node.this if negative else node
        if isinstance(literal, exp.Boolean) and kind == "boolean" and not negative:
            return "true" if literal.this else "false"
        if not isinstance(literal, exp.Literal):
            raise _Unprintable("not a constant")
        value = literal.this
        if literal.is_string:
            if negative:
                raise _Unprintable("a negative string")
            quoted = "'" + value.replace("'", "''") + "'"
            if kind in ("text", "varchar"):
                return f"{quoted}::text"
            if kind == "char":
                return f"{quoted}::bpchar"
            if kind == "date" and _DATE.match(value):
                return f"{quoted}::date"
            if kind == "enum":
                return f"{quoted}::{_name(column_type.enum or '')}"
            raise _Unprintable("a string for this type")
        if kind in _INTEGERS and _NUMBER.match(value):
            return f"'-{value}'::integer" if negative else value
        if kind == "decimal":
            if _NUMBER.match(value) and not negative:
                return f"({value})::numeric"
            if _DECIMAL.match(value):
                return f"'-{value}'::numeric" if negative else value
        if kind in ("float", "double") and not negative and (_NUMBER.match(value) or _DECIMAL.match(value)):
            return f"({value})::double precision"
        raise _Unprintable("a number for this type")

    def type_of(self, column: exp.Column) -> ColumnType:
        if column.table:
            raise _Unprintable("a qualified name")
        found = self.columns.get(column.name)
        if found is None:
            raise _Unprintable("not a column")
        return found

    def column(self, column: exp.Column) -> str:
        self.type_of(column)
        return _name(column.name)


#: The keywords ``quote_ident`` quotes (PostgreSQL 15's reserved, type/function-name and
#: column-name keywords: all but the unreserved ones). Held here: SQLAlchemy's list is shorter
#: (no ``position``, ``lateral``…) and importing its dialect takes a third of a second.
_QUOTED_KEYWORDS = frozenset("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create current_catalog current_date current_role current_time current_timestamp current_user default
deferrable desc distinct do else end except false fetch for foreign from grant group having in
initially intersect into lateral leading limit localtime localtimestamp not null offset on only or
order placing primary references returning select session_user some symmetric table then to trailing
true union unique user using variadic when where window with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join
left like natural notnull outer overlaps right similar tablesample verbose
between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping
inout int integer interval least national nchar none normalize nullif numeric out overlay position
precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
""".split())
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def _name(name: str) -> str:
    """``name`` as ``quote_ident`` writes it."""
    return name if _PLAIN.fullmatch(name) and name not in _QUOTED_KEYWORDS else '"' + name.replace('"', '""') + '"'
