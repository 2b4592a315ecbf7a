"""Layout by size, with the real dot: no drawing taller than three screens at a legible zoom.

Measured on bench/generate.py's schemas (seed 1), SVG viewBox in points (11-point text; the
limit, ``layout.MAX_HEIGHT``, is 2,475 pt: 3 × 900 px at 12 px per 11 points):

| view | before (dot's own ranks) | now (placed in columns) |
|---|---|---|
| 50 tables, whole | 1,847 × 4,243 | 3,039 × 1,473 |
| 300 tables, whole (4 clusters; `render_erd` only) | 3,396 × 27,440 | 11,821 × 2,369 |
| 300 tables in one group | 3,396 × 27,440 | 11,125 × 2,369 |
| 1,000 tables, default: the overview of 20 clusters | (a focus) | 1,586 × 1,070 |
| 1,000 tables, largest cluster (150) | | 4,889 × 2,333 |
| 1,000 tables, whole | 4,095 × 104,868 | refused: the overview |
| 10,000 tables, overview of 92 clusters (sfdp) | 945 × 23,687 (dot) | 2,099 × 1,781 |
| 10,000 tables, largest cluster (150) | | 6,123 × 2,369 |
"""

from __future__ import annotations

import random
import shutil

import pytest

from bench.generate import generate_schema
from designer.erd import Options, layout, render_diagram
from designer.erd.dot import to_dot
from designer.erd.layout import MAX_DRAWN, MAX_HEIGHT, svg_size
from designer.erd.dot import ANCHOR
from designer.erd.render import run_dot
from designer.erd.model import Group, from_schema, groups_by_table
from migrations_engine.schema import ForeignKey, PrimaryKey, Schema, Table
from tests.designer.schemas import col, sample_schema, wide_schema

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def generated(tables: int):
    return generate_schema(tables, random.Random(1))


@pytest.fixture(scope="module")
def schema_300():
    return generated(300)


@pytest.fixture(scope="module")
def schema_1000():
    return generated(1000)


def test_a_300_table_group_is_no_taller_than_three_screens(schema_300):
    group = Group("everything", "#aa3300")
    diagram = from_schema(schema_300, {t.name: group for t in schema_300.tables})

    rendered = render_diagram(diagram, Options(group="everything"), "svg")

    width, height = svg_size(rendered.content)
    assert rendered.shown == 300 and rendered.error == ""
    assert 1_500 < height <= MAX_HEIGHT  # was 27,440 pt with dot's own ranks
    assert width < 17_000  # about 45 columns of tables
    assert rendered.content.count(b'class="node"') >= 300


def test_50_tables_are_drawn_whole_within_three_screens():
    rendered = render_diagram(from_schema(generated(50)), Options(), "svg")

    assert rendered.options.view == "all" and rendered.shown == 50
    assert svg_size(rendered.content)[1] <= MAX_HEIGHT  # was 4,243 pt


def test_300_tables_whole_in_their_clusters_within_three_screens(schema_300):
    rendered = render_diagram(from_schema(schema_300), Options(view="all"), "svg")

    assert rendered.shown == 300 and len(rendered.groups) == 4
    assert svg_size(rendered.content)[1] <= MAX_HEIGHT


def test_1000_tables_open_on_an_overview_and_each_cluster_fits(schema_1000):
    diagram = from_schema(schema_1000)
    overview = render_diagram(diagram, Options(), "svg")

    assert overview.options.view == "overview"
    assert svg_size(overview.content)[1] <= MAX_HEIGHT
    largest = max(
        overview.groups, key=lambda g: sum(1 for t in diagram.tables if t.group == g.name)
    )
    view = render_diagram(diagram, Options(group=largest.ref), "svg")
    assert view.shown == 150 and svg_size(view.content)[1] <= MAX_HEIGHT


def test_a_view_of_more_than_max_drawn_tables_is_refused_for_the_overview(schema_1000):
    rendered = render_diagram(from_schema(schema_1000), Options(view="all"), "svg")

    assert rendered.refused == 1000 > MAX_DRAWN
    assert rendered.options.view == "overview" and rendered.shown == 0
    assert rendered.error == (
        "1,000 tables are too many to draw in one readable picture (at most 300): showing "
        "the groups instead. Open a group, focus on a table or search for one."
    )


