"""Normalisation hints (migrations_engine.advice.normalisation): each kind found in a schema that
has it and not in one that does not; the proposed schemas; rows sampled from real PostgreSQL,
MariaDB and SQLite databases."""

from __future__ import annotations

import pytest

from migrations_engine.advice.normalisation import (
    COPIED_COLUMN,
    FUNCTIONAL_DEPENDENCY,
    LIST_COLUMN,
    REPEATING_GROUP,
    HintError,
    Samples,
    TableSample,
    hint_for,
    hints,
    sample_rows,
)
from migrations_engine.errors import ConnectionFailed
from migrations_engine.naming import with_default_names
from migrations_engine.operations import DropColumn, DropIndex
from migrations_engine.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems
from tests.engine.roundtrip import create_schema, insert_rows


def col(name: str, type_text: str = "varchar(40)", **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


def key(name: str = "id") -> Column:
    return Column(name, ColumnType("bigint"), nullable=False, identity=True)


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **kwargs) -> Table:
    return Table(name, columns=columns, primary_key=PrimaryKey(pk) if pk else None, **kwargs)


def schema(*tables: Table) -> Schema:
    return with_default_names(Schema(tables))


def kinds(found, kind: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(h.table, h.columns) for h in found if h.kind == kind]


# ---------------------------------------------------------------- repeating groups


def test_numbered_columns_are_a_repeating_group_moved_to_a_child_table():
    s = schema(table("customers", key(), col("name"), col("phone1", "varchar(20)"), col("phone2", "varchar(20)"),
                     col("phone3", "varchar(20)"), indexes=(Index(("phone1",), name="customers_phone1_idx"),)))

    [hint] = [h for h in hints(s, "postgresql") if h.kind == REPEATING_GROUP]

    assert (hint.table, hint.columns, hint.other_tables) == ("customers", ("phone1", "phone2", "phone3"), ("customers_phones",))
    assert "phone1, phone2, phone3" in hint.reason
    proposed = hint.proposed(s)
    assert problems(proposed, dialect="postgresql") == []
    assert proposed.table("customers").column_names == ("id", "name")
    child = proposed.table("customers_phones")
    assert child.column_names == ("id", "customer_id", "phone")
    assert child.column("phone").type == ColumnType("varchar", length=20)
    assert child.primary_key.columns == ("id",)
    [fk] = child.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete) == (("customer_id",), "customers", ("id",), "CASCADE")
    assert [i.columns for i in child.indexes] == [("customer_id",)]  # for joins and cascades
    assert isinstance(hint.operations[3], DropIndex)  # the index on phone1 goes before it
    assert len(hint.data_loss) == 3


def test_names_follow_the_schema(tmp_path):
    # Singular tables, a key named for its table: Sakila's address.
    s = schema(table("address", key("address_id"), col("address"), col("address2"), pk=("address_id",)), table("city", key()))

    [hint] = hints(s)

    assert hint.other_tables == ("address_address",)
    assert hint.proposed(s).table("address_address").column_names == ("id", "address_id", "address")


def test_a_stem_and_its_second_is_a_group_too():
    s = schema(table("people", key(), col("address"), col("address2")))

    assert kinds(hints(s), REPEATING_GROUP) == [("people", ("address", "address2"))]


@pytest.mark.parametrize(
    "columns",
    [
        ("phone1",),  # alone
        ("sha1", "sha256"),  # not a run of numbers
        ("x1", "x2"),  # a one-letter stem: coordinates
        ("phone1", "phone3"),  # a gap
    ],
)
def test_numbers_that_are_no_group(columns):
    s = schema(table("t", key(), *(col(c) for c in columns)))

    assert kinds(hints(s), REPEATING_GROUP) == []


def test_keys_are_no_group():
    s = schema(table("pairs", col("part1", "bigint", nullable=False), col("part2", "bigint", nullable=False), pk=("part1", "part2")))

    assert kinds(hints(s), REPEATING_GROUP) == []


def test_without_a_primary_key_it_says_so_and_proposes_nothing():
    s = schema(table("contacts", col("phone1"), col("phone2"), pk=None))

    [hint] = hints(s)

    assert hint.operations == ()
    assert "primary key first" in hint.reason


# ---------------------------------------------------------------- list columns


