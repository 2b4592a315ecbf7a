"""Groups found from the foreign-key graph, for the tables the designer's groups leave out.

A large schema without groups (or with many tables in none) is browsed by its clusters:
connected components of the foreign-key graph; one larger than ``CAP`` split into modularity
communities (Louvain, ``erd.louvain``), and a community still larger cut breadth-first;
components and communities of fewer than ``SMALL`` tables share clusters (packed up to
``CAP``), and components of one or two tables are gathered into "Unrelated tables" (in pieces
of at most ``CAP``). Each cluster is named after its
most connected table (``order_0003 & 37 more``) and has a ``key`` derived from that table's name
(``cluster:order_0003``) that overview links and URLs use, so a link keeps working for the same
schema, and mostly across small changes to it. The same schema always gives the same clusters.

A designer's group of more than ``layout.MAX_DRAWN`` tables, which no view would draw, is split
the same way among its own tables (``split_large_groups``): its parts ("Sales · order_0003 & 90
more", key ``part:Sales:cluster:order_0003``, the group's colour) take its place in the
overview, and asking for the group itself shows the overview saying it is in parts.
"""

from __future__ import annotations

import zlib

from designer.erd import louvain
from designer.erd.layout import MAX_DRAWN
from designer.erd.model import Diagram, Group

CAP = 150  # tables: no cluster is larger
TINY = 2  # tables: components this small go to "Unrelated tables"
SMALL = 12  # tables: components smaller than this share clusters, packed up to CAP
UNRELATED = "Unrelated tables"
# Muted colours that dark text reads on once tinted, chosen per cluster by its key.
PALETTE = ("#5b7fa6", "#7a6ea8", "#4f8f7a", "#a0764a", "#8a8f3c", "#a45d7a", "#4c8aa0", "#7d7d7d")

_memo: dict[int, list[tuple[str, str, list[str]]]] = {}
_MEMO_SIZE = 8


def add_clusters(diagram: Diagram, above: int = 100) -> Diagram:
    """Put the tables in no group into clusters when there are more than ``above`` of them.

    The clusters join ``diagram.groups`` after the designer's groups (``Group.found`` set), and
    their tables' ``group`` is set: every view then treats them as groups. Idempotent; returns
    ``diagram`` (changed in place).
    """
    if diagram.clustered:
        return diagram
    diagram.clustered = True
    split_large_groups(diagram)
    loose = [n for n, t in enumerate(diagram.tables) if t.group not in diagram.groups]
    if len(loose) <= above:
        return diagram
    positions, pairs = _graph_of(diagram, loose)
    names, tables = sorted(positions), diagram.tables
    fingerprint = hash((tuple(names), tuple(pairs)))
    found = _memo.get(fingerprint)
    if found is None:
        found = find_clusters(names, pairs)
        if len(_memo) >= _MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        _memo[fingerprint] = found
    taken = set(diagram.groups)
    for key, title, members in found:
        name = title
        number = 2
        while name in taken:  # a designer's group of the same name keeps it
            name, number = f"{title} ({number})", number + 1
        taken.add(name)
        diagram.groups[name] = Group(name, _colour(key), key=key, found=True)
        for member in members:
            for n in positions[member]:
                tables[n].group = name
    return diagram


def _graph_of(
    diagram: Diagram, members: list[int]
) -> tuple[dict[str, list[int]], list[tuple[str, str]]]:
    """The foreign-key graph among the tables ``members`` (positions), by name: each name's
    positions (a diff may hold a removed and an added table of one name: one node here), and
    the pairs of names linked by a key, in order."""
    tables, inside = diagram.tables, set(members)
    positions: dict[str, list[int]] = {}
    for n in members:
        positions.setdefault(tables[n].name, []).append(n)
    pairs = sorted(
        {
            tuple(sorted((tables[e.source].name, tables[e.target].name)))
            for e in diagram.edges
            if e.source in inside and e.target in inside and tables[e.source].name != tables[e.target].name
        }
    )
    return positions, pairs  # type: ignore[return-value]


def split_large_groups(diagram: Diagram, most: int = MAX_DRAWN) -> None:
    """A designer's group of more than ``most`` tables (``layout.MAX_DRAWN``: no view draws
    more) in parts, found as clusters are among its own tables (``find_clusters``), each
    called "<group> · <its most connected table> & N more" in the group's colour; the parts
    take the group's place in ``diagram.groups``, and ``diagram.parts`` remembers them."""
    tables = diagram.tables
    members: dict[str, list[int]] = {}
    for n, table in enumerate(tables):
        if table.group in diagram.groups:
            members.setdefault(table.group, []).append(n)
    large = {name for name, ns in members.items() if len(ns) > most and not diagram.groups[name].found}
    if not large:
        return
    groups: dict[str, Group] = {}
    for name, group in diagram.groups.items():
        if name not in large:
            groups[name] = group
            continue
        positions, pairs = _graph_of(diagram, members[name])
        diagram.parts[name] = []
        for key, title, names in find_clusters(sorted(positions), pairs):
            part = f"{name} · {title}"
            groups[part] = Group(part, group.colour, key=f"part:{name}:{key}", found=True)
            diagram.parts[name].append(part)
            for table_name in names:
                for n in positions[table_name]:
                    tables[n].group = part
    diagram.groups = groups


