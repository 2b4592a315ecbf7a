"""Louvain's communities (erd.louvain): planted communities found, stable, as good as networkx's."""

from __future__ import annotations

import random

import pytest

from designer.erd.louvain import communities


def planted(groups: int, size: int) -> tuple[int, list[tuple[int, int]]]:
    """``groups`` cliques of ``size`` nodes, each linked to the next by one edge (a ring)."""
    edges = [
        (g * size + a, g * size + b)
        for g in range(groups)
        for a in range(size)
        for b in range(a + 1, size)
    ]
    edges += [(g * size, ((g + 1) % groups) * size + 1) for g in range(groups)]
    return groups * size, edges


def random_graph(nodes: int, edges: int, seed: int) -> list[tuple[int, int]]:
    rnd = random.Random(seed)
    found: set[tuple[int, int]] = set()
    while len(found) < edges:
        a, b = rnd.randrange(nodes), rnd.randrange(nodes)
        if a != b:
            found.add((min(a, b), max(a, b)))
    return sorted(found)


def modularity(count: int, edges: list[tuple[int, int]], found: list[list[int]]) -> float:
    """Newman's modularity of the partition ``found``, computed here from its definition."""
    community = {n: k for k, members in enumerate(found) for n in members}
    degree = [0] * count
    inside = [0] * len(found)
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
        if community[a] == community[b]:
            inside[community[a]] += 1
    m = len(edges)
    totals = [sum(degree[n] for n in members) for members in found]
    return sum(inside[k] / m - (totals[k] / (2 * m)) ** 2 for k in range(len(found)))


def test_planted_cliques_are_found_exactly():
    count, edges = planted(groups=8, size=10)
    found = communities(count, edges)
    assert found == [list(range(g * 10, g * 10 + 10)) for g in range(8)]


def test_a_partition_covers_every_node_once():
    edges = random_graph(400, 500, seed=3)
    found = communities(400, edges)
    assert sorted(n for members in found for n in members) == list(range(400))
    assert all(members == sorted(members) for members in found)
    assert [members[0] for members in found] == sorted(members[0] for members in found)


def test_the_order_of_the_edges_changes_nothing():
    edges = random_graph(300, 420, seed=5)
    shuffled = edges[:]
    random.Random(9).shuffle(shuffled)
    flipped = [(b, a) for a, b in shuffled]
    assert communities(300, edges) == communities(300, shuffled) == communities(300, flipped)


def test_nodes_without_edges_stay_alone():
    assert communities(3, []) == [[0], [1], [2]]
    assert communities(0, []) == []
    assert communities(4, [(0, 1)]) == [[0, 1], [2], [3]]


def test_merging_pays_only_when_the_modularity_rises():
    """Two triangles joined by one edge: two communities, not one (one has modularity 0)."""
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]
    found = communities(6, edges)
    assert found == [[0, 1, 2], [3, 4, 5]]
    assert modularity(6, edges, found) == pytest.approx(5 / 14)


@pytest.mark.parametrize(
    ("nodes", "edges", "seed"), [(300, 400, 0), (1000, 1300, 1), (2000, 6000, 2)]
)
def test_as_good_as_networkx(nodes, edges, seed):
    """The modularity reached is within 2 % of networkx's seeded Louvain (the reference this
    module replaced), on graphs as sparse as schemas' and denser."""
    nx = pytest.importorskip("networkx")
    pairs = random_graph(nodes, edges, seed)
    ours = modularity(nodes, pairs, communities(nodes, pairs))
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes))
    graph.add_edges_from(pairs)
    theirs = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=14))
    assert ours == pytest.approx(modularity(nodes, pairs, communities(nodes, pairs)))
    assert ours >= theirs * 0.98
