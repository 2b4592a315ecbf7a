"""Column types: text forms, parsing errors, and which changes are widenings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrations_engine.errors import SchemaError
from migrations_engine.types import LOGICAL_KINDS, ColumnType, is_widening

from .strategies import column_types, model_settings, names

T = ColumnType.parse

# Every logical kind in every argument shape, and native types: each is its own canonical text.
CANONICAL = [
    "smallint",
    "integer",
    "bigint",
    "decimal",
    "decimal(10,2)",
    "decimal(5,0)",
    "float",
    "double",
    "boolean",
    "char(3)",
    "varchar(255)",
    "varchar",
    "text",
    "date",
    "time",
    "time(3)",
    "timestamp",
    "timestamp(6)",
    "timestamptz",
    "timestamptz(0)",
    "uuid",
    "json",
    "binary",
    "binary(16)",
    "enum(mood)",
    "enum(naïve 表 \"x\" `y` it's)",
    'enum("mood (v2)")',
    'enum(" padded ")',
    'enum("""quoted"" (x)")',
    "postgresql:inet",
    "postgresql:character varying(3)[]",
    "mysql:mediumint unsigned",
    "sqlite:NUMERIC",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    assert str(T(text)) == text
    assert T(str(T(text))) == T(text)


def test_every_logical_kind_is_covered():
    covered = {T(text).kind for text in CANONICAL}
    assert LOGICAL_KINDS <= covered
    assert "native" in covered


@pytest.mark.parametrize(
    "text, expected",
    [
        ("INTEGER", ColumnType("integer")),
        ("  varchar ( 10 )  ", ColumnType("varchar", length=10)),
        ("decimal(10, 2)", ColumnType("decimal", precision=10, scale=2)),
        ("decimal(7)", ColumnType("decimal", precision=7, scale=0)),
        ("Time(3)", ColumnType("time", precision=3)),
        ("timestamptz(6)", ColumnType("timestamptz", precision=6)),
        ("binary(16)", ColumnType("binary", length=16)),
        ("Enum(Mood)", ColumnType("enum", enum="Mood")),
        ("enum( mood )", ColumnType("enum", enum="mood")),
        ('enum( "mood" )', ColumnType("enum", enum="mood")),
        ('enum("a""b")', ColumnType("enum", enum='a"b')),
        ('enum(a"b)', ColumnType("enum", enum='a"b')),
        ("PostgreSQL: inet ", ColumnType("native", dialect="postgresql", native="inet")),
        ("mysql:mediumint unsigned", ColumnType("native", dialect="mysql", native="mediumint unsigned")),
    ],
)
def test_other_spellings_read_as_the_canonical_type(text, expected):
    assert T(text) == expected


def test_decimal_with_precision_only_is_written_with_scale_zero():
    assert str(T("decimal(7)")) == "decimal(7,0)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "a type must be a non-empty string"),
        ("   ", "a type must be a non-empty string"),
        (None, "a type must be a non-empty string"),
        (42, "a type must be a non-empty string"),
        ("wat", "unknown type 'wat': use a portable type or '<dialect>:<native type>'"),
        ("integer(5)", "type 'integer(5)' does not take these arguments"),
        ("varchar(10,2)", "type 'varchar(10,2)' does not take these arguments"),
        ("decimal(10,2,1)", "type 'decimal(10,2,1)' does not take these arguments"),
        ("varchar(x)", "type 'varchar(x)' has non-numeric arguments"),
        ("varchar(-1)", "type 'varchar(-1)' has a negative argument"),
        ("varchar(10", "cannot read type 'varchar(10'"),
        ("enum()", "an enum type needs the enum's name: enum(name)"),
        ("enum", "an enum type needs the enum's name: enum(name)"),
        ('enum("")', "an enum type needs the enum's name: enum(name)"),
        ("enum(mood (v2))", "cannot read type 'enum(mood (v2))': write an enum name holding parentheses in double quotes"),
        ("enum(a)b)", "cannot read type 'enum(a)b)': write an enum name holding parentheses in double quotes"),
        ('enum("a)', "cannot read type 'enum(\"a)': close the quoted enum name with '\"' and double any '\"' inside"),
        ('enum("a"b")', "cannot read type 'enum(\"a\"b\")': close the quoted enum name with '\"' and double any '\"' inside"),
        ("char()", "type 'char()' has empty parentheses"),
        ("varchar( )", "type 'varchar( )' has empty parentheses"),
        ("decimal()", "type 'decimal()' has empty parentheses"),
        ("integer()", "type 'integer()' has empty parentheses"),
        ("postgresql:", "native type 'postgresql:' has no name after the colon"),
        ("oracle:number", "cannot read type 'oracle:number'"),
    ],
)
def test_bad_text_is_refused_with_a_clear_message(text, message):
    with pytest.raises(SchemaError) as caught:
        T(text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "wat"}, "unknown type 'wat'"),
        ({"kind": "native"}, "native type needs a dialect and a name"),
        ({"kind": "native", "dialect": "oracle", "native": "number"}, "native type needs a dialect and a name"),
        ({"kind": "native", "dialect": "postgresql", "native": ""}, "native type needs a dialect and a name"),
        ({"kind": "enum"}, "an enum type needs the enum's name"),
    ],
)
def test_invalid_types_cannot_be_built(kwargs, message):
    with pytest.raises(SchemaError, match=message):
        ColumnType(**kwargs)


def test_predicates():
    assert T("bigint").is_integer and T("bigint").is_numeric
    assert T("decimal(5,2)").is_numeric and not T("decimal(5,2)").is_integer
    assert T("double").is_numeric
    assert T("enum(e)").is_textual and T("uuid").is_textual and T("char(2)").is_textual
    assert not T("json").is_textual and not T("json").is_numeric
    assert T("postgresql:inet").is_native and not T("text").is_native


