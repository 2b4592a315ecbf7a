"""Undo and Redo rewrite only the tables that differ (conversion.restore_tables): the content
they leave is exactly the state they restore, and the other tables' rows are not touched."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bench.generate import generate_schema
from designer.conversion import read_content, restore_tables
from designer.models import Draft, DraftColumn, DraftTable
from migrations_engine.schema import Column, ForeignKey, Index, PrimaryKey, Table
from migrations_engine.types import ColumnType


@pytest.fixture
def large(cast):
    schema = generate_schema(60, random.Random(7))
    draft = Draft.objects.create_from_schema(cast.project, schema, None, cast.architect)
    # Groups as the editor keeps them: one for the first ten tables.
    content = read_content(draft)
    groups = [{"id": "g-1", "name": "First", "colour": "#336699", "tables": [t.id for t in content.schema.tables[:10]]}]
    draft.replace_content(content.schema, groups)
    return draft


def state(draft: Draft) -> dict:
    return read_content(draft).to_data()


def edited(draft: Draft, rng: random.Random) -> None:
    """One random edit of the kinds the editor makes, written the ordinary way (every row)."""
    content = read_content(draft)
    schema = content.schema
    tables = list(schema.tables)
    referenced = {fk.ref_table for t in tables for fk in t.foreign_keys}
    k = rng.randrange(len(tables))
    table = tables[k]
    kind = rng.choice(["regroup", "rename table", "rename column", "drop table", "add table", "add column", "retype", "add index", "add key"])
    groups = content.groups_data()
    if kind == "regroup":  # into the group, or out of it: the table itself unchanged
        members = groups[0]["tables"]
        if table.id in members:
            members.remove(table.id)
        else:
            members.append(table.id)
    elif kind == "rename table":
        old, new = table.name, f"{table.name}_x"
        tables = [
            replace(
                t,
                name=new if t.name == old else t.name,
                foreign_keys=tuple(replace(f, ref_table=new) if f.ref_table == old else f for f in t.foreign_keys),
            )
            for t in tables
        ]
    elif kind == "rename column":
        target = next((t for t in tables if t.name in referenced), table)
        old = target.primary_key.columns[0]
        new = f"{old}_x"

        def renamed(t: Table) -> Table:
            if t.name == target.name:
                t = replace(
                    t,
                    columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
                    primary_key=replace(t.primary_key, columns=tuple(new if c == old else c for c in t.primary_key.columns)),
                )
            return replace(
                t,
                foreign_keys=tuple(
                    replace(f, ref_columns=tuple(new if c == old else c for c in f.ref_columns)) if f.ref_table == target.name else f
                    for f in t.foreign_keys
                ),
            )

        tables = [renamed(t) for t in tables]
    elif kind == "drop table":
        gone = next((t for t in tables if t.name in referenced), table).name
        tables = [
            replace(t, foreign_keys=tuple(f for f in t.foreign_keys if f.ref_table != gone))
            for t in tables
            if t.name != gone
        ]
    elif kind == "add table":
        tables.append(
            Table(
                f"new_{rng.randrange(10**6)}",
                columns=(Column("id", ColumnType.parse("bigint"), nullable=False), Column("ref", ColumnType.parse("bigint"))),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=(ForeignKey(("ref",), table.name, table.primary_key.columns[:1]),),
            )
        )
    elif kind == "add column":
        tables[k] = replace(table, columns=(*table.columns, Column(f"extra_{rng.randrange(1000)}", ColumnType.parse("text"))))
    elif kind == "retype":
        column = table.columns[-1]
        tables[k] = replace(table, columns=(*table.columns[:-1], replace(column, type=ColumnType.parse("varchar(20)"))))
    elif kind == "add index":
        tables[k] = replace(table, indexes=(*table.indexes, Index((table.columns[-1].name,), f"ix_{rng.randrange(1000)}")))
    else:
        other = tables[rng.randrange(len(tables))]
        column = Column(f"to_{other.name}", ColumnType.parse("bigint"))
        tables[k] = replace(
            table,
            columns=(*table.columns, column),
            foreign_keys=(*table.foreign_keys, ForeignKey((column.name,), other.name, other.primary_key.columns[:1])),
        )
    draft.replace_content(replace(schema, tables=tuple(tables)), groups)


@pytest.mark.parametrize("seed", range(12))
def test_restoring_a_state_in_place_leaves_exactly_that_state(large, seed):
    rng = random.Random(seed)
    before = state(large)
    for _ in range(rng.randrange(1, 4)):
        edited(large, rng)
    after = state(large)
    assert after != before

    assert restore_tables(large, before, after, most=50)
    assert state(large) == before
    assert restore_tables(large, after, before, most=50)  # and Redo
    assert state(large) == after


def test_a_table_moved_to_another_group_is_moved_back(large):
    before = state(large)
    content = read_content(large)
    groups = content.groups_data()
    outside = next(t.id for t in content.schema.tables if t.id not in groups[0]["tables"])
    groups[0]["tables"].append(outside)
    large.replace_content(content.schema, groups)
    after = state(large)

    assert restore_tables(large, before, after, most=50)
    assert state(large) == before


def test_the_tables_that_did_not_change_keep_their_rows(large):
    before = state(large)
    edited(large, random.Random(3))  # every row written again
    after = state(large)
    rows = dict(DraftTable.objects.filter(draft=large).values_list("uid", "id"))
    columns = set(DraftColumn.objects.filter(draft=large).values_list("id", flat=True))

    assert restore_tables(large, before, after, most=50)

    changed = {t["id"] for t in before["schema"]["tables"]} ^ {t["id"] for t in after["schema"]["tables"]} | {
        t["id"] for t in before["schema"]["tables"] if t not in after["schema"]["tables"]
    }
    now = dict(DraftTable.objects.filter(draft=large).values_list("uid", "id"))
    assert all(now[uid] == rows[uid] for uid in now if uid in rows)  # rows kept, even changed ones
    untouched = set(DraftColumn.objects.filter(draft=large).exclude(table__uid__in=changed).values_list("id", flat=True))
    assert untouched and untouched <= columns  # the columns of the other tables: the same rows


def test_what_it_does_not_restore_in_place_it_leaves_alone(large):
    before = state(large)
    edited(large, random.Random(1))
    after = state(large)
    regrouped = {**before, "groups": [{**g, "name": "Renamed"} for g in before["groups"]]}
    ghost = {**after, "schema": {**after["schema"], "tables": [*after["schema"]["tables"], {"id": "ghost", "name": "ghost"}]}}
    sequenced = {**before, "schema": {**before["schema"], "sequences": [{"name": "s"}]}}

    assert not restore_tables(large, regrouped, after, most=50)  # a group itself changed
    assert not restore_tables(large, sequenced, after, most=50)  # kept in the tables' rows
    assert not restore_tables(large, before, after, most=0)  # more tables than allowed
    assert not restore_tables(large, before, ghost, most=50)  # the rows hold other tables
    assert state(large) == after


def test_undo_and_redo_of_an_edit_go_through_it(client, cast, large):
    from tests.designer.conftest import draft_url, htmx_post

    before = state(large)
    table = DraftTable.objects.filter(draft=large).order_by("name").first()
    htmx_post(client, cast.architect, draft_url(large, f"t/{table.uid}/columns/new/"), {"name": "added", "type": "integer", "nullable": "on"})
    after = state(large)
    ids = dict(DraftTable.objects.filter(draft=large).values_list("uid", "id"))

    htmx_post(client, cast.architect, draft_url(large, "undo/"))
    assert state(large) == before
    htmx_post(client, cast.architect, draft_url(large, "redo/"))
    assert state(large) == after
    assert dict(DraftTable.objects.filter(draft=large).values_list("uid", "id")) == ids  # in place