def find_clusters(
    names: list[str], pairs: list[tuple[str, str]]
) -> list[tuple[str, str, list[str]]]:
    """(key, title, member names) of each cluster of the tables ``names`` linked by ``pairs``
    (foreign keys, either direction), largest first."""
    adjacent: dict[str, set[str]] = {name: set() for name in names}
    for a, b in pairs:
        adjacent[a].add(b)
        adjacent[b].add(a)
    clusters: list[list[str]] = []
    tiny: list[list[str]] = []  # components, kept whole
    for component in sorted(_components(adjacent), key=lambda c: (-len(c), c[0])):
        if len(component) <= TINY:
            tiny.append(sorted(component))
        else:
            clusters += _split(adjacent, component)
    # Communities and components too small to browse alone share clusters, in order.
    packed: list[list[str]] = []
    small: list[str] = []
    for members in clusters:
        if len(members) >= SMALL:
            packed.append(members)
            continue
        if len(small) + len(members) > CAP:
            packed.append(small)
            small = []
        small += members
    if small:
        packed.append(small)
    out = []
    for members in sorted(packed, key=lambda m: (-len(m), min(m))):
        hub = max(sorted(members), key=lambda n: len(adjacent[n]))
        out.append((f"cluster:{hub}", f"{hub} & {len(members) - 1} more", sorted(members)))
    pieces: list[list[str]] = []
    for component in sorted(tiny):
        if not pieces or len(pieces[-1]) + len(component) > CAP:
            pieces.append([])
        pieces[-1] += component
    for number, piece in enumerate(pieces, 1):
        title = UNRELATED if len(pieces) == 1 else f"{UNRELATED} {number} ({piece[0]} …)"
        out.append((f"unrelated:{number}", title, piece))
    return out


def _components(adjacent: dict[str, set[str]]) -> list[list[str]]:
    """The connected components, each in breadth-first order from its first name."""
    seen: set[str] = set()
    out = []
    for start in adjacent:
        if start in seen:
            continue
        seen.add(start)
        component = [start]
        for node in component:  # grows as it is walked: breadth-first
            for other in sorted(adjacent[node] - seen):
                seen.add(other)
                component.append(other)
        out.append(component)
    return out


def _split(adjacent: dict[str, set[str]], component: list[str]) -> list[list[str]]:
    """A connected component as communities of at most ``CAP`` tables.

    Louvain (``erd.louvain``) runs once, on the component with its trees folded in: a table with one
    neighbour joins that neighbour's community, which the modularity would choose anyway, and
    the graph Louvain walks shrinks to the component's core (under half of a sparse schema):
    Louvain's time is most of the clustering. A community still above ``CAP`` is cut
    breadth-first into equal parts.
    """
    if len(component) <= CAP:
        return [sorted(component)]
    parent = _fold(adjacent, component)
    core = sorted(n for n in component if n not in parent)
    communities: list[set[str]] = [set(core)]
    if len(core) > CAP:
        position = {name: k for k, name in enumerate(core)}
        found = louvain.communities(
            len(core),
            sorted(
                (position[a], position[b])
                for a in core
                for b in adjacent[a]
                if a < b and b not in parent
            ),
        )
        communities = [{core[k] for k in members} for members in found]
    home = {n: k for k, community in enumerate(communities) for n in community}
    for node in parent:
        root = node
        while root in parent:
            root = parent[root]
        communities[home[root]].add(node)
    out: list[list[str]] = []
    for community in sorted(communities, key=lambda c: (-len(c), min(c))):
        out += _cut(adjacent, community)
    return out


def _fold(adjacent: dict[str, set[str]], component: list[str]) -> dict[str, str]:
    """Each table of the component's trees (one neighbour, repeatedly), and its neighbour
    towards the core; the core is what is not folded (one table, when the whole is a tree)."""
    degree = {n: len(adjacent[n]) for n in component}
    parent: dict[str, str] = {}
    leaves = sorted((n for n in component if degree[n] == 1), reverse=True)
    while leaves and len(parent) < len(component) - 1:
        node = leaves.pop()
        if degree[node] != 1:
            continue
        other = next(n for n in adjacent[node] if n not in parent)
        parent[node] = other
        degree[node] = 0
        degree[other] -= 1
        if degree[other] == 1:
            leaves.append(other)
    return parent


def _cut(adjacent: dict[str, set[str]], members: set[str]) -> list[list[str]]:
    """``members`` in equal parts of at most ``CAP``, breadth-first from the most connected."""
    if len(members) <= CAP:
        return [sorted(members)]
    ordered: list[str] = []
    seen: set[str] = set()
    for start in sorted(members, key=lambda n: (-len(adjacent[n] & members), n)):
        if start in seen:
            continue
        seen.add(start)
        found = [start]
        for node in found:
            for other in sorted((adjacent[node] & members) - seen):
                seen.add(other)
                found.append(other)
        ordered += found
    parts = -(-len(ordered) // CAP)
    size = -(-len(ordered) // parts)
    return [sorted(ordered[i : i + size]) for i in range(0, len(ordered), size)]


def _colour(key: str) -> str:
    return PALETTE[zlib.crc32(key.encode("utf-8")) % len(PALETTE)]
