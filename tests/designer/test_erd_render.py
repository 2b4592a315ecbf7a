"""Running dot: output, failures, the timeout; a large view drawn in parts; tidying its SVG."""

from __future__ import annotations

import os
import random
import re

import pytest

import designer.erd as erd
from bench.generate import generate_schema
from designer.erd import LARGE, Options, dot, render
from designer.erd.clusters import add_clusters
from designer.erd.model import from_schema
from designer.erd.render import RenderError, run_dot, tidy_svg

SOURCE = 'digraph erd { t0 [id=erd_t0 label="a"] t1 [id=erd_t1 label="b"] t0 -> t1 }'


def test_it_runs_dot():
    svg = run_dot(SOURCE, "svg")

    assert svg.startswith(b"<?xml") and b"<svg" in svg


def test_a_dot_error_is_a_render_error_with_dots_message():
    with pytest.raises(RenderError, match="^dot failed: .*syntax error"):
        run_dot("digraph { t0 -> }", "svg")


def test_a_missing_dot_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(render, "dot_command", lambda: "/nonexistent/dot")

    with pytest.raises(RenderError, match="apt-get install graphviz"):
        run_dot(SOURCE, "svg")


def test_a_slow_dot_is_stopped(monkeypatch, tmp_path):
    slow = tmp_path / "dot"
    slow.write_text("#!/bin/sh\nexec sleep 10\n")
    slow.chmod(0o755)
    monkeypatch.setattr(render, "dot_command", lambda: str(slow))

    with pytest.raises(RenderError, match="dot took longer than 0.2 s"):
        run_dot(SOURCE, "svg", timeout=0.2)


def test_tidy_svg_drops_the_prolog_and_names_the_nodes():
    svg = tidy_svg(run_dot(SOURCE, "svg"), {"t0": ("a<b", 'a<b — "x"'), "t1": ("b", "b")}).decode()

    assert svg.startswith(
        '<svg class="erd-svg" role="img" aria-label="Entity-relationship diagram" '
    )
    assert (
        '<g id="erd_t0" class="node" data-table="a&lt;b">\n<title>a&lt;b — &quot;x&quot;</title>'
        in svg
    )
    assert "<title>t0&#45;&gt;t1</title>" not in svg  # edge titles (node names) go


def test_tidy_svg_says_the_font_once_and_drops_what_draws_nothing():
    source = (
        'digraph erd { node [fontname=Helvetica fontsize=11 shape=plain] '
        't0 [id=erd_t0 label=<<TABLE><TR><TD>id</TD><TD> </TD>'
        '<TD><FONT POINT-SIZE="9">PK</FONT></TD></TR></TABLE>>] }'
    )
    raw = run_dot(source, "svg")
    svg = tidy_svg(raw, {"t0": ("a", "a")}).decode()

    assert raw.count(b"<!--") >= 2 and "<!--" not in svg  # node names, as comments
    assert svg.startswith(
        '<svg class="erd-svg" role="img" aria-label="Entity-relationship diagram" '
        'font-family="Helvetica,sans-Serif" font-size="11" '
    )
    texts = [line for line in svg.splitlines() if line.startswith("<text")]
    assert [t.rsplit(">", 2)[-2].split("<")[0] for t in texts] == ["id", "PK"]  # not the blank
    assert texts[0].startswith('<text x="') and "font" not in texts[0]  # inherits the root's
    assert 'font-size="9.00"' in texts[1] and "font-family" not in texts[1]
    assert 'text-anchor="start"' not in svg and 'stroke="transparent"' not in svg
    assert len(svg) < 0.8 * len(raw)


# ------------------------------------------------------------ a large view drawn in parts


