"""PNG exports: at a scale, never shrunk below legible text; refused (for SVG or PDF) beyond."""

from __future__ import annotations

import random
import shutil
import struct

import pytest

from bench.generate import generate_schema
from designer.erd import ExportTooLarge, Options, RenderError, render_diagram
from designer.erd.model import Group, from_schema
from designer.erd.render import MAX_PNG_PIXELS, MAX_PNG_SIDE, png_size, run_png
from tests.designer.schemas import sample_schema

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def pixels(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


def test_a_png_at_scale_2_has_twice_the_pixels_of_scale_1():
    diagram = from_schema(sample_schema())

    one = render_diagram(diagram, Options(), "png")
    two = render_diagram(diagram, Options(scale=2), "png")

    (w1, h1), (w2, h2) = pixels(one.content), pixels(two.content)
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2
    assert two.options.scale == 2


def test_the_size_is_known_before_drawing():
    source = "digraph erd {\n\tgraph [pad=0.2]\n\ta -> b\n}\n"

    for scale in (1, 3):
        assert png_size(source, scale) == pixels(run_png(source, scale))


def test_a_png_too_large_to_stay_legible_is_refused_with_svg_and_pdf_offered():
    schema = generate_schema(300, random.Random(1))
    group = Group("everything", "#aa3300")
    diagram = from_schema(schema, {t.name: group for t in schema.tables})

    with pytest.raises(ExportTooLarge) as raised:
        render_diagram(diagram, Options(group="everything", scale=2), "png")

    error = raised.value
    assert isinstance(error, RenderError)  # a view that knows only RenderError still answers
    assert error.width > MAX_PNG_SIDE and error.scale == 2
    assert str(error) == (
        f"the PNG would be {error.width:,} × {error.height:,} px at scale 2 (at most 16,384 px "
        "a side and 50 million pixels keep its text legible): download the SVG or PDF instead, "
        "or a smaller view"
    )
    # The same view as SVG is drawn.
    assert render_diagram(diagram, Options(group="everything"), "svg").shown == 300


def test_a_scale_can_make_a_png_too_large():
    schema = generate_schema(50, random.Random(1))
    diagram = from_schema(schema)

    width, height = pixels(render_diagram(diagram, Options(), "png").content)
    assert width * height <= MAX_PNG_PIXELS
    with pytest.raises(ExportTooLarge) as raised:
        render_diagram(diagram, Options(scale=4), "png")
    assert raised.value.scale == 4 and raised.value.width * raised.value.height > MAX_PNG_PIXELS


def test_scales_are_kept_between_1_and_4():
    source = "digraph erd {\n\ta -> b\n}\n"

    assert pixels(run_png(source, 0)) == pixels(run_png(source, 1))
    assert pixels(run_png(source, 9)) == pixels(run_png(source, 4))
