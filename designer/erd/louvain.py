"""Modularity communities of an undirected graph by the Louvain method, deterministically.

Blondel, Guillaume, Lambiotte and Lefebvre, "Fast unfolding of communities in large networks"
(2008): each node joins the neighbouring community that raises the modularity most, pass after
pass until none moves; the communities then become the nodes of a smaller graph, and so on
until a level moves nothing. Nodes are visited in order (no random shuffle), so the same graph
always gives the same communities.

This was networkx's ``louvain_communities``; importing networkx cost 100 – 150 ms, a fifth of
``render_erd``'s whole time on a 1,000-table schema (docs/erd.md, "render_erd as a process"),
for the one function the diagrams used. ``tests/designer/test_erd_louvain.py`` checks the
communities' modularity against networkx's on generated schemas while it is installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def communities(count: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The communities of the graph of nodes ``0 … count-1`` and ``edges`` (pairs, each once,
    no self-loops), each a sorted list of nodes, in the order of their smallest node."""
    links: list[dict[int, float]] = [{} for _ in range(count)]
    for a, b in edges:
        links[a][b] = links[a].get(b, 0.0) + 1.0
        links[b][a] = links[b].get(a, 0.0) + 1.0
    loops = [0.0] * count
    members: list[list[int]] = [[n] for n in range(count)]
    while True:
        community = _local_moves(links, loops)
        if community is None:
            break
        links, loops, members = _aggregate(links, loops, members, community)
    return sorted((sorted(group) for group in members), key=lambda group: group[0])


def _local_moves(links: Sequence[dict[int, float]], loops: Sequence[float]) -> list[int] | None:
    """Each node's community after moving nodes one at a time while the modularity rises;
    None when no node moved. ``loops``: each node's self-loop weight (an aggregated
    community's inner links)."""
    count = len(links)
    degree = [sum(links[n].values()) + 2 * loops[n] for n in range(count)]
    twice_total = sum(degree)
    if twice_total == 0:
        return None
    community = list(range(count))
    total = degree[:]  # the degrees summed per community
    moved_any = False
    moved = True
    while moved:
        moved = False
        for node in range(count):
            own = community[node]
            share = degree[node] / twice_total
            towards: dict[int, float] = {}
            for other, weight in links[node].items():
                towards[community[other]] = towards.get(community[other], 0.0) + weight
            total[own] -= degree[node]
            best, best_gain = own, towards.get(own, 0.0) - total[own] * share
            for candidate in sorted(towards):
                gain = towards[candidate] - total[candidate] * share
                if gain > best_gain + 1e-12:
                    best, best_gain = candidate, gain
            total[best] += degree[node]
            if best != own:
                community[node] = best
                moved = moved_any = True
    return community if moved_any else None


def _aggregate(
    links: Sequence[dict[int, float]],
    loops: Sequence[float],
    members: Sequence[list[int]],
    community: Sequence[int],
) -> tuple[list[dict[int, float]], list[float], list[list[int]]]:
    """The graph whose nodes are the communities: links between two summed, links within one
    its self-loop; ``members``: the original nodes of each node, gathered per community."""
    number: dict[int, int] = {}
    for c in community:
        number.setdefault(c, len(number))
    merged: list[dict[int, float]] = [{} for _ in number]
    merged_loops = [0.0] * len(number)
    merged_members: list[list[int]] = [[] for _ in number]
    for node, outward in enumerate(links):
        here = number[community[node]]
        merged_loops[here] += loops[node]
        merged_members[here] += members[node]
        for other, weight in outward.items():
            there = number[community[other]]
            if there == here:
                if node < other:  # each inner link once
                    merged_loops[here] += weight
            else:
                merged[here][there] = merged[here].get(there, 0.0) + weight
    return merged, merged_loops, merged_members
