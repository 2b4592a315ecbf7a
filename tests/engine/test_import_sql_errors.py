"""A script the servers would refuse is refused by the import, in a user's words and with the line
of the mistake: no Python reprs of sqlglot's classes or tokens, no silent acceptance of what
sqlglot lets through."""

from __future__ import annotations

import pytest

from migrations_engine.imports import ImportFailed
from migrations_engine.imports.sql import read_sql


@pytest.mark.parametrize(
    "line3, message",
    [
        ("name ,", "line 3: column 'name' has no type"),
        ("name text DEFAULT ,", "line 3: cannot parse: DEFAULT is missing what follows it (column 21): name text DEFAULT ,"),
        ("name text NOT NULL,,", "line 3: cannot parse: nothing between two commas"),
        ("name text DEFAULT 'x,", "line 3: cannot parse: a quote or a comment is not closed"),
    ],
)
def test_a_mistake_on_line_3_is_named_with_its_line(line3: str, message: str) -> None:
    script = f"CREATE TABLE a (\n  id int PRIMARY KEY,\n  {line3}\n  x int\n);\n"
    with pytest.raises(ImportFailed) as raised:
        read_sql(script, "postgresql")
    assert str(raised.value) == message
    assert raised.value.line == 3


def test_a_trailing_comma_is_refused_as_the_servers_refuse_it() -> None:
    with pytest.raises(ImportFailed, match=r"^line 3: cannot parse: nothing between two commas$"):
        read_sql("CREATE TABLE a (\n  id int,\n  name text,\n);", "mysql")


def test_sqlite_brackets_in_a_postgresql_script_are_named_not_dumped() -> None:
    with pytest.raises(ImportFailed) as raised:
        read_sql("CREATE TABLE [Album] (\n  id int PRIMARY KEY\n);", "postgresql")
    assert "“[”" in str(raised.value)
    assert "<Token" not in str(raised.value) and "token_type" not in str(raised.value)


def test_sqlite_still_takes_a_column_without_a_type() -> None:
    result = read_sql("CREATE TABLE a (id INTEGER PRIMARY KEY, anything);", "sqlite")
    assert result.schema.table("a").column_names == ("id", "anything")