@pytest.mark.parametrize("name, child, item", [("tags", "posts_tags", "tag"), ("role_list", "posts_roles", "role"), ("tag_ids", "posts_tag_ids", "tag_id"), ("ids", "posts_ids", "item_id")])
def test_a_text_column_named_as_a_list(name, child, item):
    s = schema(table("posts", key(), col("title"), col(name, "text")))

    [hint] = [h for h in hints(s) if h.kind == LIST_COLUMN]

    assert (hint.table, hint.columns, hint.other_tables, hint.evidence) == ("posts", (name,), (child,), "schema")
    proposed = hint.proposed(s)
    assert problems(proposed) == []
    assert not proposed.table("posts").has_column(name)
    assert proposed.table(child).column_names == ("id", "post_id", item)


@pytest.mark.parametrize(
    "type_text, item_type",
    [
        ("postgresql:text[]", ColumnType("text")),
        ("postgresql:character varying(20)[]", ColumnType("varchar", length=20)),
        ("postgresql:inet[]", ColumnType("native", dialect="postgresql", native="inet")),
        ("mysql:set('Trailers','Deleted Scenes')", ColumnType("varchar", length=14)),
    ],
)
def test_an_array_or_a_set_is_a_list(type_text, item_type):
    s = schema(table("film", key(), col("special_features", type_text)))

    [hint] = hints(s)

    # Named as the schema names its tables: in the singular here, as Sakila does.
    assert (hint.kind, hint.columns, hint.other_tables) == (LIST_COLUMN, ("special_features",), ("film_special_feature",))
    proposed = hint.proposed(s)
    assert proposed.table("film_special_feature").column_names == ("id", "film_id", "special_feature")
    assert proposed.table("film_special_feature").column("special_feature").type == item_type


def test_names_that_are_no_list():
    s = schema(table("posts", key(), col("status", "text"), col("address", "text"), col("tags", "integer")))

    assert kinds(hints(s), LIST_COLUMN) == []


def test_sampled_values_separated_are_a_list():
    s = schema(table("posts", key(), col("colours", "text"), col("body", "text")))
    rows = [("red, green", "Hello there, this is a long post about many things"),
            ("blue", "Short"),
            ("red|blue", "Another"),
            ("green, blue, red", "Yet, another, one with many words in each part, surely"),
            ("yellow, red", "x")]
    samples = Samples({"posts": TableSample(("colours", "body"), tuple(rows))})

    found = [h for h in hints(s, samples=samples) if h.kind == LIST_COLUMN]

    assert [(h.columns, h.evidence) for h in found] == [(("colours",), "rows")]
    assert "3 of 5 sampled values are lists separated by ','" in found[0].reason


def test_fields_in_a_fixed_order_are_no_list():
    s = schema(table("people", key(), col("address", "text"), col("pair", "text")))
    cities = ["Springfield", "Shelbyville", "Ogdenville"]
    rows = [(f"{n} Main St, {cities[n % 3]}", f"{n}, {n + 1}") for n in range(20)]
    samples = Samples({"people": TableSample(("address", "pair"), tuple(rows))})

    # "pair" holds lists of numbers: 5 comes second in one row and first in the next.
    assert kinds(hints(s, samples=samples), LIST_COLUMN) == [("people", ("pair",))]


# ---------------------------------------------------------------- copied columns


def shop(*order_columns: Column) -> Schema:
    return schema(
        table("customers", key(), col("name"), col("email")),
        table("orders", key(), col("customer_id", "bigint"), *order_columns,
              foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),)),
    )


def test_a_column_copied_from_the_referenced_table():
    s = shop(col("customer_name"), col("total", "decimal(10,2)"))

    [hint] = [h for h in hints(s) if h.kind == COPIED_COLUMN]

    assert (hint.table, hint.columns, hint.other_tables) == ("orders", ("customer_name",), ("customers",))
    assert "customers.name" in hint.reason
    assert [type(op) for op in hint.operations] == [DropColumn]
    assert hint.proposed(s).table("orders").column_names == ("id", "customer_id", "total")


def test_same_names_without_the_prefix_are_not_copies():
    s = shop(col("name"), col("customer_note"), col("email_sent", "boolean"))

    assert kinds(hints(s), COPIED_COLUMN) == []


# ---------------------------------------------------------------- functional dependencies


CITIES = {"10001": ("New York", "NY"), "60601": ("Chicago", "IL"), "94105": ("San Francisco", "CA"), "02108": ("Boston", "MA")}


def address_rows(count: int = 40) -> list[tuple]:
    zips = list(CITIES)
    return [(f"{n} Main St", zips[n % 4], *CITIES[zips[n % 4]]) for n in range(count)]


def addresses() -> Schema:
    return schema(table("addresses", key(), col("street"), col("zip", "varchar(10)"), col("city"), col("state", "char(2)")))


