"""What the editor tells the architect about a draft: errors block publishing, warnings advise.

Errors: duplicate names, invalid or over-long identifiers, a default that does not fit its
column's type, a foreign key between columns of different types, to columns that are neither
the primary key nor unique, or setting NOT NULL columns to NULL, and whatever the engine's
structural check (``validate.problems``) finds. Warnings: reserved words, tables without a
primary key.

Each message names the element it is about by uid, so the editor shows it next to that element.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from designer.models import DIALECT_CHOICES, DIALECTS
from migrations_engine.dialects import get_dialect
from migrations_engine.errors import SchemaError
from migrations_engine.expressions import expression_problems
from migrations_engine.schema import Column, ForeignKey, Schema, Table
from migrations_engine.type_checks import type_problems
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

#: PostgreSQL's limit (NAMEDATALEN - 1, in bytes); MySQL allows 64 characters, SQLite any.
MAX_IDENTIFIER_BYTES = 63

ERROR = "error"
WARNING = "warning"

_INTEGER_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_BOOLEANS = {"1", "0", "true", "false", "t", "f", "yes", "no", "y", "n", "on", "off"}
_DIALECT_LABELS = dict(DIALECT_CHOICES)


@dataclass(frozen=True)
class Message:
    level: str
    text: str
    table: str | None = None  # uid of the table it is about
    element: str | None = None  # uid of the column, constraint or index it is about

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


# ---------------------------------------------------------------- single values


@cache
def _reserved_words(dialect: str) -> frozenset[str]:
    return frozenset(get_dialect(dialect).sa_dialect.identifier_preparer.reserved_words)


def reserved_in(name: str) -> list[str]:
    """The labels of the dialects where ``name`` is a reserved word."""
    return [_DIALECT_LABELS[d] for d in DIALECTS if name.lower() in _reserved_words(d)]


def identifier_errors(name: str, what: str) -> list[str]:
    """Why ``name`` cannot name a ``what`` (empty when it can)."""
    if not name:
        return [f"The {what} needs a name."]
    errors = []
    if name != name.strip():
        errors.append(f"The {what} name “{name}” starts or ends with a space.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        errors.append(f"The {what} name contains a control character.")
    size = len(name.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        errors.append(
            f"The {what} name is {size} bytes long; PostgreSQL allows {MAX_IDENTIFIER_BYTES}."
        )
    return errors


def identifier_warnings(name: str, what: str) -> list[str]:
    where = reserved_in(name)
    if not where:
        return []
    return [
        f"“{name}” is a reserved word in {', '.join(where)}: the {what} will always need quoting."
    ]


def parse_type(
    text: str, enums: Iterable[str], dialect: str | None = None
) -> tuple[ColumnType | None, str]:
    """``(type, "")`` or ``(None, why not)`` for a type typed into the picker; its arguments
    checked against ``dialect``'s limits (``type_checks``)."""
    try:
        column_type = ColumnType.parse(text)
    except SchemaError as exc:
        return None, str(exc)[0].upper() + str(exc)[1:] + "."
    if column_type.kind == "enum" and column_type.enum not in set(enums):
        return None, f"There is no enum “{column_type.enum}” in this draft."
    found = type_problems(column_type, dialect)
    if found:
        return None, " ".join(problem[0].upper() + problem[1:] + "." for problem in found)
    return column_type, ""


def expression_errors(
    text: str,
    what: str,
    dialect: str | None,
    columns: Iterable[str] | None = None,
    table: str | None = None,
) -> list[str]:
    """Why ``text`` typed as a check condition, an index condition or an expression default is
    not exactly one SQL expression of ``dialect`` naming only ``columns`` (``()``: none)."""
    label = {"condition": "The condition", "default": "The default"}[what]
    return [
        f"{label} {problem}."
        for problem in expression_problems(text, dialect, columns, table=table)
    ]


