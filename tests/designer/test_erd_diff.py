"""The visual diff: added, removed, changed and renamed tables, columns and foreign keys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from designer.erd.diff import diff_diagram
from designer.erd.dot import Options, resolve, select, to_dot
from designer.erd.model import ADDED, CHANGED, REMOVED, Group
from migrations_engine.schema import ForeignKey, PrimaryKey, Schema, Table
from tests.designer.schemas import col, sample_schema, wide_schema


def changed_schema() -> Schema:
    """The sample schema after a round of changes: a rename of a table and of a column, a
    retyped column, a dropped and an added column, a new table with a key, a dropped key."""
    old = sample_schema()
    customer = old.table("customer")
    columns = [
        replace(c, name="mail") if c.name == "email" else c
        for c in customer.columns
        if c.name != "created"
    ]
    columns = [
        replace(c, type=col("x", "varchar(4)").type) if c.name == "region" else c for c in columns
    ]
    columns.append(col("points", "integer", "c-points"))
    customer = replace(
        customer,
        name="client",
        columns=tuple(columns),
        uniques=(replace(customer.uniques[0], columns=("mail",)),),
        indexes=(),
    )
    order = replace(old.table("order"), foreign_keys=())
    review = Table(
        "review",
        columns=(
            col("id", "bigint", "r-id", nullable=False),
            col("order_id", "bigint", "r-o", nullable=False),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(
            ForeignKey(("order_id",), "order", ("id",), "review_order_fkey", id="f-review"),
        ),
        id="t-review",
    )
    return Schema(tables=(customer, order, review), enums=old.enums)


def table(diagram, name):
    return next(t for t in diagram.tables if t.name == name)


def statuses(t):
    return [(c.name, c.status, c.old_name, c.old_type) for c in t.columns]


def test_renamed_tables_and_columns_pair_up_by_id():
    diagram = diff_diagram(sample_schema(), changed_schema())

    client = table(diagram, "client")
    assert (client.status, client.old_name) == (CHANGED, "customer")
    assert statuses(client) == [
        ("region", CHANGED, None, "char(2)"),
        ("number", "", None, None),
        ("mail", CHANGED, "email", None),
        ("status", "", None, None),
        ("created", REMOVED, None, None),  # where it stood
        ("points", ADDED, None, None),
    ]
    assert [t.name for t in diagram.tables] == ["client", "order", "review"]


def test_added_tables_and_unchanged_ones():
    diagram = diff_diagram(sample_schema(), changed_schema())

    review = table(diagram, "review")
    assert review.status == ADDED and {c.status for c in review.columns} == {ADDED}
    assert table(diagram, "order").status == CHANGED  # its foreign key went


def test_removed_tables_stay_red():
    old = sample_schema()
    new = Schema(tables=(old.table("customer"),), enums=old.enums)

    diagram = diff_diagram(old, new)

    order = table(diagram, "order")
    assert order.status == REMOVED and {c.status for c in order.columns} == {REMOVED}
    assert table(diagram, "customer").status == ""
    assert [e.status for e in diagram.edges] == [REMOVED]


def test_foreign_keys_added_and_removed():
    diagram = diff_diagram(sample_schema(), changed_schema())

    by_status = {e.status: e.description for e in diagram.edges}
    assert by_status == {
        ADDED: "review(order_id) → order(id)",
        REMOVED: "order(customer_region, customer_number) → customer(region, number)",
    }
    removed = next(e for e in diagram.edges if e.status == REMOVED)
    client = diagram.tables.index(table(diagram, "client"))
    assert (removed.target, removed.target_columns) == (client, (0, 1))


def test_a_removed_and_an_added_table_of_the_same_name_are_two_nodes():
    old = Schema(tables=(Table("t", columns=(col("a", "integer", "a1"),), id="one"),))
    new = Schema(tables=(Table("t", columns=(col("a", "integer", "a2"),), id="two"),))

    diagram = diff_diagram(old, new)

    assert [(t.name, t.status) for t in diagram.tables] == [("t", REMOVED), ("t", ADDED)]
    assert diagram.index_of("t") == 1  # the one that exists


def test_the_dot_source_colours_strikes_and_shows_renames():
    source = to_dot(diff_diagram(sample_schema(), changed_schema()), Options(view="all"))

    assert '<FONT COLOR="#8a5a00">customer → <B>client</B></FONT>' in source
    assert '<FONT COLOR="#8a5a00">email → mail</FONT>' in source
    assert "char(2) → varchar(4)" in source
    assert '<FONT COLOR="#b3261e"><S>created</S></FONT>' in source
    assert '<FONT COLOR="#1b7a2e">points</FONT>' in source
    assert 'BGCOLOR="#e3f6e5"' in source and 'BGCOLOR="#fde7e7"' in source
    assert 'color="#b3261e"' in source and "style=dashed" in source  # the dropped key
    assert 'class="erd-added"' in source


def test_a_draft_the_engine_cannot_diff_still_shows_its_column_changes(monkeypatch):
    from designer.erd import diff as erd_diff
    from migrations_engine.errors import SchemaError

    def refuse(old, new):
        raise SchemaError("not now")

    monkeypatch.setattr(erd_diff, "diff", refuse)

    diagram = diff_diagram(sample_schema(), changed_schema())

    assert table(diagram, "client").status == CHANGED


def test_large_diffs_default_to_the_changes_and_their_neighbours():
    old = wide_schema(150)
    t = old.table("t0075")
    new = old.replace_table("t0075", replace(t, columns=(*t.columns, col("extra", "text", "x"))))

    diagram = diff_diagram(old, new)
    options, notice = resolve(diagram, Options())

    assert options.view == "changes" and notice == "150 tables: showing the changed ones."
    selection = select(diagram, options)
    assert [diagram.tables[n].name for n in selection.shown] == ["t0075"]
    assert [diagram.tables[n].name for n in selection.stubs] == ["t0074", "t0076"]


@pytest.mark.parametrize("side", ["new", "old"])
def test_groups_come_from_each_side(side):
    old, new = sample_schema(), changed_schema()
    group = Group("Sales", "#aa3300")

    if side == "new":
        diagram = diff_diagram(old, new, groups={"review": group})
        assert table(diagram, "review").group == "Sales"
    else:
        new = Schema(tables=(new.table("client"),), enums=new.enums)
        diagram = diff_diagram(old, new, old_groups={"order": group})
        assert table(diagram, "order").group == "Sales"
    assert list(diagram.groups) == ["Sales"]