def test_render_erd_still_draws_what_it_is_asked(schema_1000):
    rendered = render_diagram(from_schema(schema_1000), Options(view="all"), "dot", strict=True)

    assert rendered.refused == 0 and rendered.shown == 1000
    assert b"layout=nop2" in rendered.content


def test_a_small_diagram_keeps_dots_own_ranks():
    source = to_dot(from_schema(sample_schema()), Options(view="all"))

    assert "nop2" not in source and "pos=" not in source


def test_the_overview_of_many_groups_is_laid_out_by_sfdp():
    rendered = render_diagram(from_schema(generated(10_000)), Options(), "svg")

    assert rendered.options.view == "overview" and len(rendered.groups) > layout.COLUMNS_FROM
    assert svg_size(rendered.content)[1] <= MAX_HEIGHT  # dot: 23,687 pt
    source = render_diagram(from_schema(generated(1000)), Options(), "dot").content
    assert b"layout=sfdp" not in source  # 20 groups: dot


def test_columns_hold_one_cluster_each_within_the_budget():
    heights = {n: 100.0 for n in range(10)}
    cluster = {n: (0 if n < 5 else 1) for n in range(10)}

    cut = layout.columns(range(10), heights, cluster, budget=400)

    # 100 + the gap between a cluster's tables, and the cluster's label once per column.
    assert cut == [[0, 1], [2, 3], [4], [5, 6], [7, 8], [9]]
    assert layout.columns(range(4), heights, {}, budget=400) == [[0, 1, 2], [3]]


def test_a_focus_on_too_many_tables_is_drawn_with_fewer_hops():
    hub = Table(
        "hub", columns=(col("id", "bigint", nullable=False),), primary_key=PrimaryKey(("id",))
    )
    spokes = [
        Table(
            f"spoke{n:03}",
            columns=(col("id", "bigint", nullable=False), col("hub_id", "bigint")),
            primary_key=PrimaryKey(("id",)),
            foreign_keys=(ForeignKey(("hub_id",), "hub", ("id",)),),
        )
        for n in range(MAX_DRAWN + 10)
    ]
    diagram = from_schema(Schema(tables=(hub, *spokes)))

    rendered = render_diagram(diagram, Options(focus="spoke000", hops=2), "dot")

    assert rendered.options.hops == 1 and rendered.shown == 2 and rendered.refused == 0
    assert rendered.error == (
        "2 hops around spoke000 are too many tables to draw in one readable picture "
        "(at most 300): showing 1 hop."
    )


def test_a_few_dozen_tables_take_a_screens_shape():
    rendered = render_diagram(from_schema(generated(40)), Options(), "svg")

    width, height = svg_size(rendered.content)
    assert 1.2 < width / height < 2.4  # 16:9 aimed at; 4 columns two screens tall before


def test_the_same_overview_of_many_groups_is_drawn_the_same_twice():
    schema = wide_schema(130)
    groups = [
        {"name": f"G{k:02}", "colour": "#336699", "tables": [f"t{4 * k + n:04}" for n in range(4)]}
        for k in range(30)
    ]
    first, second = (
        render_diagram(diagram, Options(), "svg")
        for diagram in (from_schema(schema, groups_by_table(schema.tables, groups)) for _ in "12")
    )

    assert first.options.view == "overview" and b"G29" in first.content
    assert first.content == second.content  # sfdp from a fixed start
    assert svg_size(first.content)[1] <= MAX_HEIGHT


def boxes_in(plain: bytes) -> dict[str, tuple[float, float, float, float]]:
    """Node → (left, bottom, right, top) in inches, from ``dot -Tplain``."""
    out = {}
    for line in plain.decode().splitlines():
        if line.startswith("node "):
            _, name, x, y, w, h, *_ = line.split(" ", 6)
            x, y, w, h = map(float, (x, y, w, h))
            out[name] = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
    return out


