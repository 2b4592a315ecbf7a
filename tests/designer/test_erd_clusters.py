"""Clusters from the foreign-key graph for the tables in no group, and the overview they give."""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from urllib.parse import unquote

import pytest

from bench.generate import generate_schema
from designer.erd import LARGE, Options, render_diagram
from designer.erd import clusters as clusters_module
from designer.erd.clusters import CAP, UNRELATED, add_clusters, find_clusters
from designer.erd.model import Diagram, Group, from_schema, groups_by_table
from tests.designer.schemas import wide_schema

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


@pytest.fixture(scope="module")
def schema_1000():
    return generate_schema(1000, random.Random(1))


@pytest.fixture(autouse=True)
def no_memo():
    """Each test finds its clusters itself (the module keeps the last few per process)."""
    clusters_module._memo.clear()
    yield
    clusters_module._memo.clear()


def grouping(diagram: Diagram) -> dict[str, str]:
    return {t.name: t.group for t in diagram.tables}


def test_a_diagram_of_few_tables_in_no_group_gets_no_clusters():
    diagram = add_clusters(from_schema(wide_schema(LARGE)), above=LARGE)

    assert diagram.groups == {} and {t.group for t in diagram.tables} == {""}


def test_every_table_of_a_large_schema_is_in_a_cluster_of_at_most_cap(schema_1000):
    diagram = add_clusters(from_schema(schema_1000))

    sizes = Counter(t.group for t in diagram.tables)
    assert "" not in sizes and set(sizes) == set(diagram.groups)
    assert max(sizes.values()) <= CAP
    # 1,000 tables: a component of 643 split into communities, 265 tables in components of one
    # or two (three pieces of "Unrelated tables"), a few small components sharing clusters.
    assert 10 <= len(diagram.groups) <= 30
    assert all(g.found and g.key for g in diagram.groups.values())


def test_a_foreign_key_between_tiny_components_stays_inside_its_cluster(schema_1000):
    diagram = add_clusters(from_schema(schema_1000))
    neighbours = diagram.neighbours()

    unrelated = [t for t in diagram.groups if t.startswith(UNRELATED)]
    assert len(unrelated) == 3  # 265 tables, whole components in pieces of at most CAP
    for n, table in enumerate(diagram.tables):
        if table.group in unrelated:
            assert len(neighbours[n] - {n}) <= 1  # a component of one or two tables
            assert all(diagram.tables[m].group == table.group for m in neighbours[n])


def test_clusters_are_named_after_their_most_connected_table():
    # A star of 4 around "hub", a chain of 3, and 120 tables alone.
    names = ["hub", "a", "b", "c", "d", "x", "y", "z"] + [f"lone{n:03}" for n in range(120)]
    pairs = [("a", "hub"), ("b", "hub"), ("c", "hub"), ("d", "hub"), ("x", "y"), ("y", "z")]

    found = find_clusters(sorted(names), sorted(pairs))

    assert found[0] == ("cluster:hub", "hub & 7 more", ["a", "b", "c", "d", "hub", "x", "y", "z"])
    assert found[1][:2] == ("unrelated:1", UNRELATED)
    assert len(found) == 2 and len(found[1][2]) == 120


def test_the_same_schema_gives_the_same_clusters_whatever_the_order_of_its_tables(schema_1000):
    first = grouping(add_clusters(from_schema(schema_1000)))
    clusters_module._memo.clear()
    shuffled = list(schema_1000.tables)
    random.Random(7).shuffle(shuffled)
    again = grouping(add_clusters(from_schema(schema_1000.__class__(tables=tuple(shuffled)))))

    assert again == first


def test_the_designers_groups_are_kept_and_only_the_rest_clustered():
    schema = wide_schema(LARGE + 30)
    mine = [{"name": "Mine", "colour": "#336699", "tables": [f"t{n:04}" for n in range(20)]}]
    diagram = add_clusters(from_schema(schema, groups_by_table(schema.tables, mine)))

    assert list(diagram.groups)[0] == "Mine" and not diagram.groups["Mine"].found
    assert Counter(t.group for t in diagram.tables)["Mine"] == 20
    # The other 110 tables are one chain: one cluster, named after a table of two neighbours.
    found = [g for g in diagram.groups.values() if g.found]
    assert len(found) == 1 and found[0].name == "t0021 & 109 more"
    assert found[0].key == "cluster:t0021"


def test_a_cluster_named_like_a_designers_group_is_numbered():
    schema = wide_schema(LARGE + 30)
    mine = [{"name": "t0002 & 128 more", "colour": "#336699", "tables": ["t0000"]}]
    diagram = add_clusters(from_schema(schema, groups_by_table(schema.tables, mine)))

    assert list(diagram.groups) == ["t0002 & 128 more", "t0002 & 128 more (2)"]
    assert diagram.groups["t0002 & 128 more (2)"].key == "cluster:t0002"


def test_adding_clusters_twice_changes_nothing(schema_1000):
    diagram = add_clusters(from_schema(schema_1000))
    before = grouping(diagram), dict(diagram.groups)

    assert (grouping(add_clusters(diagram)), dict(diagram.groups)) == before


def test_a_group_is_found_by_its_name_or_its_key():
    found = Group("x & 3 more", "", "cluster:x", True)
    diagram = Diagram(groups={"Sales": Group("Sales", ""), "x & 3 more": found})

    assert diagram.group_named("Sales") == "Sales"
    assert diagram.group_named("cluster:x") == "x & 3 more"
    assert diagram.group_named("x & 3 more") == "x & 3 more"
    assert diagram.group_named("cluster:y") is None


@needs_dot
def test_a_large_schema_without_groups_opens_on_the_overview_of_its_clusters(schema_1000):
    rendered = render_diagram(
        from_schema(schema_1000), Options(page_link="/p/x/v/1/erd/"), "svg"
    )

    assert rendered.options.view == "overview"
    assert rendered.notice == "1,000 tables: showing the groups."
    svg = rendered.content.decode()
    # Each cluster is a node linking to its view by its key; edges count the keys between.
    links = {unquote(link) for link in re.findall(r'href="/p/x/v/1/erd/\?group=([^"]+)"', svg)}
    assert links == {g.key for g in rendered.groups}
    assert "1,000 tables" not in svg and " tables</text>" in svg


@needs_dot
def test_a_clusters_key_draws_that_cluster(schema_1000):
    diagram = from_schema(schema_1000)
    rendered = render_diagram(diagram, Options(group="unrelated:1"), "svg")

    assert rendered.error == "" and rendered.options.group == "unrelated:1"
    sizes = Counter(t.group for t in diagram.tables)
    assert rendered.shown == sizes[f"{UNRELATED} 1 (account_0160 …)"]


def test_a_long_chain_without_communities_is_cut_into_equal_parts_in_order():
    diagram = add_clusters(from_schema(wide_schema(400)))

    sizes = Counter(t.group for t in diagram.tables)
    assert sorted(sizes.values()) == [132, 134, 134]
    first = [t.name for t in diagram.tables if t.group == "t0001 & 133 more"]
    assert first == [f"t{n:04}" for n in range(134)]  # neighbours together