def default_error(value: str, column_type: ColumnType, enum_values: Iterable[str] = ()) -> str:
    """Why the literal ``value`` does not fit ``column_type`` (empty when it does)."""
    kind = column_type.kind
    text = value.strip()
    shown = f"The default “{value}”"
    if kind in _INTEGER_RANGES:
        try:
            number = int(text)
        except ValueError:
            return f"{shown} is not a whole number."
        low, high = _INTEGER_RANGES[kind]
        if not low <= number <= high:
            return f"{shown} is out of range for {kind} ({low} to {high})."
    elif kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            return f"{shown} is not a number."
        if not number.is_finite():
            return f"{shown} is not a finite number."
        if column_type.precision is not None:
            scale = column_type.scale or 0
            digits = number.as_tuple()
            decimals = max(0, -digits.exponent)  # type: ignore[operator]
            whole = len(digits.digits) - decimals if len(digits.digits) > decimals else 0
            if whole > column_type.precision - scale:
                return f"{shown} has too many digits for {column_type}."
            if decimals > scale:
                return f"{shown} has more than {scale} decimals."
    elif kind in ("float", "double"):
        try:
            number_f = float(text)
        except ValueError:
            return f"{shown} is not a number."
        if not math.isfinite(number_f):
            return f"{shown} is not a finite number."
    elif kind == "boolean":
        if text.lower() not in _BOOLEANS:
            return f"{shown} is not a boolean: use true or false."
    elif kind in ("char", "varchar"):
        if column_type.length is not None and len(value) > column_type.length:
            return f"{shown} is longer than {column_type.length} characters."
    elif kind == "date":
        return _parsed(shown, "a date (YYYY-MM-DD)", datetime.date.fromisoformat, text)
    elif kind == "time":
        return _parsed(shown, "a time (HH:MM:SS)", datetime.time.fromisoformat, text)
    elif kind in ("timestamp", "timestamptz"):
        return _parsed(
            shown, "a timestamp (YYYY-MM-DD HH:MM:SS)", datetime.datetime.fromisoformat, text
        )
    elif kind == "uuid":
        return _parsed(shown, "a UUID", uuid.UUID, text)
    elif kind == "json":
        return _parsed(shown, "valid JSON", json.loads, value)
    elif kind == "enum":
        values = list(enum_values)
        if value not in values:
            return f"{shown} is not a value of enum “{column_type.enum}” ({', '.join(values)})."
    return ""


def _parsed(shown: str, what: str, parser, text: str) -> str:
    try:
        parser(text)
    except (ValueError, TypeError):
        return f"{shown} is not {what}."
    return ""


# ---------------------------------------------------------------- whole schemas


def schema_messages(schema: Schema, only_tables: Iterable[str] | None = None) -> list[Message]:
    """Every message about ``schema``, or about the tables named in ``only_tables``.

    With ``only_tables``, ``schema`` may hold just those tables and the tables they reference.
    """
    names = set(only_tables) if only_tables is not None else None
    messages: list[Message] = []
    if names is None:
        for name, count in Counter(t.name for t in schema.tables).items():
            if count > 1:
                messages.append(Message(ERROR, f"Two tables are called “{name}”."))
        for enum in schema.enums:
            messages += _enum_messages(enum)
    for table in schema.tables:
        if names is None or table.name in names:
            messages += _table_messages(table, schema)
    if names is None and not any(m.is_error for m in messages):
        # The engine's own check, for whatever the checks above do not cover.
        messages += [Message(ERROR, text[0].upper() + text[1:] + ".") for text in problems(schema)]
    return messages


def blocking_problems(schema: Schema) -> list[str]:
    """The error messages that keep a draft from being published."""
    return [m.text for m in schema_messages(schema) if m.is_error]


def _enum_messages(enum) -> list[Message]:
    out = [Message(ERROR, text, element=enum.id) for text in identifier_errors(enum.name, "enum")]
    if not enum.values:
        out.append(Message(ERROR, f"Enum “{enum.name}” has no values.", element=enum.id))
    for value, count in Counter(enum.values).items():
        if count > 1:
            out.append(
                Message(ERROR, f"Enum “{enum.name}” lists “{value}” twice.", element=enum.id)
            )
    return out


