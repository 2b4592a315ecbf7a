"""Type arguments checked against each database's limits."""

from __future__ import annotations

import pytest

from migrations_engine.diff import diff
from migrations_engine.errors import UnsupportedChange
from migrations_engine.render import render
from migrations_engine.schema import Column, Schema, Table
from migrations_engine.type_checks import type_problems
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems


@pytest.mark.parametrize(
    ("text", "dialect", "problem"),
    [
        ("varchar(99999999999999999999)", None, "an argument no database takes"),
        ("varchar(99999999999999999999)", "sqlite", "an argument no database takes"),
        ("decimal(2,5)", None, "more decimals (5) than digits (2)"),
        ("varchar(10485761)", "postgresql", "PostgreSQL allows varchar up to 10485760"),
        ("varchar(16384)", "mysql", "MySQL allows varchar up to 16383"),
        ("char(256)", "mysql", "MySQL allows char up to 255"),
        ("binary(65536)", "mysql", "MySQL allows binary up to 65535"),
        ("varchar(0)", "postgresql", "PostgreSQL needs at least 1"),
        ("decimal(1001,2)", "postgresql", "PostgreSQL allows up to 1000 digits"),
        ("decimal(1000,2)", "mysql", "MySQL allows up to 65 digits"),
        ("decimal(65,31)", "mysql", "MySQL allows up to 30 decimals"),
        ("timestamp(12)", "postgresql", "at most 6 fractional digits"),
        ("timestamptz(7)", "mysql", "at most 6 fractional digits"),
        ("time(9)", "postgresql", "at most 6 fractional digits"),
    ],
)
def test_arguments_past_the_limits_are_refused(text, dialect, problem):
    found = type_problems(ColumnType.parse(text), dialect)

    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("varchar(10485760)", "postgresql"),
        ("varchar(16383)", "mysql"),
        ("varchar(20000000)", "sqlite"),
        ("decimal(1000,2)", "postgresql"),
        ("decimal(65,30)", "mysql"),
        ("decimal(1000,999)", "sqlite"),
        ("timestamp(6)", "mysql"),
        ("timestamp(12)", "sqlite"),
        ("varchar(10485761)", None),
        ("postgresql:varchar(99999999)", "postgresql"),  # native types are the database's business
    ],
)
def test_arguments_within_the_limits_pass(text, dialect):
    assert type_problems(ColumnType.parse(text), dialect) == []


def test_problems_checks_types_for_the_dialect_asked():
    schema = Schema(tables=(Table("t", (Column("price", ColumnType.parse("decimal(100,2)")),)),))

    assert problems(schema) == []
    assert problems(schema, dialect="postgresql") == []
    assert problems(schema, dialect="mysql") == ["table 't': column 'price': type decimal(100,2): MySQL allows up to 65 digits"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("double precision", "double"),
        ("DOUBLE PRECISION", "double"),
        ("int", "integer"),
        ("int2", "smallint"),
        ("int4", "integer"),
        ("int8", "bigint"),
        ("float4", "float"),
        ("float8", "double"),
        ("real", "float"),
        ("bool", "boolean"),
        ("numeric(12,3)", "decimal(12,3)"),
        ("character(3)", "char(3)"),
        ("character varying(40)", "varchar(40)"),
        ("character varying", "varchar"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp(3) with time zone", "timestamptz(3)"),
        ("timestamp without time zone", "timestamp"),
        ("time without time zone", "time"),
        ("datetime", "timestamp"),
    ],
)
def test_common_spellings_read_as_the_portable_types(text, expected):
    assert str(ColumnType.parse(text)) == expected


def test_rendering_refuses_types_past_the_dialects_limits():
    wide = Schema(tables=(Table("t", (Column("price", ColumnType.parse("decimal(100,2)")),)),))

    assert render(diff(Schema(), wide), Schema(), "postgresql")
    with pytest.raises(UnsupportedChange, match="column 'price': type decimal\\(100,2\\): MySQL allows up to 65 digits"):
        render(diff(Schema(), wide), Schema(), "mysql")
    # Dropping such a column (read from a database that took it) writes no type.
    assert render(diff(wide, Schema()), wide, "mysql")
