"""The three-way merge (migrations_engine/merge.py): one test per kind of combine and of conflict,
each conflict resolved each way, and two properties drawn with hypothesis."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrations_engine.merge import Conflict, MergeResult, Side, merge
from migrations_engine.schema import Column, Enum, ForeignKey, Index, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType

# _Editor: the random edits schema_pairs() makes, run a second time on the same base for theirs.
from .strategies import _Editor, model_settings, schema_pairs

# ------------------------------------------------------------------ the cast


def base_schema() -> Schema:
    """customer(id, email, name) and orders(id, customer_id -> customer.id), an enum mood."""
    customer = Table(
        "customer",
        columns=(
            Column("id", ColumnType("bigint"), nullable=False, identity=True, id="c-id"),
            Column("email", ColumnType("varchar", length=100), id="c-email"),
            Column("name", ColumnType("text"), id="c-name"),
        ),
        primary_key=PrimaryKey(("id",), id="k-customer"),
        id="t-customer",
    )
    orders = Table(
        "orders",
        columns=(
            Column("id", ColumnType("bigint"), nullable=False, id="o-id"),
            Column("customer_id", ColumnType("bigint"), nullable=False, id="o-customer"),
            Column("total", ColumnType("decimal", precision=10, scale=2), id="o-total"),
        ),
        primary_key=PrimaryKey(("id",), id="k-orders"),
        foreign_keys=(ForeignKey(("customer_id",), "customer", ("id",), id="f-customer"),),
        id="t-orders",
    )
    return Schema(tables=(customer, orders), enums=(Enum("mood", ("happy", "sad"), id="e-mood"),))


def edit_table(schema: Schema, table: str, **changes: object) -> Schema:
    return schema.replace_table(table, replace(schema.table(table), **changes))


def edit_column(schema: Schema, table: str, column: str, **changes: object) -> Schema:
    current = schema.table(table)
    return schema.replace_table(table, current.replace_column(column, replace(current.column(column), **changes)))


def add_column(schema: Schema, table: str, column: Column, after: str | None = None) -> Schema:
    columns = list(schema.table(table).columns)
    at = len(columns) if after is None else [c.name for c in columns].index(after) + 1
    columns.insert(at, column)
    return edit_table(schema, table, columns=tuple(columns))


def drop_column(schema: Schema, table: str, column: str) -> Schema:
    current = schema.table(table)
    return edit_table(schema, table, columns=tuple(c for c in current.columns if c.name != column))


def rename_column(schema: Schema, table: str, old: str, new: str) -> Schema:
    """A rename as the designer makes it: keys and indexes of the table follow."""
    current = schema.table(table)

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in names)

    pk = current.primary_key
    return edit_table(
        schema,
        table,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in current.columns),
        primary_key=replace(pk, columns=cols(pk.columns)) if pk else None,
        indexes=tuple(replace(i, columns=cols(i.columns)) for i in current.indexes),
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in current.uniques),
    )


def varchar(n: int) -> ColumnType:
    return ColumnType("varchar", length=n)


def all_chosen(base: Schema, ours: Schema, theirs: Schema, pick: Callable[[str], Side]) -> MergeResult:
    """The merge with every conflict, including those a first choice reveals, given to ``pick(key)``."""
    choices: dict[str, Side] = {}
    for _ in range(10):
        result = merge(base, ours, theirs, choices)
        if not result.unresolved:
            return result
        choices.update({c.key: pick(c.key) for c in result.unresolved})
    raise AssertionError("conflicts keep appearing")


def only_conflict(result: MergeResult) -> Conflict:
    assert len(result.conflicts) == 1, result.conflicts
    return result.conflicts[0]


# ------------------------------------------------------------------ changes that combine


def test_it_keeps_a_table_added_on_each_side() -> None:
    base = base_schema()
    ours = base.with_table(Table("invoice", (Column("id", ColumnType("integer"), id="i-id"),), id="t-invoice"))
    theirs = base.with_table(Table("refund", (Column("id", ColumnType("integer"), id="r-id"),), id="t-refund"))
    result = merge(base, ours, theirs)
    assert result.clean
    assert [t.name for t in result.schema.tables] == ["customer", "invoice", "orders", "refund"]


def test_it_combines_edits_of_two_columns_of_one_table() -> None:
    base = base_schema()
    ours = edit_column(base, "customer", "email", type=varchar(200))
    theirs = edit_column(base, "customer", "name", nullable=False)
    result = merge(base, ours, theirs)
    assert result.clean
    customer = result.schema.table("customer")
    assert customer.column("email").type == varchar(200)
    assert customer.column("name").nullable is False


@pytest.mark.parametrize("changed_side", ["ours", "theirs"])
def test_it_takes_a_change_made_on_one_side(changed_side: str) -> None:
    base = base_schema()
    changed = edit_table(base, "orders", comment="what was bought")
    ours, theirs = (changed, base) if changed_side == "ours" else (base, changed)
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema == changed


def test_it_sees_no_conflict_in_one_change_made_on_both_sides() -> None:
    base = base_schema()
    changed = edit_column(base, "customer", "email", type=varchar(200), nullable=False)
    result = merge(base, changed, changed)
    assert result.clean
    assert result.schema == changed


def test_it_deletes_what_one_side_deleted_and_the_other_left_alone() -> None:
    base = base_schema()
    ours = drop_column(base, "customer", "name")
    theirs = edit_column(base, "customer", "email", comment="login")
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema.table("customer").column_names == ("id", "email")
    assert result.schema.table("customer").column("email").comment == "login"


@pytest.mark.parametrize("renaming_side", ["ours", "theirs"])
def test_a_new_index_follows_the_column_the_other_side_renamed(renaming_side: str) -> None:
    base = base_schema()
    renamed = rename_column(base, "customer", "email", "e_mail")
    indexed = edit_table(base, "customer", indexes=(Index(("email", "name"), id="x-email"),))
    ours, theirs = (renamed, indexed) if renaming_side == "ours" else (indexed, renamed)
    result = merge(base, ours, theirs)
    assert result.clean
    customer = result.schema.table("customer")
    assert customer.column_names == ("id", "e_mail", "name")
    assert customer.indexes == (Index(("e_mail", "name"), id="x-email"),)


def test_a_new_foreign_key_follows_the_table_and_column_the_other_side_renamed() -> None:
    base = base_schema()
    ours = rename_column(edit_table(base, "customer", name="client"), "client", "id", "client_id")
    ours = edit_table(ours, "orders", foreign_keys=(ForeignKey(("customer_id",), "client", ("client_id",), id="f-customer"),))
    payment = Table(
        "payment",
        (Column("id", ColumnType("integer"), id="p-id"), Column("payer", ColumnType("bigint"), id="p-payer")),
        foreign_keys=(ForeignKey(("payer",), "customer", ("id",), on_delete="CASCADE", id="f-payer"),),
        id="t-payment",
    )
    theirs = base.with_table(payment)
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema.table("payment").foreign_keys == (
        ForeignKey(("payer",), "client", ("client_id",), on_delete="CASCADE", id="f-payer"),
    )


def test_a_new_column_follows_the_enum_the_other_side_renamed() -> None:
    base = base_schema()
    ours = replace(base, enums=(Enum("feeling", ("happy", "sad"), id="e-mood"),))
    theirs = add_column(base, "customer", Column("mood", ColumnType("enum", enum="mood"), id="c-mood"))
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema.table("customer").column("mood").type == ColumnType("enum", enum="feeling")


def test_it_keeps_our_column_order_and_puts_their_new_columns_after_their_predecessor() -> None:
    base = base_schema()
    ours = add_column(base, "customer", Column("phone", ColumnType("text"), id="c-phone"), after="email")
    theirs = add_column(base, "customer", Column("first", ColumnType("text"), id="c-first"), after="id")
    theirs = add_column(theirs, "customer", Column("last", ColumnType("text"), id="c-last"), after="first")
    theirs = add_column(theirs, "customer", Column("zip", ColumnType("text"), id="c-zip"))
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema.table("customer").column_names == ("id", "first", "last", "email", "phone", "name", "zip")


def test_it_keeps_the_order_of_the_side_that_reordered() -> None:
    base = base_schema()
    columns = base.table("customer").columns
    ours = add_column(base, "customer", Column("phone", ColumnType("text"), id="c-phone"), after="id")
    theirs = edit_table(base, "customer", columns=(columns[2], columns[0], columns[1]))
    result = merge(base, ours, theirs)
    assert result.schema.table("customer").column_names == ("name", "id", "phone", "email")


def test_elements_without_ids_pair_by_name() -> None:
    base = Schema(tables=(Table("t", (Column("a", ColumnType("integer")), Column("b", ColumnType("text")))),))
    ours = edit_column(base, "t", "a", type=ColumnType("bigint"))
    theirs = edit_column(base, "t", "b", nullable=False)
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.schema.table("t").columns == (
        Column("a", ColumnType("bigint")),
        Column("b", ColumnType("text"), nullable=False),
    )


# ------------------------------------------------------------------ conflicts, resolved each way


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_property_changed_differently_on_both_sides_conflicts(side: Side) -> None:
    base = base_schema()
    ours = edit_column(base, "customer", "email", type=varchar(200))
    theirs = edit_column(base, "customer", "email", type=ColumnType("text"))
    undecided = merge(base, ours, theirs, theirs_label="v3")
    assert undecided.schema is None
    assert undecided.unresolved == undecided.conflicts
    assert only_conflict(undecided) == Conflict(
        key="table:t-customer/column:c-email/type",
        kind="property",
        where="column “customer”.“email”",
        description="type changed to varchar(200) here and to text in v3",
        ours="varchar(200)",
        theirs="text",
    )
    result = merge(base, ours, theirs, {"table:t-customer/column:c-email/type": side})
    assert result.unresolved == ()
    assert result.schema == (ours if side == "ours" else theirs)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_column_changed_on_one_side_and_deleted_on_the_other_conflicts(side: Side) -> None:
    base = base_schema()
    ours = edit_column(base, "customer", "name", comment="full name")
    theirs = drop_column(base, "customer", "name")
    conflict = only_conflict(merge(base, ours, theirs, theirs_label="v3"))
    assert conflict == Conflict(
        key="table:t-customer/column:c-name",
        kind="modify-delete",
        where="column “customer”.“name”",
        description="changed here and deleted in v3",
        ours="changed",
        theirs="deleted",
    )
    result = merge(base, ours, theirs, {conflict.key: side})
    assert result.schema == (ours if side == "ours" else theirs)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_table_deleted_on_one_side_and_changed_inside_on_the_other_conflicts(side: Side) -> None:
    base = base_schema()
    ours = base.without_table("orders")
    theirs = edit_column(base, "orders", "total", nullable=False)
    conflict = only_conflict(merge(base, ours, theirs))
    assert (conflict.key, conflict.kind, conflict.where) == ("table:t-orders", "modify-delete", "table “orders”")
    assert (conflict.ours, conflict.theirs) == ("deleted", "changed")
    result = merge(base, ours, theirs, {conflict.key: side})
    assert result.schema == (ours if side == "ours" else theirs)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_new_index_on_a_column_the_other_side_deleted_conflicts(side: Side) -> None:
    base = base_schema()
    ours = edit_table(base, "customer", indexes=(Index(("name",), name="by_name", id="x-name"),))
    theirs = drop_column(base, "customer", "name")
    conflict = only_conflict(merge(base, ours, theirs, theirs_label="v3"))
    assert (conflict.key, conflict.kind) == ("table:t-customer/column:c-name", "modify-delete")
    assert conflict.description == "used by index “customer”.“by_name” here and deleted in v3"
    result = merge(base, ours, theirs, {conflict.key: side})
    # Choosing the deletion takes the index on the deleted column with it.
    assert result.schema == (ours if side == "ours" else theirs)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_keeping_an_index_whose_column_the_other_side_deleted_reveals_a_conflict_on_the_column(side: Side) -> None:
    base = edit_table(base_schema(), "customer", indexes=(Index(("name",), name="by_name", id="x-name"),))
    ours = drop_column(edit_table(base, "customer", indexes=()), "customer", "name")
    theirs = edit_table(base, "customer", indexes=(Index(("name",), name="by_full_name", id="x-name"),))
    first = merge(base, ours, theirs, theirs_label="v3")
    assert [(c.key, c.description) for c in first.conflicts] == [
        ("table:t-customer/index:x-name", "deleted here and changed in v3")
    ]
    second = merge(base, ours, theirs, {"table:t-customer/index:x-name": "theirs"}, theirs_label="v3")
    assert [(c.key, c.description) for c in second.unresolved] == [
        ("table:t-customer/column:c-name", "deleted here and used by index “customer”.“by_full_name” in v3")
    ]
    result = merge(base, ours, theirs, {"table:t-customer/index:x-name": "theirs", "table:t-customer/column:c-name": side})
    # Keeping the index but not its column drops the index after all.
    assert result.schema == (ours if side == "ours" else theirs)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_two_new_tables_of_one_name_clash(side: Side) -> None:
    base = base_schema()
    ours = base.with_table(Table("invoice", (Column("id", ColumnType("integer"), id="i-ours"),), id="t-ours"))
    theirs_invoice = Table("invoice", (Column("number", ColumnType("text"), id="i-theirs"),), id="t-theirs")
    refund = Table(
        "refund",
        (Column("invoice", ColumnType("text"), id="r-invoice"),),
        foreign_keys=(ForeignKey(("invoice",), "invoice", ("number",), id="f-invoice"),),
        id="t-refund",
    )
    theirs = base.with_table(theirs_invoice).with_table(refund)
    conflict = only_conflict(merge(base, ours, theirs, theirs_label="v3"))
    assert conflict == Conflict(
        key="name-clash:table=invoice",
        kind="name-clash",
        where="table “invoice”",
        description="a new table here and a new table in v3 are both called “invoice”",
        ours="a new table",
        theirs="a new table",
    )
    result = merge(base, ours, theirs, {conflict.key: side})
    if side == "theirs":
        assert result.schema == theirs
    else:
        # Their invoice table goes, and their foreign key to it with it.
        assert result.schema.table("invoice").id == "t-ours"
        assert result.schema.table("refund") == replace(refund, foreign_keys=())


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_rename_onto_the_name_of_a_new_column_of_the_other_side_clashes(side: Side) -> None:
    base = base_schema()
    ours = rename_column(base, "customer", "name", "full_name")
    theirs = add_column(base, "customer", Column("full_name", ColumnType("text"), id="c-full"))
    conflict = only_conflict(merge(base, ours, theirs, theirs_label="v3"))
    assert (conflict.key, conflict.kind, conflict.where) == (
        "table:t-customer/name-clash:column=full_name",
        "name-clash",
        "column “customer”.“full_name”",
    )
    assert conflict.description == "column “name” renamed here and a new column in v3 are both called “full_name”"
    result = merge(base, ours, theirs, {conflict.key: side})
    if side == "ours":
        # Their new column, which took the name, goes.
        assert result.schema == ours
    else:
        # Our renamed column goes back to its old name.
        assert result.schema == theirs


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_two_new_primary_keys_clash(side: Side) -> None:
    base = edit_table(base_schema(), "orders", primary_key=None)
    ours = edit_table(base, "orders", primary_key=PrimaryKey(("id",), id="k-ours"))
    theirs = edit_table(base, "orders", primary_key=PrimaryKey(("id", "customer_id"), id="k-theirs"))
    conflict = only_conflict(merge(base, ours, theirs))
    assert (conflict.key, conflict.kind) == ("table:t-orders/name-clash:primary-key", "name-clash")
    assert conflict.where == "primary key of “orders”"
    assert conflict.ours == "a new primary key (“id”)"
    result = merge(base, ours, theirs, {conflict.key: side})
    assert result.schema == (ours if side == "ours" else theirs)


def test_a_choice_can_reveal_a_further_conflict() -> None:
    base = base_schema()
    ours = edit_column(base, "customer", "name", name="email2", comment="ours")
    theirs = edit_column(base, "customer", "name", name="nick")
    theirs = add_column(theirs, "customer", Column("email2", ColumnType("text"), id="c-e2"))
    first = merge(base, ours, theirs)
    assert [c.key for c in first.conflicts] == ["table:t-customer/column:c-name/name"]
    second = merge(base, ours, theirs, {"table:t-customer/column:c-name/name": "ours"})
    assert [c.key for c in second.unresolved] == ["table:t-customer/name-clash:column=email2"]
    final = all_chosen(base, ours, theirs, lambda key: "ours")
    assert final.schema.table("customer").column_names == ("id", "email", "email2")


def test_conflicts_left_undecided_leave_no_schema_and_keys_name_no_side() -> None:
    base = base_schema()
    ours = edit_column(drop_column(base, "orders", "total"), "customer", "email", type=varchar(200))
    ours = ours.with_table(Table("invoice", (Column("id", ColumnType("integer"), id="i-ours"),), id="t-ours"))
    theirs = edit_column(edit_column(base, "orders", "total", comment="gross"), "customer", "email", type=ColumnType("text"))
    theirs = theirs.with_table(Table("invoice", (Column("id", ColumnType("integer"), id="i-theirs"),), id="t-theirs"))
    one_way, other_way = merge(base, ours, theirs), merge(base, theirs, ours)
    keys = ["name-clash:table=invoice", "table:t-customer/column:c-email/type", "table:t-orders/column:o-total"]
    assert sorted(c.key for c in one_way.conflicts) == sorted(c.key for c in other_way.conflicts) == keys
    partly = merge(base, ours, theirs, {"table:t-customer/column:c-email/type": "ours"})
    assert partly.schema is None
    assert len(partly.conflicts) == 3
    assert sorted(c.key for c in partly.unresolved) == [keys[0], keys[2]]


def test_it_refuses_a_choice_that_names_no_side() -> None:
    base = base_schema()
    with pytest.raises(ValueError, match="must be 'ours' or 'theirs'"):
        merge(base, base, base, {"table:t-customer/name": "mine"})  # type: ignore[dict-item]


# ------------------------------------------------------------------ fields the model may gain


@dataclass(frozen=True)
class TaggedColumn(Column):
    """A column with an attribute merge.py has never heard of."""

    tag: str | None = None


@dataclass(frozen=True)
class Note:
    text: str
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class NotedTable(Table):
    """A table with a kind of child element merge.py has never heard of."""

    notes: tuple[Note, ...] = ()


def noted_schema(tag: str | None = None, notes: tuple[Note, ...] = ()) -> Schema:
    columns = (
        TaggedColumn("id", ColumnType("integer"), id="c-id"),
        TaggedColumn("v", ColumnType("text"), tag=tag, id="c-v"),
    )
    return Schema(tables=(NotedTable("t", columns, notes=notes, id="t"),))


def test_a_property_the_model_gains_merges_like_any_other() -> None:
    base = noted_schema(tag="a")
    assert merge(base, noted_schema(tag="b"), base).schema == noted_schema(tag="b")
    conflict = only_conflict(merge(base, noted_schema(tag="b"), noted_schema(tag="c")))
    assert (conflict.key, conflict.ours, conflict.theirs) == ("table:t/column:c-v/tag", "“b”", "“c”")


def test_a_kind_of_element_the_model_gains_merges_like_any_other() -> None:
    first, second = Note("first", id="n1"), Note("second", id="n2")
    base = noted_schema(notes=(first,))
    ours = noted_schema(notes=(replace(first, text="first!"),))
    theirs = noted_schema(notes=(first, second))
    assert merge(base, ours, theirs).schema == noted_schema(notes=(replace(first, text="first!"), second))
    conflict = only_conflict(merge(base, ours, noted_schema(notes=(replace(first, text="1st"),))))
    assert (conflict.key, conflict.where) == ("table:t/note:n1/text", "note “first!” of “t”")


# ------------------------------------------------------------------ properties


@st.composite
def three_schemas(draw: st.DrawFn) -> tuple[Schema, Schema, Schema]:
    """A base and two drafts made from it by independent random edits (ids kept); half the time
    a table both keep gets a different comment on each side, so conflicts are common."""
    base, ours = draw(schema_pairs(max_tables=2, min_edits=2, max_edits=6))
    theirs = _Editor(draw, base).run(draw(st.integers(2, 6)))
    ids = {t.id for t in ours.tables} & {t.id for t in theirs.tables} - {None}
    if ids and draw(st.booleans()):
        chosen = draw(st.sampled_from(sorted(ids)))
        ours, theirs = (
            replace(s, tables=tuple(replace(t, comment=note) if t.id == chosen else t for t in s.tables))
            for s, note in ((ours, "ours"), (theirs, "theirs"))
        )
    return base, ours, theirs


@given(schema_pairs(max_tables=3, max_edits=5))
@model_settings(max_examples=60)
def test_a_side_that_changed_nothing_gives_the_other_side(pair: tuple[Schema, Schema]) -> None:
    base, draft = pair
    for result in (merge(base, draft, base), merge(base, base, draft)):
        assert result.clean
        assert result.schema == draft


def _side_for(key: str) -> Side:
    return "ours" if hashlib.sha256(key.encode()).digest()[0] % 2 else "theirs"


def _flipped(key: str) -> Side:
    return "theirs" if _side_for(key) == "ours" else "ours"


def _any_order(schema: Schema) -> Schema:
    """``schema`` with columns in id order, and tables of one name (left by contradicting
    choices, see the module docstring of merge.py) in id order."""

    def any_order(table: Table) -> Table:
        return replace(table, columns=tuple(sorted(table.columns, key=lambda c: (c.id or "", c.name))))

    tables = sorted((any_order(t) for t in schema.tables), key=lambda t: (t.name, t.id or ""))
    return replace(schema, tables=tuple(tables))


@given(three_schemas())
@model_settings(max_examples=60)
def test_merge_is_symmetric_up_to_the_choice_of_side(schemas: tuple[Schema, Schema, Schema]) -> None:
    base, x, y = schemas
    assert sorted(c.key for c in merge(base, x, y).conflicts) == sorted(c.key for c in merge(base, y, x).conflicts)
    one_way = all_chosen(base, x, y, _side_for)
    other_way = all_chosen(base, y, x, _flipped)
    assert sorted(c.key for c in one_way.conflicts) == sorted(c.key for c in other_way.conflicts)
    # Column order is the one thing ours decides alone (see the module docstring of merge.py).
    assert _any_order(one_way.schema) == _any_order(other_way.schema)