def _table_messages(table: Table, schema: Schema) -> list[Message]:
    def msg(level: str, text: str, element: str | None = None) -> Message:
        return Message(level, text, table.id, element)

    out = [msg(ERROR, t) for t in identifier_errors(table.name, "table")]
    out += [msg(WARNING, t) for t in identifier_warnings(table.name, "table")]
    if table.primary_key is None:
        out.append(msg(WARNING, f"Table “{table.name}” has no primary key."))
    for name, count in Counter(table.column_names).items():
        if count > 1:
            out.append(msg(ERROR, f"Table “{table.name}” has two columns called “{name}”."))
    for column in table.columns:
        out += [msg(ERROR, t, column.id) for t in identifier_errors(column.name, "column")]
        out += [msg(WARNING, t, column.id) for t in identifier_warnings(column.name, "column")]
        error = _column_default_error(column, schema)
        if error:
            out.append(msg(ERROR, f"{table.name}.{column.name}: {error}", column.id))
        if column.type.kind == "enum" and not schema.has_enum(column.type.enum or ""):
            out.append(
                msg(
                    ERROR,
                    f"{table.name}.{column.name} uses an unknown enum “{column.type.enum}”.",
                    column.id,
                )
            )
    constraint_names = [
        c.name for c in (*table.foreign_keys, *table.uniques, *table.checks, *table.exclusions) if c.name
    ]
    for name, count in Counter(constraint_names).items():
        if count > 1:
            out.append(msg(ERROR, f"Table “{table.name}” has two constraints called “{name}”."))
    for name, count in Counter(i.name for i in table.indexes if i.name).items():
        if count > 1:
            out.append(msg(ERROR, f"Table “{table.name}” has two indexes called “{name}”."))
    for fk in table.foreign_keys:
        out += [msg(ERROR, t, fk.id) for t in foreign_key_errors(table, fk, schema)]
    return out


def _column_default_error(column: Column, schema: Schema) -> str:
    if column.default is None or column.default.expression:
        return ""
    values: tuple[str, ...] = ()
    if column.type.kind == "enum" and schema.has_enum(column.type.enum or ""):
        values = schema.enum(column.type.enum or "").values
    return default_error(column.default.value, column.type, values)


def foreign_key_errors(table: Table, fk: ForeignKey, schema: Schema) -> list[str]:
    """Why ``fk`` of ``table`` cannot be created (empty when it can)."""
    label = f"The foreign key {', '.join(fk.columns)} → {fk.ref_table}"
    if not schema.has_table(fk.ref_table):
        return [f"{label} references a table that does not exist."]
    ref = schema.table(fk.ref_table)
    if len(fk.columns) != len(fk.ref_columns):
        return [f"{label} pairs {len(fk.columns)} columns with {len(fk.ref_columns)}."]
    errors = []
    for local, remote in zip(fk.columns, fk.ref_columns, strict=True):
        if not table.has_column(local) or not ref.has_column(remote):
            errors.append(f"{label} names a column that does not exist.")
            continue
        mine, theirs = table.column(local).type, ref.column(remote).type
        if mine != theirs:
            errors.append(
                f"{label}: {table.name}.{local} is {mine} but {ref.name}.{remote} is {theirs}."
            )
    for when, action in (("on delete", fk.on_delete), ("on update", fk.on_update)):
        not_null = [c for c in fk.columns if table.has_column(c) and not table.column(c).nullable]
        if action == "SET NULL" and not_null:
            errors.append(
                f"{label} sets {', '.join(not_null)} to NULL {when}, but "
                f"{'it is' if len(not_null) == 1 else 'they are'} NOT NULL "
                "(MySQL refuses this key)."
            )
    keys = [set(u.columns) for u in ref.uniques] + [
        set(i.columns) for i in ref.indexes if i.unique and not i.where and not i.has_expressions
    ]
    if ref.primary_key:
        keys.append(set(ref.primary_key.columns))
    if not errors and set(fk.ref_columns) not in keys:
        errors.append(
            f"{label}: {ref.name}({', '.join(fk.ref_columns)}) "
            "is neither its primary key nor unique."
        )
    return errors