@pytest.mark.parametrize("seed", [4, 5])
def test_a_large_view_is_placed_in_columns_without_overlaps_within_three_screens(seed):
    # With dot's own ranks in fixed columns, these two schemas' cluster boxes came out taller
    # than their columns and were drawn a second time with straight lines.
    schema = generate_schema(300, random.Random(seed))
    diagram = from_schema(schema)
    source = render_diagram(diagram, Options(view="all"), "dot").content.decode()
    assert "layout=nop2" in source and source.count(" pos=") == 300 + 1  # and the anchor

    rendered = render_diagram(diagram, Options(view="all"), "svg")
    assert svg_size(rendered.content)[1] <= MAX_HEIGHT
    assert b'id="erd_c0"' in rendered.content  # the clusters' boxes are drawn

    boxes = boxes_in(run_dot(source, "plain"))
    anchor = boxes.pop(ANCHOR)
    placed = sorted(boxes.values())
    assert len(placed) == 300
    assert all(anchor[2] < left and anchor[3] < bottom for left, bottom, _, _ in placed)
    for k, (left, bottom, right, top) in enumerate(placed):
        for other in placed[k + 1 :]:
            if other[0] >= right:  # sorted by left edge: no later one can overlap
                break
            assert other[3] <= bottom or other[1] >= top, "two tables overlap"


def test_the_focus_picker_of_a_large_diagram_offers_the_drawn_tables(schema_1000):
    diagram = from_schema(schema_1000)
    name = schema_1000.tables[0].name
    overview = render_diagram(diagram, Options(), "dot")
    focus = render_diagram(diagram, Options(focus=name, hops=1), "dot")
    small = render_diagram(from_schema(generated(50)), Options(focus=name, hops=1), "dot")

    assert overview.tables == ()  # the overview draws no table; the search finds them all
    assert focus.error == "" and name in focus.tables
    assert 1 < len(focus.tables) == focus.shown < 20
    assert small.error == "" and len(small.tables) == 50  # a small diagram offers every table


def test_each_box_is_drawn_round_its_own_columns_only():
    sizes = {0: (100.0, 300.0), 1: (120.0, 200.0), 2: (80.0, 100.0), 3: (90.0, 50.0)}

    placed = layout.place([[0, 1], [2], [3]], sizes, ["cluster_0", "cluster_1", ""])

    def edges(n):
        (x, y), (w, h) = placed.centres[n], sizes[n]
        return x - w / 2, y - h / 2, x + w / 2, y + h / 2

    for box, members in (("cluster_0", [0, 1]), ("cluster_1", [2])):
        left, bottom, right, top = placed.boxes[box]
        inner = [edges(n) for n in members]
        assert all(left < l and bottom < b and r < right and t < top for l, b, r, t in inner)
        # Snug: its lowest table a margin above its bottom, whatever the other columns' heights.
        assert min(b for _, b, _, _ in inner) - bottom == pytest.approx(layout.BOX_MARGIN_PT)
    assert placed.boxes["cluster_1"][1] > placed.boxes["cluster_0"][1]  # a shorter box
    assert edges(3)[0] > placed.boxes["cluster_1"][2]  # the boxless column after the boxes


def test_a_group_too_large_to_draw_says_which_and_what_to_do():
    schema = generated(400)
    group = Group("Everything", "#aa3300")
    diagram = from_schema(schema, {t.name: group for t in schema.tables})

    rendered = render_diagram(diagram, Options(group="Everything"), "dot")

    assert rendered.refused == 400 and rendered.options.view == "overview"
    parts = diagram.parts["Everything"]
    assert rendered.error == (
        "The group “Everything” has 400 tables, too many to draw in one readable picture (at "
        f"most 300): showing the groups instead, where it is in {len(parts)} parts (“{parts[0]}”, "
        "…). Open one, focus on one of its tables or search for one."
    )


def test_a_group_too_large_to_draw_is_browsed_in_parts():
    schema = generated(400)
    group = Group("Everything", "#aa3300")
    diagram = from_schema(schema, {t.name: group for t in schema.tables})

    overview = render_diagram(diagram, Options(view="overview"), "svg")

    parts = diagram.parts["Everything"]
    assert len(parts) >= 3 and all(p.startswith("Everything · ") for p in parts)
    assert [g.name for g in overview.groups] == parts  # in the group's place
    assert all(g.colour == "#aa3300" and g.key.startswith("part:Everything:") for g in overview.groups)
    assert sum(1 for t in diagram.tables if t.group in parts) == 400  # every table in one part
    for part in overview.groups:
        view = render_diagram(diagram, Options(group=part.ref), "svg")
        assert view.error == "" and 0 < view.shown <= 150
        assert svg_size(view.content)[1] <= MAX_HEIGHT
