"""Running dot: output, failures, the timeout; tidying its SVG."""

from __future__ import annotations

import pytest

from designer.erd import render
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
