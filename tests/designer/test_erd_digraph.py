"""``erd.digraph`` writes what the ``graphviz`` package's ``Digraph`` wrote, byte for byte.

The diagrams' DOT source was built with the package until its import cost outgrew a small
diagram's drawing; each view of each diagram here is built twice, once with our writer and once
with the package's (swapped into ``erd.dot``), and the two sources must be equal.
"""

from __future__ import annotations

import pytest

from designer.erd import dot
from designer.erd.diff import diff_diagram
from designer.erd.digraph import quote, quote_edge
from designer.erd.dot import Options, to_dot
from designer.erd.model import Group, from_schema
from tests.designer.schemas import sample_schema, wide_schema
from tests.designer.test_erd_diff import changed_schema
from tests.designer.test_erd_dot import hostile_schema, shop

graphviz = pytest.importorskip("graphviz")


def diagrams():
    hostile, hostile_groups = hostile_schema()
    yield "hostile", from_schema(hostile, hostile_groups)
    groups = {"customer": Group("Sales & <co>", "#aa3300"), "employee": Group("HR", "bad")}
    yield "shop", from_schema(shop(), groups)
    yield "wide", from_schema(wide_schema(30))
    yield "diff", diff_diagram(sample_schema(), changed_schema())


VIEWS = [
    Options(view="all"),
    Options(view="all", highlight=("id", "<"), table_link="/t/{key}?n={name}"),
    Options(view="overview", page_link="/p/x/erd/"),
    Options(view="ungrouped"),
    Options(view="changes"),
    Options(view="all", focus="order", hops=2),
    Options(view="all", group="HR"),
]


def both(diagram, options, monkeypatch) -> tuple[str, str]:
    try:
        ours = to_dot(diagram, options)
    except dot.OptionError:
        return "", ""
    with monkeypatch.context() as patch:
        patch.setattr(dot, "Digraph", graphviz.Digraph)
        patch.setattr(dot, "NoHtml", graphviz.quoting.NoHtml)
        theirs = to_dot(diagram, options)
    return ours, theirs


@pytest.mark.parametrize("options", VIEWS, ids=repr)
def test_every_view_of_every_diagram_is_the_packages_source(options, monkeypatch):
    compared = 0
    for name, diagram in diagrams():
        ours, theirs = both(diagram, options, monkeypatch)
        assert ours == theirs, name
        compared += bool(ours)
    assert compared


@pytest.mark.parametrize(
    "value",
    [
        "t0", "-1.5", ".5", "7", "graph", "Node", "a b", 'say "hi"', 'a\\"b', "a\\\\", "#5b6472",
        "rounded,filled", "<<B>x</B>>", "<x", "", "表", "a\nb",
    ],
)
def test_quoting_is_the_packages(value):
    assert quote(value) == graphviz.quoting.quote(value)
    nohtml = dot.plain(value)
    assert quote(nohtml) == graphviz.quoting.quote(graphviz.nohtml(str(nohtml)))


@pytest.mark.parametrize("end", ["t3", "t3:c1e", "t3:c1e:e", "a b:c d:w"])
def test_edge_ends_are_the_packages(end):
    assert quote_edge(end) == graphviz.quoting.quote_edge(end)
