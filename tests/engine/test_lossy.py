"""Types a dialect only approximates are named, with what they lose."""

from __future__ import annotations

import pytest

from migrations_engine.lossy import type_losses
from migrations_engine.schema import Column, Schema, Table
from migrations_engine.types import ColumnType


def _schema(*types: str) -> Schema:
    columns = tuple(Column(f"c{n}", ColumnType.parse(t)) for n, t in enumerate(types))
    return Schema(tables=(Table("t", columns),))


@pytest.mark.parametrize(
    "type_text, dialect, words",
    [
        ("postgresql:xml", "mysql", "postgresql xml is written as text there, losing its XML well-formedness check"),
        ("mysql:enum('a','b')", "postgresql", "losing its list of allowed values"),
        ("postgresql:money", "sqlite", "losing its currency formatting"),
        ("mysql:int unsigned", "postgresql", "which also accepts negative values"),
        ("timestamptz", "mysql", "only holds 1970-01-01 to 2038-01-19"),
        ("boolean", "mysql", "also accepts -128 to 127"),
        ("timestamptz", "sqlite", "stored as the text given"),
    ],
)
def test_a_type_the_dialect_approximates_is_named_with_its_loss(type_text, dialect, words):
    (loss,) = type_losses(_schema(type_text), dialect)
    assert (loss.table, loss.column) == ("t", "c0")
    assert words in str(loss) and str(loss).startswith(f"t.c0 ({ColumnType.parse(type_text)}) is lossy on {dialect}: ")


@pytest.mark.parametrize(
    "type_text, dialect",
    [
        ("timestamptz", "postgresql"),
        ("boolean", "postgresql"),
        ("postgresql:xml", "postgresql"),
        ("mysql:mediumint", "postgresql"),
        ("mysql:int unsigned", "mysql"),
        ("varchar(20)", "mysql"),
        ("json", "sqlite"),
        ("postgresql:inet", "mysql"),  # no equivalent at all: render refuses it instead
    ],
)
def test_types_held_exactly_or_refused_are_not_lossy(type_text, dialect):
    assert type_losses(_schema(type_text), dialect) == []


def test_only_limits_the_columns_looked_at():
    schema = _schema("timestamptz", "boolean")
    assert [loss.column for loss in type_losses(schema, "mysql")] == ["c0", "c1"]
    assert [loss.column for loss in type_losses(schema, "mysql", only={("t", "c1")})] == ["c1"]
