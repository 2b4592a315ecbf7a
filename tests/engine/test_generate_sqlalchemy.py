"""The SQLAlchemy export, proved on the real servers: for Sakila, Chinook and a hostile-names
schema on each dialect, the generated module is imported, its mappers configure (every
relationship's join is found), ``Base.metadata.create_all`` builds a scratch database, and the
engine reads that database as the source schema.

What SQLAlchemy cannot say is taken out of the source before comparing, each with its reason
(``_expressible``); nothing else is.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from migrations_engine.errors import EngineError
from migrations_engine.generate import generate
from migrations_engine.introspect import introspect
from migrations_engine.naming import primary_key_name
from migrations_engine.schema import Schema
from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL
from tests.engine.generated_models import CORPORA, DIALECTS, scratch_server, sources, without
from tests.engine.roundtrip import assert_same_schema, create_schema

__all__ = ["sources"]  # the fixture, imported for pytest


def import_module(source: str, path: Path) -> ModuleType:
    """The generated text imported as a module of its own (string annotations resolve in it)."""
    path.write_text(source, encoding="utf-8")
    name = f"generated_models_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[name]
        raise
    return module


def sa_engine(url: DatabaseURL) -> sa.Engine:
    """A SQLAlchemy engine on ``url``, through the drivers the engine uses."""
    driver = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "sqlite": "sqlite"}[url.dialect]
    return sa.create_engine(sa.URL.create(
        driver, username=url.user, password=url.password, host=url.host, port=url.port, database=url.database,
    ))


def _expressible(schema: Schema, dialect: str) -> Schema:
    """The source without what SQLAlchemy models cannot create (each one said in the module as
    a comment, and in docs/import-export.md)."""
    def column(c, t):
        key = t.primary_key.columns if t.primary_key else ()
        if c.serial and not (key == (c.name,) and c.type.is_integer):
            # SQLAlchemy makes SERIAL only of a one-column integer key: any other serial is an
            # identity (NOT NULL, as identities are).
            return replace(c, serial=False, nullable=False)
        return c

    def key(t):
        if t.primary_key is None:
            return None
        key = replace(t.primary_key, comment=None)
        if dialect == "sqlite" and len(key.columns) == 1 and any(c.identity for c in t.columns):
            # SQLite's AUTOINCREMENT key is written in its column, without its name.
            key = replace(key, name=primary_key_name(t.name))
        return key

    def table(t):
        return replace(
            t,
            columns=tuple(column(c, t) for c in t.columns),
            # SQLAlchemy has no comments on keys, constraints or indexes.
            primary_key=key(t),
            foreign_keys=tuple(replace(f, comment=None) for f in t.foreign_keys),
            uniques=tuple(replace(u, comment=None) for u in t.uniques),
            checks=tuple(replace(c, comment=None, no_inherit=False) for c in t.checks),
            indexes=tuple(replace(i, comment=None) for i in t.indexes),
            # Nor PostgreSQL's exclusion constraints.
            exclusions=(),
        )

    # OWNED BY (a sequence dropped with its column) has no SQLAlchemy spelling.
    sequences = tuple(replace(s, owned_by=None) for s in schema.sequences)
    domains = tuple(replace(d, checks=_domain_checks(d)) for d in schema.domains)
    enums = tuple(replace(e, comment=None) for e in schema.enums)
    return without(schema, table=table, sequences=sequences, enums=enums, domains=domains)


def _domain_checks(domain) -> tuple:
    """SQLAlchemy's DOMAIN takes one check; with NOT NULL it names the NOT NULL instead of the
    check (its DDL puts CONSTRAINT before NOT NULL), which then takes PostgreSQL's own name."""
    checks = domain.checks[:1]
    if checks and domain.nullable is False and checks[0].name != f"{domain.name}_check":
        checks = (replace(checks[0], name=f"{domain.name}_check"),)
    return checks


def _generated_schema(source: Schema, dialect: str, tmp_path: Path) -> tuple[str, Schema]:
    text = generate(source, "sqlalchemy", dialect)
    module = import_module(text, tmp_path / "models.py")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overlapping or ambiguous relationship warns
        orm.configure_mappers()
    with scratch_database(scratch_server(dialect, tmp_path), prefix="me_test") as url:
        engine = sa_engine(url)
        try:
            module.Base.metadata.create_all(engine)
        finally:
            engine.dispose()
        return text, introspect(url)


@contextmanager
def example_database(tmp_path, examples, dialect: str):
    """A folder of its own and a scratch database for one drawn example: (folder, url)."""
    folder = tmp_path / f"example{next(examples)}"
    folder.mkdir()
    with scratch_database(scratch_server(dialect, folder), prefix="me_test") as url:
        yield folder, url


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("corpus", CORPORA)
def test_create_all_builds_the_source_schema(corpus, dialect, sources, tmp_path):
    source = sources(corpus, dialect)
    text, built = _generated_schema(source, dialect, tmp_path)
    try:
        assert_same_schema(built, _expressible(source, dialect), f"{corpus} on {dialect} through SQLAlchemy")
    except AssertionError:
        print(text)
        raise


