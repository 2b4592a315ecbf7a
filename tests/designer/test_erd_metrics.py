"""Label sizes computed in Python (erd.metrics) against Graphviz's own measure of the same
labels: never narrower, at most a tenth wider, heights exact."""

from __future__ import annotations

import random
import re
import shutil

import pytest

from bench.generate import generate_schema
from designer.erd import dot, metrics
from designer.erd.diff import diff_diagram
from designer.erd.digraph import Digraph
from designer.erd.model import from_schema
from designer.erd.render import run_dot
from tests.designer.schemas import sample_schema
from tests.designer.test_erd_diff import changed_schema
from tests.designer.test_erd_dot import hostile_schema

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)

_NODE = re.compile(r"^node (\S+) \S+ \S+ (\S+) (\S+) ", re.MULTILINE)


def graphviz_sizes(labels: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Graphviz's own (width, height) in points of each label: every node at one given
    position (``layout=nop2``), so that no layout runs."""
    graph = Digraph("erd", graph_attr={**dot.GRAPH_ATTRS, "layout": "nop2"}, node_attr=dot.NODE_ATTRS)
    for name, label in labels.items():
        graph.node(name, label=label, pos="0,0")
    plain = run_dot(graph.source, "plain").decode()
    return {m[1]: (float(m[2]) * 72, float(m[3]) * 72) for m in _NODE.finditer(plain)}


def diagrams():
    yield "generated", from_schema(generate_schema(300, random.Random(3)))
    yield "diff (renames, type changes)", diff_diagram(sample_schema(), changed_schema())
    schema, groups = hostile_schema()
    yield "hostile names (markup, quotes, CJK, control characters)", from_schema(schema, groups)


@pytest.mark.parametrize("name, diagram", list(diagrams()), ids=lambda v: v if isinstance(v, str) else "")
def test_computed_sizes_are_graphvizs_within_a_margin(name, diagram):
    labels, computed = {}, {}
    for n, table in enumerate(diagram.tables):
        labels[f"f{n}"] = dot.table_label(table, None, (), False)
        computed[f"f{n}"] = metrics.table_size(table)
        labels[f"x{n}"] = dot.table_label(table, None, (), True)
        computed[f"x{n}"] = metrics.table_size(table, focused=True)
        labels[f"s{n}"] = dot.stub_label(table, None)
        computed[f"s{n}"] = metrics.table_size(table, stub=True)

    measured = graphviz_sizes(labels)

    assert measured.keys() == computed.keys()
    for node, (width, height) in measured.items():
        ours = computed[node]
        assert width <= ours[0] <= 1.12 * width, (node, ours, (width, height))
        assert ours[1] == pytest.approx(height, abs=0.01), (node, ours, (width, height))