def test_with_enum_names_another_enum():
    assert T("enum(a)").with_enum("b") == T("enum(b)")


@given(column_types)
@model_settings(200)
def test_every_type_round_trips_through_its_text(column_type):
    assert T(str(column_type)) == column_type


@given(names)
@model_settings(100)
def test_enum_names_round_trip_through_the_type_text(name):
    column_type = ColumnType("enum", enum=name)
    assert T(str(column_type)) == column_type


def test_enum_name_with_a_parenthesis_round_trips():
    column_type = ColumnType("enum", enum="mood (v2)")
    assert T(str(column_type)) == column_type


@pytest.mark.parametrize("name", ["mood", "naïve 表", 'say "hi"', "it's", "a,b"])
def test_plain_enum_names_are_written_bare(name):
    assert str(ColumnType("enum", enum=name)) == f"enum({name})"


@pytest.mark.parametrize(
    "name, text",
    [
        ("mood (v2)", 'enum("mood (v2)")'),
        ("a)", 'enum("a)")'),
        (" lead", 'enum(" lead")'),
        ("trail ", 'enum("trail ")'),
        ('"quoted"', 'enum("""quoted""")'),
        ("line\n", 'enum("line\n")'),
    ],
)
def test_other_enum_names_are_written_in_double_quotes(name, text):
    assert str(ColumnType("enum", enum=name)) == text
    assert T(text) == ColumnType("enum", enum=name)


@given(st.text(min_size=1).filter(str.strip))
@model_settings(200)
def test_any_enum_name_round_trips_through_the_type_text(name):
    column_type = ColumnType("enum", enum=name)
    assert T(str(column_type)) == column_type


def test_decimal_built_without_scale_equals_its_parsed_text():
    assert T(str(ColumnType("decimal", precision=10))) == ColumnType("decimal", precision=10)
    assert ColumnType("decimal", precision=10) == ColumnType("decimal", precision=10, scale=0)
    assert ColumnType("decimal").scale is None


# ------------------------------------------------------------------ is_widening

WIDENING = [
    ("integer", "integer"),
    ("smallint", "integer"),
    ("smallint", "bigint"),
    ("integer", "bigint"),
    ("float", "double"),
    ("char(5)", "char(8)"),
    ("char(5)", "varchar(5)"),
    ("char(5)", "varchar"),
    ("char(5)", "text"),
    ("varchar(10)", "varchar(20)"),
    ("varchar(10)", "varchar"),
    ("varchar(10)", "text"),
    ("varchar", "text"),
    ("enum(e)", "text"),
    ("binary(16)", "binary(32)"),
    ("binary(16)", "binary"),
    ("decimal(10,2)", "decimal(12,2)"),
    ("decimal(10,2)", "decimal(11,3)"),
    ("smallint", "decimal(5,0)"),
    ("integer", "decimal(10,0)"),
    ("integer", "decimal(12,2)"),
    ("bigint", "decimal(19,0)"),
    ("integer", "decimal"),
    ("decimal(10,0)", "decimal"),
    ("time(0)", "time"),
    ("varchar(255)", "varchar"),
    ("char(1)", "char"),
    ("time(3)", "time(6)"),
    ("timestamp(0)", "timestamp(6)"),
    ("postgresql:inet", "postgresql:inet"),
]
NARROWING = [
    ("integer", "smallint"),
    ("bigint", "integer"),
    ("double", "float"),
    ("char(8)", "char(5)"),
    ("varchar(20)", "varchar(10)"),
    ("varchar", "varchar(10)"),
    ("text", "varchar"),
    ("text", "varchar(255)"),
    ("text", "char(5)"),
    ("binary", "binary(16)"),
    ("binary(32)", "binary(16)"),
    ("decimal(10,2)", "decimal(10,3)"),
    ("decimal(10,2)", "decimal(9,2)"),
    ("decimal", "decimal(10,2)"),
    ("decimal(10,2)", "integer"),
    ("smallint", "decimal(4,0)"),
    ("integer", "decimal(11,2)"),
    ("bigint", "decimal(18,0)"),
    ("time(6)", "time(3)"),
    ("time", "time(3)"),
    ("timestamp(6)", "timestamp(0)"),
    ("timestamp", "timestamptz"),
    ("timestamptz", "timestamp"),
    ("timestamp", "date"),
    ("integer", "text"),
    ("text", "integer"),
    ("integer", "boolean"),
    ("text", "enum(e)"),
    ("enum(e)", "varchar(255)"),
    ("enum(e)", "enum(f)"),
    ("char(5)", "varchar(3)"),
    ("char", "varchar(3)"),
    ("json", "text"),
    ("uuid", "varchar(36)"),
    ("postgresql:inet", "postgresql:cidr"),
    ("postgresql:inet", "mysql:mediumint unsigned"),
    # Without an argument a type holds least in MySQL: varchar(255), char(1), decimal(10,0), no fractions.
    ("varchar(300)", "varchar"),
    ("char(5)", "char"),
    ("decimal(10,2)", "decimal"),
    ("decimal(12,0)", "decimal"),
    ("bigint", "decimal"),
    ("time(3)", "time"),
    ("timestamptz(3)", "timestamptz"),
]


@pytest.mark.parametrize("old, new", WIDENING)
def test_widening(old, new):
    assert is_widening(T(old), T(new))


@pytest.mark.parametrize("old, new", NARROWING)
def test_not_widening(old, new):
    assert not is_widening(T(old), T(new))


def test_char_to_a_shorter_varchar_is_not_widening():
    assert not is_widening(T("char(5)"), T("varchar(3)"))


@given(column_types)
@model_settings(100)
def test_every_type_widens_to_itself(column_type):
    assert is_widening(column_type, column_type)
