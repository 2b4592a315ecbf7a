"""Schema lint rules: each one triggered, and not triggered by the schema that does it right;
per dialect where the rule differs. Safe SQL the rules give is run on the real servers."""

from __future__ import annotations

import pytest

from migrations_engine.lint import all_rules, find_rule, lint_schema, LintError
from migrations_engine.lint.naming import is_plural
from migrations_engine.lint.reserved import reserved_words
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from tests.engine.roundtrip import create_schema, run

DIALECTS = ("postgresql", "mysql", "sqlite")


def col(name: str, type_text: str = "integer", nullable: bool = True) -> Column:
    return Column(name, ColumnType.parse(type_text), nullable=nullable)


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **parts) -> Table:
    if pk and not any(c.name == pk[0] for c in columns):
        columns = (col(pk[0], nullable=False), *columns)
    return Table(name, columns, primary_key=PrimaryKey(pk) if pk else None, **parts)


def slugs(schema: Schema, dialect: str, slug: str, **kwargs) -> list:
    return [f for f in lint_schema(schema, dialect, **kwargs) if f.slug == slug]


def parent_child(child_type: str = "integer", **child_parts) -> Schema:
    return Schema((
        table("parent", col("name", "varchar(40)")),
        table("child", col("parent_id", child_type), foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",)),), **child_parts),
    ))


# ---------------------------------------------------------------- registry


def test_every_rule_has_an_id_slug_severity_and_reason():
    rules = all_rules()
    assert len({r.id for r in rules}) == len({r.slug for r in rules}) == len(rules) >= 19
    for r in rules:
        assert r.id.startswith("L") and r.severity in ("error", "warning", "info") and r.reason.endswith(".")


def test_every_rule_has_a_section_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    for r in all_rules():
        assert f'<a id="{r.slug}"></a>\n## {r.id} {r.slug}\n' in docs


def test_find_rule_by_id_or_slug_and_refuses_unknown():
    assert find_rule("l001").slug == "no-primary-key"
    assert find_rule("no-primary-key").id == "L001"
    with pytest.raises(LintError, match="unknown lint rule 'nope'"):
        find_rule("nope")


def test_disabled_rules_are_skipped_by_id_or_slug():
    schema = Schema((table("keyless", col("a"), pk=None),))
    assert slugs(schema, "postgresql", "no-primary-key")
    assert not slugs(schema, "postgresql", "no-primary-key", disabled=["L001"])
    assert not slugs(schema, "postgresql", "no-primary-key", disabled=["no-primary-key"])


# ---------------------------------------------------------------- L001 no-primary-key


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_primary_key(dialect):
    found = slugs(Schema((table("keyless", col("a"), pk=None),)), dialect, "no-primary-key")
    assert [f.table for f in found] == ["keyless"] and found[0].severity == "error"
    assert found[0].docs == "docs/lint.md#no-primary-key"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_primary_key_not_for_a_keyed_table(dialect):
    assert not slugs(Schema((table("keyed", col("a")),)), dialect, "no-primary-key")


# ---------------------------------------------------------------- L002 fk-without-index


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_fk_without_index(dialect):
    found = slugs(parent_child(), dialect, "fk-without-index")
    assert len(found) == 1 and "child" in found[0].message and "parent_id" in found[0].message
    assert found[0].safe_sql.startswith("CREATE INDEX") and '("parent_id")' in found[0].safe_sql


def test_fk_without_index_not_on_mysql():
    # InnoDB makes the index itself.
    assert not slugs(parent_child(), "mysql", "fk-without-index")


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_fk_with_an_index_starting_with_its_columns(dialect):
    indexed = parent_child(indexes=(Index(("parent_id", "id"), name="child_parent_idx"),))
    assert not slugs(indexed, dialect, "fk-without-index")
    # An index where the column comes second does not serve the foreign key.
    second = parent_child(indexes=(Index(("id", "parent_id"), name="child_id_parent_idx"),))
    assert slugs(second, dialect, "fk-without-index")


def test_fk_without_index_safe_sql_runs(pg_url):
    schema = parent_child()
    create_schema(pg_url, with_default_names(schema))
    [found] = slugs(schema, "postgresql", "fk-without-index")
    run(pg_url, [found.safe_sql])


# ---------------------------------------------------------------- L003 duplicate-index / L004 redundant-index


def with_indexes(*indexes: Index, uniques: tuple[Unique, ...] = ()) -> Schema:
    return Schema((table("item", col("a"), col("b"), indexes=indexes, uniques=uniques),))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_duplicate_index(dialect):
    schema = with_indexes(Index(("a", "b"), name="one"), Index(("a", "b"), name="two"))
    [found] = slugs(schema, dialect, "duplicate-index")
    assert "'two'" in found.message and "'one'" in found.message and found.safe_sql.startswith("DROP INDEX")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_index_duplicating_a_unique_constraint_is_the_one_to_drop(dialect):
    schema = with_indexes(Index(("a",), name="plain"), uniques=(Unique(("a",), name="uq"),))
    [found] = slugs(schema, dialect, "duplicate-index")
    assert found.message.startswith("index 'plain'")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_duplicate_for_different_columns_or_order(dialect):
    schema = with_indexes(Index(("a", "b"), name="one"), Index(("b", "a"), name="two"))
    assert not slugs(schema, dialect, "duplicate-index")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_duplicate_index_safe_sql_runs(dialect, db_url):
    schema = with_indexes(Index(("a", "b"), name="one"), Index(("a", "b"), name="two"))
    create_schema(db_url, schema)
    [found] = slugs(schema, dialect, "duplicate-index")
    run(db_url, [found.safe_sql])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_redundant_index(dialect):
    schema = with_indexes(Index(("a",), name="short"), Index(("a", "b"), name="long"))
    [found] = slugs(schema, dialect, "redundant-index")
    assert "'short'" in found.message and "'long'" in found.message and found.severity == "info"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_redundant_when_unique_or_not_a_prefix(dialect):
    unique = with_indexes(Index(("a",), name="short", unique=True), Index(("a", "b"), name="long"))
    assert not slugs(unique, dialect, "redundant-index")
    other = with_indexes(Index(("b",), name="short"), Index(("a", "b"), name="long"))
    assert not slugs(other, dialect, "redundant-index")


# ---------------------------------------------------------------- L005 fk-type-mismatch


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_fk_type_mismatch(dialect):
    [found] = slugs(parent_child("bigint"), dialect, "fk-type-mismatch")
    assert "child.parent_id" in found.message and "parent.id" in found.message and found.severity == "error"


def test_fk_type_mismatch_on_sqlite_is_by_affinity():
    # integer and bigint are one INTEGER affinity to SQLite; text against integer is not.
    assert not slugs(parent_child("bigint"), "sqlite", "fk-type-mismatch")
    [found] = slugs(parent_child("varchar(10)"), "sqlite", "fk-type-mismatch")
    assert "child.parent_id" in found.message


def test_fk_type_same_type_spelled_natively_is_no_mismatch():
    assert not slugs(parent_child("integer"), "postgresql", "fk-type-mismatch")
    assert not slugs(parent_child("postgresql:integer"), "postgresql", "fk-type-mismatch")


# ---------------------------------------------------------------- L006 money-in-float


@pytest.mark.parametrize("dialect", DIALECTS)
def test_money_in_float(dialect):
    schema = Schema((table("invoice", col("total_amount", "double"), col("UnitPrice", "float")),))
    found = slugs(schema, dialect, "money-in-float")
    assert sorted(f.message.split()[1] for f in found) == ["invoice.UnitPrice", "invoice.total_amount"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_money_in_decimal_or_float_that_is_not_money(dialect):
    schema = Schema((table("invoice", col("total", "decimal(12,2)"), col("ratio", "double"), col("latitude", "float")),))
    assert not slugs(schema, dialect, "money-in-float")


# ---------------------------------------------------------------- L007 varchar-without-length


def test_varchar_without_length_on_mysql():
    [found] = slugs(Schema((table("t", col("name", "varchar")),)), "mysql", "varchar-without-length")
    assert "t.name" in found.message


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_varchar_without_length_is_fine_elsewhere(dialect):
    assert not slugs(Schema((table("t", col("name", "varchar")),)), dialect, "varchar-without-length")


def test_varchar_with_length_on_mysql():
    assert not slugs(Schema((table("t", col("name", "varchar(20)")),)), "mysql", "varchar-without-length")


# ---------------------------------------------------------------- L008 mixed-case-name


@pytest.mark.parametrize("dialect", DIALECTS)
def test_mixed_case_name(dialect):
    schema = Schema((table("Album", col("ArtistId")), table("track", col("AlbumId"))))
    found = {f.table: f.message for f in slugs(schema, dialect, "mixed-case-name")}
    assert "Album, ArtistId" in found["Album"] and "AlbumId" in found["track"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_lower_and_upper_names_are_not_mixed(dialect):
    schema = Schema((table("album", col("artist_id")), table("LOG", col("CODE"))))
    assert not slugs(schema, dialect, "mixed-case-name")


# ---------------------------------------------------------------- L009 plural-singular-mix


def test_plural_heuristic():
    assert [is_plural(n) for n in ("customers", "categories", "OrderItems", "people", "status", "address", "analysis", "news", "customer")] == [
        True, True, True, True, False, False, False, False, False,
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_plural_singular_mix(dialect):
    schema = Schema(tuple(table(n) for n in ("customer", "invoice", "product", "orders")))
    [found] = slugs(schema, dialect, "plural-singular-mix")
    assert found.table == "orders" and "3 of 4" in found.message


@pytest.mark.parametrize("dialect", DIALECTS)
def test_all_singular_or_all_plural(dialect):
    assert not slugs(Schema(tuple(table(n) for n in ("customer", "status", "address"))), dialect, "plural-singular-mix")
    assert not slugs(Schema(tuple(table(n) for n in ("customers", "orders"))), dialect, "plural-singular-mix")


# ---------------------------------------------------------------- L010 reserved-word


@pytest.mark.parametrize("dialect, word", [("postgresql", "user"), ("mysql", "order"), ("sqlite", "order")])
def test_reserved_word(dialect, word):
    schema = Schema((table(word, col("select")),))
    found = slugs(schema, dialect, "reserved-word")
    assert {f.message.split()[1] for f in found} == {repr(word), f"{word}.select"}


def test_reserved_words_differ_per_dialect():
    # "user" is reserved in PostgreSQL only; "key" only in MySQL; "glob" only in SQLite.
    schema = Schema((table("user", col("key"), col("glob")),))
    assert {f.message for f in slugs(schema, "postgresql", "reserved-word")} == {"table 'user' is a reserved word in postgresql"}
    assert {f.message for f in slugs(schema, "mysql", "reserved-word")} == {"column user.key is a reserved word in mysql"}
    assert {f.message for f in slugs(schema, "sqlite", "reserved-word")} == {"column user.glob is a reserved word in sqlite"}


def test_postgresql_list_is_sqlalchemys():
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS

    assert reserved_words("postgresql") == RESERVED_WORDS


@pytest.mark.parametrize("dialect", DIALECTS)
def test_plain_names_are_not_reserved(dialect):
    assert not slugs(Schema((table("customer", col("name")),)), dialect, "reserved-word")
