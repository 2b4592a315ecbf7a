from dataclasses import replace

import pytest

from designer.validation import (
    ERROR,
    WARNING,
    Message,
    blocking_problems,
    default_error,
    identifier_errors,
    reserved_in,
    schema_messages,
)
from migrations_engine.schema import Check, Enum, Index, Schema, Table, Unique
from migrations_engine.types import ColumnType
from tests.designer.schemas import col, sample_schema


def test_reserved_words_name_their_dialects():
    assert reserved_in("user") == ["PostgreSQL"]
    assert reserved_in("ORDER") == ["PostgreSQL", "MySQL / MariaDB", "SQLite"]
    assert reserved_in("customer") == []


def test_identifier_limits_count_bytes():
    assert identifier_errors("é" * 31, "column") == []
    assert "64 bytes" in identifier_errors("é" * 32, "column")[0]
    assert identifier_errors("naïve 表", "table") == []


@pytest.mark.parametrize(
    "value, type_, fits",
    [
        ("42", "integer", True),
        ("-32768", "smallint", True),
        ("32768", "smallint", False),
        ("9223372036854775807", "bigint", True),
        ("1.5", "integer", False),
        ("12.34", "decimal(4,2)", True),
        ("12.345", "decimal(4,2)", False),
        ("1e3", "double", True),
        ("inf", "double", False),
        ("TRUE", "boolean", True),
        ("2024-02-30", "date", False),
        ("2024-02-29", "date", True),
        ("12:30:00", "time", True),
        ("2024-01-01 10:00:00", "timestamp", True),
        ("2024-01-01T10:00:00+02:00", "timestamptz", True),
        ("not-a-uuid", "uuid", False),
        ("6f1c0f0e-36a1-4b8c-9d2a-2b1e9a1f0c11", "uuid", True),
        ('{"a": 1}', "json", True),
        ("abc", "char(3)", True),
        ("anything", "text", True),
        ("x", "postgresql:inet", True),  # native types are the database's business
    ],
)
def test_defaults_are_checked_against_their_type(value, type_, fits):
    assert (default_error(value, ColumnType.parse(type_)) == "") == fits


def test_a_sound_schema_has_only_warnings():
    messages = schema_messages(sample_schema())

    assert {m.level for m in messages} == {WARNING}
    assert blocking_problems(sample_schema()) == []


def test_a_referenced_column_changing_type_is_an_error_on_the_foreign_key():
    schema = sample_schema()
    customer = schema.table("customer")
    retyped = customer.replace_column(
        "number", replace(customer.column("number"), type=ColumnType.parse("bigint"))
    )

    messages = schema_messages(schema.replace_table("customer", retyped))

    (error,) = [m for m in messages if m.level == ERROR]
    assert error.element == "f-customer" and error.table == "t-order"
    assert "order.customer_number is integer but customer.number is bigint" in error.text


def test_messages_can_be_limited_to_some_tables():
    schema = Schema(
        tables=(Table("user", columns=(col("select", "text"),), id="t1"), Table("ok", id="t2"))
    )

    messages = schema_messages(schema, only_tables=["user"])

    assert all(m.table == "t1" for m in messages)
    assert any(
        "“select” is a reserved word" in m.text and m.element == "col-select" for m in messages
    )


def test_duplicate_table_names_are_errors():
    schema = Schema(tables=(Table("a", id="1"), Table("a", id="2")))

    assert "Two tables are called “a”." in blocking_problems(schema)


# The engine's check would catch each duplicate below too, but only the designer's own message
# names the element, so the editor shows it beside that element: each test asserts that message.


def test_an_enum_listing_a_value_twice_is_an_error_on_the_enum():
    schema = Schema(enums=(Enum("mood", ("ok", "meh", "ok"), "e-mood"),))

    assert Message(ERROR, "Enum “mood” lists “ok” twice.", element="e-mood") in (
        schema_messages(schema)
    )


def test_two_columns_of_one_name_are_an_error_on_the_table():
    table = Table("a", columns=(col("x", "integer", "c1"), col("x", "text", "c2")), id="t-a")

    assert Message(ERROR, "Table “a” has two columns called “x”.", "t-a") in schema_messages(
        Schema(tables=(table,))
    )


def test_two_constraints_of_one_name_are_an_error_on_the_table():
    table = Table(
        "a",
        columns=(col("x", "integer", "c1"),),
        uniques=(Unique(("x",), "a_x", "u1"),),
        checks=(Check("x > 0", "a_x", "k1"),),
        id="t-a",
    )

    assert Message(ERROR, "Table “a” has two constraints called “a_x”.", "t-a") in (
        schema_messages(Schema(tables=(table,)))
    )


def test_two_indexes_of_one_name_are_an_error_on_the_table():
    table = Table(
        "a",
        columns=(col("x", "integer", "c1"), col("y", "integer", "c2")),
        indexes=(Index(("x",), "a_idx", id="i1"), Index(("y",), "a_idx", id="i2")),
        id="t-a",
    )

    assert Message(ERROR, "Table “a” has two indexes called “a_idx”.", "t-a") in (
        schema_messages(Schema(tables=(table,)))
    )
