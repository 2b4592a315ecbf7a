"""Standalone sequences and domains in the model, the snapshot, the diff and the dialects that
lack them (no server needed; the PostgreSQL round trips are in ``..._postgresql.py``)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from migrations_engine.diff import diff
from migrations_engine.errors import SnapshotFormatError, UnsupportedChange
from migrations_engine.object_operations import (
    AlterDomain,
    AlterSequence,
    CreateDomain,
    CreateSequence,
    DropDomain,
    DropSequence,
)
from migrations_engine.operations import CreateTable, DropTable, reverse_all
from migrations_engine.render import render
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Domain,
    Schema,
    Sequence,
    SequenceOptions,
    Table,
)
from migrations_engine.snapshot import dumps, loads, to_data
from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

SEQ = Sequence("t_id_seq", "integer", SequenceOptions(start=10, cycle=True), owned_by=("t", "id"))
YEAR = Domain("year", "integer", False, "2000", (Check("VALUE >= 1901", "year_check"),), None)
T = Table(
    "t",
    (
        Column("id", ColumnType.parse("integer"), False, Default("nextval('t_id_seq'::regclass)", True)),
        Column("y", ColumnType.parse("postgresql:year")),
    ),
)
SCHEMA = Schema(tables=(T,), sequences=(SEQ,), domains=(YEAR,))


def test_a_snapshot_holds_them_in_format_4_and_reads_them_back():
    text = dumps(SCHEMA)
    data = json.loads(text)
    assert data["format"] == "schema-snapshot/4"
    assert list(data)[:4] == ["format", "hash", "sequences", "domains"]
    assert data["sequences"] == [
        {"name": "t_id_seq", "type": "integer", "start": 10, "cycle": True, "owned_by": {"table": "t", "column": "id"}}
    ]
    assert data["domains"] == [
        {"name": "year", "type": "integer", "nullable": False, "default": "2000",
         "checks": [{"name": "year_check", "expression": "VALUE >= 1901"}]}
    ]
    assert loads(text) == SCHEMA
    assert dumps(loads(text)) == text


def test_a_schema_without_them_keeps_its_older_format_and_hash():
    plain = Schema(tables=(T,))
    data = to_data(plain)
    assert data["format"] == "schema-snapshot/1"
    assert "sequences" not in data and "domains" not in data
    old = dict(data, format="schema-snapshot/3")  # an older engine's snapshot still loads
    assert loads(json.dumps(old)) == loads(dumps(plain))


def test_a_misspelt_key_is_refused_not_dropped():
    data = to_data(SCHEMA)
    data["sequences"][0]["cylce"] = True
    del data["hash"]
    with pytest.raises(SnapshotFormatError, match=r"snapshot.sequences\[0\]: unknown key 'cylce'"):
        loads(json.dumps(data))


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        (replace(SCHEMA, sequences=(replace(SEQ, owned_by=("t", "gone")),)), "sequence 't_id_seq' is owned by t.gone, which does not exist"),
        (replace(SCHEMA, sequences=(SEQ, SEQ)), "sequence 't_id_seq' appears twice"),
        (replace(SCHEMA, sequences=(replace(SEQ, data_type="numeric"),)), "type 'numeric' is not smallint, integer or bigint"),
        (replace(SCHEMA, domains=(replace(YEAR, default="1); DROP TABLE t; --"),)), "domain 'year': default holds a ';'"),
        (replace(SCHEMA, domains=(replace(YEAR, checks=(Check("VALUE > 0) OR (true", "c"),)),)), "domain 'year': check 'c' closes a parenthesis"),
        (replace(SCHEMA, domains=(replace(YEAR, base_type="integer; DROP TABLE t"),)), "domain 'year': base type holds a ';'"),
    ],
)
def test_unsound_ones_are_problems(schema, problem):
    assert any(problem in p for p in problems(schema)), problems(schema)


def test_the_diff_creates_them_before_the_table_and_owns_after():
    ops = diff(Schema(), SCHEMA)
    assert [type(op) for op in ops] == [CreateSequence, CreateDomain, CreateTable, AlterSequence]
    assert ops[0].sequence.owned_by is None and ops[-1].new.owned_by == ("t", "id")


def test_the_diff_drops_them_after_the_table_releasing_the_owner_first():
    ops = diff(SCHEMA, Schema())
    assert [type(op) for op in ops] == [AlterSequence, DropTable, DropDomain, DropSequence]
    assert ops[0].new.owned_by is None


def test_reversing_the_drop_gives_the_creation():
    down = reverse_all(diff(SCHEMA, Schema()))
    assert [type(op) for op in down] == [CreateSequence, CreateDomain, CreateTable, AlterSequence]


def test_changes_in_place():
    new = replace(SCHEMA, sequences=(replace(SEQ, options=SequenceOptions(increment=3)),), domains=(replace(YEAR, nullable=True),))
    assert [type(op) for op in diff(SCHEMA, new)] == [AlterSequence, AlterDomain]
    assert diff(SCHEMA, SCHEMA) == []


def test_a_used_domains_base_type_cannot_change():
    with pytest.raises(UnsupportedChange, match="while column t.y uses it"):
        diff(SCHEMA, replace(SCHEMA, domains=(replace(YEAR, base_type="bigint"),)))


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_mysql_and_sqlite_refuse_them_by_name(dialect):
    ops = diff(Schema(), replace(SCHEMA, domains=()))
    with pytest.raises(UnsupportedChange, match=f"sequence 't_id_seq' cannot be written for {dialect}: the engine models standalone sequences for PostgreSQL only"):
        render(ops, Schema(), dialect)
    ops = diff(Schema(), Schema(domains=(YEAR,)))
    with pytest.raises(UnsupportedChange, match=f"domain 'year' cannot be written for {dialect}"):
        render(ops, Schema(), dialect)


def test_postgresql_sql():
    sql = [s.sql for s in render(diff(Schema(), SCHEMA), Schema(), "postgresql")]
    assert sql[0] == 'CREATE SEQUENCE "t_id_seq" AS integer START WITH 10 CYCLE'
    assert sql[1] == 'CREATE DOMAIN "year" AS integer DEFAULT 2000 NOT NULL CONSTRAINT "year_check" CHECK (VALUE >= 1901)'
    assert sql[-1] == 'ALTER SEQUENCE "t_id_seq" OWNED BY "t"."id"'
    altered = AlterSequence(SEQ, replace(SEQ, data_type="bigint", options=None))
    assert render([altered], SCHEMA, "postgresql")[0].sql == (
        'ALTER SEQUENCE "t_id_seq" AS bigint INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE'
    )


def test_a_merge_keeps_each_sides_changes():
    from migrations_engine.merge import merge

    ours = replace(SCHEMA, sequences=(replace(SEQ, owned_by=None),))
    theirs = replace(SCHEMA, domains=(YEAR, Domain("mood", "text")))
    result = merge(SCHEMA, ours, theirs)
    assert not result.conflicts
    assert result.schema == replace(SCHEMA, sequences=ours.sequences, domains=theirs.domains)


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_a_script_running_on_a_schema_holding_them_is_refused_too(dialect):
    added = replace(SCHEMA, tables=(*SCHEMA.tables, Table("more", (Column("y", ColumnType.parse("postgresql:year")),))))
    with pytest.raises(UnsupportedChange, match=f"domain 'year' cannot be written for {dialect}"):
        render(diff(replace(SCHEMA, sequences=()), replace(added, sequences=())), replace(SCHEMA, sequences=()), dialect)