def test_zip_determines_city_and_state_in_the_sample():
    s = addresses()
    samples = Samples({"addresses": TableSample(("street", "zip", "city", "state"), tuple(address_rows()))})

    [hint] = [h for h in hints(s, samples=samples) if h.kind == FUNCTIONAL_DEPENDENCY]

    assert (hint.table, hint.columns, hint.other_tables) == ("addresses", ("zip", "city", "state"), ("zips",))
    assert "in all 40 sampled rows with a zip, 4 values" in hint.reason
    proposed = hint.proposed(s)
    assert problems(proposed) == []
    assert proposed.table("addresses").column_names == ("id", "street", "zip")
    lookup = proposed.table("zips")
    assert lookup.column_names == ("zip", "city", "state")
    assert lookup.primary_key.columns == ("zip",)
    assert not lookup.column("zip").nullable
    [fk] = proposed.table("addresses").foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (("zip",), "zips", ("zip",))


@pytest.mark.parametrize(
    "index, after",
    [
        (None, [("zip",)]),
        (("zip", "street"), [("zip", "street")]),  # it serves the reference: kept, no other
        (("zip", "city"), [("zip",)]),  # it names city, which goes: a new one on zip
    ],
)
def test_the_reference_to_the_new_table_gets_an_index_unless_it_has_one(index, after):
    indexes = (Index(index, name="addresses_existing_idx"),) if index else ()
    s = schema(table("addresses", key(), col("street"), col("zip", "varchar(10)"), col("city"), indexes=indexes))

    proposed = hint_for(s, FUNCTIONAL_DEPENDENCY, "addresses", ["zip", "city"]).proposed(s)

    assert [i.columns for i in proposed.table("addresses").indexes] == after
    assert problems(proposed) == []


def test_one_contradicting_row_and_there_is_no_dependency():
    rows = address_rows()
    rows[7] = ("1 Side St", "10001", "Albany", "NY")
    samples = Samples({"addresses": TableSample(("street", "zip", "city", "state"), tuple(rows))})

    found = kinds(hints(addresses(), samples=samples), FUNCTIONAL_DEPENDENCY)

    assert ("addresses", ("zip", "city", "state")) not in found
    # What still holds: each city has one zip (Albany's too) and one state, which says it all.
    assert found == [("addresses", ("city", "zip", "state"))]


def test_no_dependency_from_unique_columns_or_too_few_values():
    s = schema(table("addresses", key(), col("code", "varchar(10)"), col("zip", "varchar(10)"), col("city"),
                     uniques=(Unique(("code",)),)))
    few = [(f"c{n}", "10001" if n % 2 else "60601", "New York" if n % 2 else "Chicago") for n in range(40)]
    samples = Samples({"addresses": TableSample(("code", "zip", "city"), tuple(few))})

    assert kinds(hints(s, samples=samples), FUNCTIONAL_DEPENDENCY) == []  # code is unique; zip has 2 values


def test_a_column_that_never_repeats_determines_nothing():
    s = addresses()
    rows = [(f"{n} Main St", f"{10000 + n}", f"City {n}", "NY") for n in range(40)]
    samples = Samples({"addresses": TableSample(("street", "zip", "city", "state"), tuple(rows))})

    assert kinds(hints(s, samples=samples), FUNCTIONAL_DEPENDENCY) == []


def test_a_dependency_inside_another_is_not_repeated():
    # zip → city, state and city → state: one hint, the lookup table holds both.
    rows = [(f"{n} Main St", z, *CITIES[z]) for n, z in enumerate(list(CITIES) * 10)]
    rows += [(f"{n} Elm St", "10002", "New York", "NY") for n in range(10)]
    samples = Samples({"addresses": TableSample(("street", "zip", "city", "state"), tuple(rows))})

    assert kinds(hints(addresses(), samples=samples), FUNCTIONAL_DEPENDENCY) == [("addresses", ("zip", "city", "state"))]


# ---------------------------------------------------------------- hint_for


def test_hint_for_rebuilds_a_hint_and_refuses_one_gone():
    s = addresses()

    hint = hint_for(s, FUNCTIONAL_DEPENDENCY, "addresses", ["zip", "city"])

    assert hint.columns == ("zip", "city")
    assert problems(hint.proposed(s)) == []
    with pytest.raises(HintError, match="no column 'town'"):
        hint_for(s, FUNCTIONAL_DEPENDENCY, "addresses", ["zip", "town"])
    with pytest.raises(HintError, match="no longer applies"):
        hint_for(s, REPEATING_GROUP, "addresses", ["zip", "city"])
    with pytest.raises(HintError, match="no longer applies"):
        hint_for(s, FUNCTIONAL_DEPENDENCY, "addresses", ["id", "city"])  # a key


