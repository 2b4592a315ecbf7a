"""Properties of the diff of standalone sequences and domains: for random pairs of schemas, the
diff applied to the old schema gives the new one and its reverse gives the old one back (in the
model, hundreds of examples), and on the real PostgreSQL server up then down keeps every row."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from migrations_engine.diff import diff
from migrations_engine.operations import apply_all, reverse_all
from migrations_engine.schema import Check, Column, Default, Domain, Schema, Sequence, SequenceOptions, Table
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import count_rows, roundtrip, run
from tests.engine.strategies import live_settings, model_settings

NAMES = ("s1", "s2", "s3")
DOMAINS = ("d1", "d2")

options = st.builds(
    SequenceOptions,
    start=st.none() | st.integers(1, 50),
    increment=st.none() | st.integers(2, 5),
    max_value=st.none() | st.integers(1000, 2000),
    cache=st.none() | st.integers(2, 20),
    cycle=st.booleans(),
)


def sequences() -> st.SearchStrategy[tuple[Sequence, ...]]:
    one = st.builds(
        Sequence,
        st.sampled_from(NAMES),
        st.sampled_from(("smallint", "integer", "bigint")),
        st.none() | options,
        st.none() | st.sampled_from((("t", "n"), ("t", "m"))),
    )
    return st.lists(one, max_size=3, unique_by=lambda q: q.name).map(tuple)


def domains() -> st.SearchStrategy[tuple[Domain, ...]]:
    check = st.sampled_from((Check("VALUE > 0", "positive"), Check("VALUE < 100000", "small")))
    one = st.builds(
        Domain,
        st.sampled_from(DOMAINS),
        st.sampled_from(("integer", "bigint")),
        st.booleans(),
        st.none() | st.sampled_from(("1", "7")),
        st.lists(check, max_size=2, unique_by=lambda c: c.name).map(tuple),
    )
    return st.lists(one, max_size=2, unique_by=lambda d: d.name).map(tuple)


@st.composite
def schemas(draw) -> Schema:
    """A table ``t`` whose column ``m`` may be typed with domain d1, and whose column ``n`` may
    default to the nextval of a sequence, with random sequences and domains."""
    seqs, doms = draw(sequences()), draw(domains())
    n_default = None
    if seqs and draw(st.booleans()):
        n_default = Default(f"nextval('{seqs[0].name}'::regclass)", expression=True)
    typed = any(d.name == "d1" for d in doms) and draw(st.booleans())
    m_type = ColumnType.parse("postgresql:d1" if typed else "integer")
    table = Table("t", (Column("n", ColumnType.parse("bigint"), default=n_default), Column("m", m_type)))
    return Schema(tables=(table,), sequences=seqs, domains=doms)


def _base_type_change_of_a_used_domain(old: Schema, new: Schema) -> bool:
    """Refused by the diff (``UnsupportedChange``), tested in test_sequences_domains.py."""
    used = {"d1"} if any(c.type.native == "d1" for s in (old, new) for t in s.tables for c in t.columns) else set()
    before = {d.name: d.base_type for d in old.domains}
    return any(d.name in used and before.get(d.name, d.base_type) != d.base_type for d in new.domains)


@given(schemas(), schemas())
@model_settings(300)
def test_the_diff_leads_there_and_its_reverse_back(old, new):
    if _base_type_change_of_a_used_domain(old, new):
        return
    ops = diff(old, new)
    assert apply_all(ops, old) == new
    assert apply_all(reverse_all(ops), new) == old
    assert diff(new, new) == []


def test_live_up_then_down_keeps_the_rows():
    with scratch_database(SERVERS["postgresql"], prefix="me_test") as a, scratch_database(SERVERS["postgresql"], prefix="me_test") as b:
        _check_live(a, b)


def _check_live(pg_url: DatabaseURL, second_db_url: DatabaseURL) -> None:
    @given(schemas(), schemas())
    @live_settings(15)
    def check(old, new):
        if _base_type_change_of_a_used_domain(old, new):
            return
        for url in (pg_url, second_db_url):
            run(url, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
        rows = [{"n": 1, "m": 5}, {"n": 2, "m": 6}]
        roundtrip(old, new, pg_url, second_db_url, {"t": rows})
        assert count_rows(pg_url, "t") == len(rows)

    check()


def test_a_changed_owner_or_option_is_one_alter_each():
    old = Schema(tables=(Table("t", (Column("n", ColumnType.parse("bigint")),)),), sequences=(Sequence("s1"),))
    new = replace(old, sequences=(Sequence("s1", options=SequenceOptions(cache=5), owned_by=("t", "n")),))
    assert [op.kind for op in diff(old, new)] == ["alter_sequence", "alter_sequence"]