def drawn_elements(svg: bytes) -> dict[str, list[str]]:
    """Each kind of element of a drawing (cluster, node, edge) as the sorted texts of its
    groups, without comments and edge ids (numbered by the order dot meets them)."""
    text = re.sub(r"<!--[^\n]*-->\n", "", svg.decode())
    found: dict[str, list[str]] = {"cluster": [], "node": [], "edge": []}
    for match in re.finditer(r'<g id="([^"]+)" class="(node|edge|cluster)">\n(.*?)\n</g>\n(?=<g id=|</g>)', text, re.S):
        body = re.sub(r'id="a_edge\d+"', "", match[3]) if match[2] == "edge" else match[0]
        found[match[2]].append(body)
    return {kind: sorted(bodies) for kind, bodies in found.items()}


@pytest.fixture(scope="module")
def placed_view():
    diagram = from_schema(generate_schema(300, random.Random(4)))
    add_clusters(diagram, above=LARGE)
    drawing = dot.drawing(diagram, Options(view="all"))
    assert drawing.columns and len(drawing.nodes) == 300  # placed by us
    return drawing


@pytest.mark.parametrize("parts", [2, 3])
def test_a_view_drawn_in_parts_is_the_view_drawn_whole(placed_view, parts):
    sources = placed_view.sources(parts)
    whole = run_dot(placed_view.source(), "svg")
    joined = render.merge_svgs(render.run_dots(sources, "svg"))

    assert len(sources) == parts
    expected, got = drawn_elements(whole), drawn_elements(joined)
    assert len(got["node"]) == 300 and len(got["edge"]) > 100 and got["cluster"]
    assert got == expected
    size = re.compile(rb'<svg width="[^"]*" height="[^"]*"\n viewBox="[^"]*"')
    frame = re.compile(rb'<g id="graph0"[^>]*>')
    assert size.search(joined)[0] == size.search(whole)[0]
    assert frame.search(joined)[0] == frame.search(whole)[0]
    edge_ids = re.findall(rb'<g id="(edge\d+)"', joined)
    assert len(edge_ids) == len(set(edge_ids))  # numbered on across the parts


def test_each_part_draws_its_tables_once_and_the_far_ends_of_its_keys_invisibly(placed_view):
    sources = placed_view.sources(2)
    drawn = [set(re.findall(r"id=erd_t(\d+)", source)) for source in sources]
    copies = [set(re.findall(r"id=erd_copy(\d+)", source)) for source in sources]

    assert not drawn[0] & drawn[1] and len(drawn[0] | drawn[1]) == 300
    assert copies[0] and copies[0] <= drawn[1] and copies[1] <= drawn[0]
    assert all(source.count("id=erd_anchor") == 1 for source in sources)
    assert placed_view.sources(1) == [placed_view.source()]


def test_the_anchor_and_the_copies_leave_nothing_in_the_page(placed_view):
    svg = tidy_svg(
        render.merge_svgs(render.run_dots(placed_view.sources(2), "svg")), {}
    ).decode()

    assert "erd_copy" not in svg and "erd_anchor" not in svg
    assert tidy_svg(b'<svg x="1">\n<g id="erd_copy5" class="node">\n<title>t5</title>\n</g>\n</svg>', {}).count(b"<g") == 0


def test_a_part_failing_fails_the_drawing_and_leaves_no_dot_running(monkeypatch, tmp_path):
    log = tmp_path / "pids"
    fake = tmp_path / "dot"
    # The first part sleeps, the second fails at once: the sleeper must not outlive the call.
    fake.write_text(
        f'#!/bin/sh\necho $$ >> {log}\nif grep -q slow; then exec sleep 30; fi\n'
        'echo "Error: syntax error in line 1" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr(render, "dot_command", lambda: str(fake))

    with pytest.raises(RenderError, match="took longer than 0.5 s"):
        render.run_dots(["digraph slow {}", "digraph quick {}"], "svg", timeout=0.5)
    for pid in log.read_text().split():
        assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2]


def test_a_part_with_an_error_says_dots_message():
    with pytest.raises(RenderError, match="^dot failed: .*syntax error"):
        render.run_dots([SOURCE, "digraph { t0 -> }"], "svg")


def test_a_large_drawing_is_drawn_in_as_many_parts_as_processors(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert erd._parts(1000) == 2 and erd._parts(299) == 1 and erd._parts(20) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert erd._parts(1000) == 1
