"""The CREATE script (``generate.sql.create_script``) run on each real server, as a user runs
a script (the whole text through the server's own driver): the database it makes reads back as
the schema it was made from."""

from __future__ import annotations

import pytest

from migrations_engine.generate import generate
from migrations_engine.generate.sql import create_script
from migrations_engine.introspect import introspect
from migrations_engine.schema import Schema
from tests.engine.corpus import FIXTURES, SCRIPTS, run_script
from tests.engine.roundtrip import assert_same_schema, create_schema
from tests.engine.test_generate_dbml import hostile_schema

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("corpus", ["sakila", "chinook"])
def test_corpus_rebuilt_from_its_create_script(corpus, dialect, db_url, second_db_url):
    for name in SCRIPTS[(corpus, dialect)]:
        sql = (FIXTURES / name).read_text(encoding="utf-8")
        run_script(db_url, sql.replace("sakila.", "") if corpus == "sakila" else sql)
    live = introspect(db_url)
    script = create_script(live, dialect)
    assert script.startswith("-- ")  # each operation introduced by its description
    run_script(second_db_url, script)
    assert_same_schema(introspect(second_db_url), live, f"{corpus} on {dialect} rebuilt from its CREATE script")


def test_hostile_names_rebuilt(dialect, db_url, second_db_url):
    """The script as one text gives what the engine's statements run one by one give (the
    server's own reading of names, enums and defaults included), and that is the schema."""
    schema = hostile_schema(dialect)
    run_script(db_url, generate(schema, "sql", dialect))
    create_schema(second_db_url, schema)
    live = introspect(db_url)
    assert len(live.tables) == 4
    assert_same_schema(live, introspect(second_db_url), f"hostile names on {dialect}")
    if dialect == "postgresql":  # the server that keeps every part of this schema as it is
        assert_same_schema(live, schema, "hostile names on postgresql")


def test_an_empty_schema_has_an_empty_script():
    assert create_script(Schema(), "postgresql") == ""