def test_proposed_names_do_not_clash():
    s = schema(
        table("zips", key(), col("note")),
        table("addresses", key(), col("zip", "varchar(10)"), col("city")),
    )

    hint = hint_for(s, FUNCTIONAL_DEPENDENCY, "addresses", ["zip", "city"])

    assert hint.other_tables == ("zips_2",)
    assert problems(hint.proposed(s)) == []


# ---------------------------------------------------------------- sampling live databases

AWKWARD = 'odd "name"'


def live_schema() -> Schema:
    return schema(
        table(AWKWARD, key(), col("straße"), col("zip", "varchar(10)"), col("city"), col("select"), col("tags", "text")),
        table("empty", key(), col("note")),
    )


def test_sampling_real_databases(dialect, db_url):
    s = live_schema()
    create_schema(db_url, s)
    rows = [
        {"straße": street, "zip": z, "city": city, "select": ["x, y", "y, x, z", "plain"][n % 3], "tags": "a;b"}
        for n, (street, z, city, _) in enumerate(address_rows(30))
    ]
    insert_rows(db_url, {AWKWARD: rows})
    # A column the draft has and the database not yet, a table it has not at all.
    draft = with_default_names(Schema((*s.tables, table("later", key(), col("x")))))
    draft = draft.replace_table(AWKWARD, Table(AWKWARD, (*draft.table(AWKWARD).columns, col("new one")), draft.table(AWKWARD).primary_key))

    samples = sample_rows(db_url, draft, limit=25)

    sample = samples.tables[AWKWARD]
    assert sample.columns == ("straße", "zip", "city", "select", "tags")  # not the key, not "new one"
    assert len(sample.rows) == 25
    assert set(sample.values("zip")) == set(CITIES)
    assert samples.tables["empty"].rows == ()
    assert "later" not in samples.tables
    assert [note.split(":")[0] for note in samples.notes] == ["later"]
    found = hints(draft, dialect, samples)
    assert (AWKWARD, ("zip", "city")) in kinds(found, FUNCTIONAL_DEPENDENCY)
    assert (AWKWARD, ("select",)) in kinds(found, LIST_COLUMN)
    assert (AWKWARD, ("tags",)) in kinds(found, LIST_COLUMN)


def test_sampling_reads_fewer_rows_past_its_work_budget(sqlite_url, monkeypatch):
    from migrations_engine.advice import normalisation

    s = live_schema()
    create_schema(sqlite_url, s)
    insert_rows(sqlite_url, {AWKWARD: [{"zip": str(n)} for n in range(200)], "empty": [{"note": "x"}] * 200})
    # Tables in name order: "empty" (1 column, 200 rows), then 5 columns: room for 120 rows.
    monkeypatch.setattr(normalisation, "MAX_WORK", 200 * 1 + 120 * 25)

    samples = sample_rows(sqlite_url, s)

    assert [len(samples.tables[t].rows) for t in ("empty", AWKWARD)] == [200, 120]
    monkeypatch.setattr(normalisation, "MAX_WORK", 200 * 1 + 49 * 25)
    samples = sample_rows(sqlite_url, s)
    assert list(samples.tables) == ["empty"]
    assert samples.notes == (f"{AWKWARD}: not read (the sample is as large as the checks allow)",)


def test_sampling_stops_reading_tables_when_its_time_is_spent(sqlite_url, monkeypatch):
    from migrations_engine.advice import normalisation

    create_schema(sqlite_url, live_schema())
    monkeypatch.setattr(normalisation, "TIME_BUDGET_FACTOR", 0)

    samples = sample_rows(sqlite_url, live_schema())

    assert samples.tables == {}
    assert [note.split(":")[0] for note in samples.notes] == ["empty", AWKWARD]


def test_sampling_only_the_tables_asked_for(sqlite_url):
    s = live_schema()
    create_schema(sqlite_url, s)

    samples = sample_rows(str(sqlite_url), s, tables=["empty", "nowhere"])

    assert list(samples.tables) == ["empty"]


def test_sampling_an_unreachable_database_says_so(tmp_path):
    with pytest.raises(ConnectionFailed):
        sample_rows(f"sqlite:///{tmp_path / 'missing.db'}", live_schema())
