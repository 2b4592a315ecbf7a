"""Native types of one dialect shown on another: the nearest portable type, or a clear refusal."""

from __future__ import annotations

import pytest

from migrations_engine.dialects import get_dialect
from migrations_engine.errors import UnsupportedChange
from migrations_engine.schema import Schema
from migrations_engine.types import ColumnType


@pytest.mark.parametrize(
    ("native", "dialect", "expected"),
    [
        ("mysql:mediumint unsigned", "postgresql", "integer"),
        ("mysql:year", "sqlite", "SMALLINT"),
        ("mysql:decimal(10,2)", "postgresql", "numeric(10,2)"),
        ("mysql:datetime(3)", "postgresql", "timestamp(3) without time zone"),
        ("postgresql:character varying(12)", "mysql", "varchar(12)"),
        ("postgresql:money", "mysql", "decimal(19,2)"),
        ("postgresql:jsonb", "mysql", "json"),
        ("sqlite:NVARCHAR(10)", "postgresql", "character varying(10)"),
        ("postgresql:inet", "postgresql", "inet"),
    ],
)
def test_native_type_renders_as_nearest_portable_type(native, dialect, expected):
    assert get_dialect(dialect).type_sql(ColumnType.parse(native), Schema()) == expected


@pytest.mark.parametrize(("native", "dialect"), [("postgresql:inet", "mysql"), ("postgresql:text[]", "sqlite"), ("mysql:geometry", "postgresql")])
def test_native_type_without_equivalent_is_refused_clearly(native, dialect):
    with pytest.raises(UnsupportedChange, match=f"has no {dialect} equivalent"):
        get_dialect(dialect).type_sql(ColumnType.parse(native), Schema())
