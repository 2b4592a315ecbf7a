"""Rendered diagrams are kept by content hash and options: a second view runs no dot."""

from __future__ import annotations

import pytest

from designer.erd import Options, render
from designer.erd.cache import RENDERER, cache_key, cached_render, subject
from designer.erd.model import from_schema
from designer.erd.render import RenderError
from tests.designer.schemas import sample_schema


@pytest.fixture
def reads() -> list[int]:
    return []


def diagram(reads):
    def read():
        reads.append(1)
        return from_schema(sample_schema())

    return read


WHAT = subject("sha256:abc", [{"name": "Sales"}])


def test_the_second_render_runs_no_dot_and_reads_nothing(dot_calls, reads):
    first = cached_render(WHAT, Options(), "svg", diagram(reads))
    second = cached_render(WHAT, Options(), "svg", diagram(reads))

    assert dot_calls == ["svg"] and len(reads) == 1
    assert second.content == first.content and second.options == first.options


def test_other_options_formats_or_content_render_again(dot_calls, reads):
    cached_render(WHAT, Options(), "svg", diagram(reads))
    cached_render(WHAT, Options(focus="order"), "svg", diagram(reads))
    cached_render(WHAT, Options(), "png", diagram(reads))
    cached_render(subject("sha256:def", []), Options(), "svg", diagram(reads))
    cached_render(WHAT, Options(focus="order"), "svg", diagram(reads))

    assert dot_calls == ["svg", "svg", "plain", "png", "svg"]  # a PNG: its size, then it


def test_dot_sources_are_cached_without_running_dot(dot_calls, reads):
    cached_render(WHAT, Options(), "dot", diagram(reads))
    cached_render(WHAT, Options(), "dot", diagram(reads))

    assert dot_calls == [] and len(reads) == 1


def test_failures_are_not_cached(monkeypatch, reads):
    def failing(sources, fmt, timeout=0):
        raise RenderError("dot took longer than 1 s")

    monkeypatch.setattr(render, "run_dots", failing)
    for _ in range(2):
        with pytest.raises(RenderError):
            cached_render(WHAT, Options(), "svg", diagram(reads))

    assert len(reads) == 2


def test_the_key_names_the_renderer_content_options_and_format():
    keys = {
        cache_key(WHAT, Options(), "svg"),
        cache_key(WHAT, Options(), "png"),
        cache_key(WHAT, Options(hops=2), "svg"),
        cache_key(subject("sha256:abc", []), Options(), "svg"),
    }

    assert len(keys) == 4
    assert RENDERER and all(key.startswith("erd:") and len(key) == 68 for key in keys)
    assert subject("a", {"x": 1, "y": 2}) == subject("a", {"y": 2, "x": 1})