def test_hostile_names_become_python_names_and_keep_their_real_names(tmp_path):
    """Keywords, spaces, dots, unicode, leading digits and the module's own names are valid
    attributes that map to the real columns; every relationship names its partner."""
    from tests.engine.generated_models import hostile_schema

    module = import_module(generate(hostile_schema("postgresql"), "sqlalchemy", "postgresql"), tmp_path / "hostile.py")
    orm.configure_mappers()
    order = module.Order
    assert order.__tablename__ == "order"
    columns = {attribute.key: attribute.columns[0].name for attribute in sa.inspect(order).column_attrs}
    assert columns["class_"] == "class"
    assert columns["from_"] == "from"
    assert columns["column_2nd"] == "2nd"
    assert columns["datetime_2"] == "datetime"  # `datetime` is the module's import
    assert columns["previous_id"] == "previous.id"
    assert set(columns.values()) == {c.name for c in hostile_schema("postgresql").table("order").columns}
    for cls in (module.Order, module.Line, module.SelectItem):
        for rel in sa.inspect(cls).relationships:
            partner = rel.mapper.relationships[rel.back_populates]
            assert partner.back_populates == rel.key, f"{cls.__name__}.{rel.key}"
    # Two foreign keys from order to itself: each relationship joins on its own column.
    assert {c.name for c in sa.inspect(order).relationships["previous"].local_columns} == {"previous.id"}
    # The pure junction is an association table, not a class.
    assert sa.inspect(module.SelectItem).relationships["orders"].secondary is module.order_item


def test_a_dialect_is_needed():
    with pytest.raises(EngineError, match="need a dialect"):
        generate(Schema(), "sqlalchemy", None)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_random_schemas_come_back_through_create_all(dialect, tmp_path):
    """Schemas drawn at random (hostile names, every portable type, keys, checks, indexes, enums)
    are built by the engine, exported, created by SQLAlchemy and read back the same."""
    from hypothesis import given

    from tests.engine.generated_models import random_source
    from tests.engine.strategies import live_settings, schemas

    examples = iter(range(1000))

    @live_settings(max_examples=8)
    @given(schema=schemas())
    def check(schema):
        with example_database(tmp_path, examples, dialect) as (folder, url):
            source = random_source(url, schema)
        if source is None:
            return
        _, built = _generated_schema(source, dialect, folder)
        assert_same_schema(built, _expressible(source, dialect), f"a random schema on {dialect}")

    check()


def test_table_names_that_are_python_or_module_names(tmp_path):
    """Tables called like a keyword or like the module's own names get classes of other names;
    the module imports and its mappers configure."""
    from migrations_engine.schema import Column, PrimaryKey, Table
    from migrations_engine.types import ColumnType

    names = ("None", "True", "decimal", "Base", "Mapped", "sa")
    schema = Schema(tables=tuple(
        Table(n, columns=(Column("id", ColumnType("integer"), nullable=False), Column("None", ColumnType("integer"))),
              primary_key=PrimaryKey(("id",)))
        for n in names
    ))
    module = import_module(generate(schema, "sqlalchemy", "sqlite"), tmp_path / "names.py")
    orm.configure_mappers()
    tables = {cls.__tablename__: name for name, cls in vars(module).items() if isinstance(cls, type) and hasattr(cls, "__tablename__")}
    assert set(tables) == set(names)
    assert tables["None"] == "NoneTable" and tables["Base"] == "Base2"


def test_random_sequences_and_domains_come_back_through_create_all(tmp_path):
    """PostgreSQL's sequences (options, OWNED BY, nextval defaults) and domains (NOT NULL,
    defaults, checks) drawn as the engine's own tests draw them."""
    from hypothesis import given

    from tests.engine.strategies import live_settings
    from tests.engine.test_properties_sequences_domains import schemas

    examples = iter(range(1000))

    @live_settings(max_examples=8)
    @given(schema=schemas())
    def check(schema):
        with example_database(tmp_path, examples, "postgresql") as (folder, url):
            create_schema(url, schema)
            source = introspect(url)
        _, built = _generated_schema(source, "postgresql", folder)
        assert_same_schema(built, _expressible(source, "postgresql"), "random sequences and domains")

    check()


def test_a_named_autoincrement_key_on_sqlite_is_said_to_lose_its_name(tmp_path):
    """Found by the random round trip: SQLAlchemy writes SQLite's AUTOINCREMENT key in its
    column and drops the key's name; the module says so, and the rest comes back."""
    from migrations_engine.schema import Column, PrimaryKey, Table
    from migrations_engine.types import ColumnType

    source = Schema(tables=(
        Table("ß_X", columns=(Column("Name1", ColumnType("integer"), nullable=False, identity=True),),
              primary_key=PrimaryKey(("Name1",), name="groupfrom")),
    ))
    text = generate(source, "sqlalchemy", "sqlite")

    assert "# The primary key's name 'groupfrom' is not created by SQLAlchemy" in text
    _, built = _generated_schema(source, "sqlite", tmp_path)
    assert built.table("ß_X").primary_key.name == "ß_X_pkey"
    assert_same_schema(built, _expressible(source, "sqlite"), "a named AUTOINCREMENT key")
