"""Rules on column types: money kept in floating point, varchar without a length."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..dialects.base import Dialect
from ..schema import Column, Schema
from . import Hit, rule

#: Words of a column name that say it holds money (whole words of snake_case or camelCase).
MONEY_WORDS = frozenset({
    "amount", "balance", "budget", "charge", "cost", "credit", "debit", "discount", "fee", "fees",
    "money", "paid", "payment", "price", "refund", "revenue", "salary", "subtotal", "tax", "total",
    "wage", "usd", "eur", "gbp",
})
_FLOAT_NATIVE = frozenset({"real", "double", "double precision", "float", "float4", "float8"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(name: str) -> list[str]:
    """The words of an identifier, lower case: ``UnitPrice`` and ``unit_price`` → unit, price."""
    return [w.lower() for w in _WORD.findall(name)]


def _is_float(column: Column) -> bool:
    kind = column.type.kind
    if kind in ("float", "double"):
        return True
    if kind == "native":
        native = (column.type.native or "").lower().split("(")[0].strip()
        return native.removesuffix(" unsigned") in _FLOAT_NATIVE
    return False


@rule("L006", "money-in-float", "warning", "Floating point cannot hold most decimal fractions exactly: sums of money drift by cents.")
def money_in_float(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        for column in table.columns:
            if _is_float(column) and MONEY_WORDS.intersection(words(column.name)):
                yield Hit(
                    f"column {table.name}.{column.name} looks like money but is {column.type}: use decimal (e.g. decimal(19,4))",
                    table.name,
                )


@rule(
    "L007", "varchar-without-length", "warning",
    "MySQL needs a length for varchar; without one the engine writes varchar(255), which may cut longer values.",
    dialects=("mysql",),
)
def varchar_without_length(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        for column in table.columns:
            if column.type.kind == "varchar" and column.type.length is None:
                yield Hit(
                    f"column {table.name}.{column.name} is varchar without a length: {dialect.name} needs one (written as varchar(255)); give it, or use text",
                    table.name,
                )
