"""The DOT source of a diagram: nodes, ports, crow's-foot ends, clusters, views, escaping."""

from __future__ import annotations

import re
import shutil
from xml.etree import ElementTree

import pytest

from designer.erd import Options, render_diagram
from designer.erd.dot import LARGE, OptionError, cardinality, resolve, select, to_dot
from designer.erd.model import Group, from_schema, from_snapshot, groups_by_table
from migrations_engine.schema import ForeignKey, PrimaryKey, Schema, Table, Unique
from migrations_engine.snapshot import to_data
from tests.designer.schemas import col, sample_schema, wide_schema

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed",
)


def shop() -> Schema:
    """The sample schema plus a self-reference, a one-to-one and a junction table."""
    employee = Table(
        "employee",
        columns=(col("id", "bigint", "e-id", nullable=False), col("manager_id", "bigint", "e-m")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("manager_id",), "employee", ("id",), "employee_manager_fkey"),),
        id="t-employee",
    )
    badge = Table(
        "badge",
        columns=(
            col("id", "bigint", "b-id", nullable=False),
            col("employee_id", "bigint", "b-e", nullable=False),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("employee_id",), "employee", ("id",), "badge_employee_fkey"),),
        uniques=(Unique(("employee_id",), "badge_employee_key"),),
        id="t-badge",
    )
    served_by = Table(
        "served_by",
        columns=(
            col("order_id", "bigint", "s-o", nullable=False),
            col("employee_id", "bigint", "s-e", nullable=False),
        ),
        primary_key=PrimaryKey(("order_id", "employee_id")),
        foreign_keys=(
            ForeignKey(("employee_id",), "employee", ("id",), "served_by_employee_fkey"),
            ForeignKey(("order_id",), "order", ("id",), "served_by_order_fkey"),
        ),
        id="t-served",
    )
    schema = sample_schema()
    for table in (employee, badge, served_by):
        schema = schema.with_table(table)
    return schema


def node_line(source: str, name: str) -> str:
    """The DOT line of the node whose label starts with table ``name``."""
    for line in source.splitlines():
        if f"<B>{name}</B></TD></TR>" in line and "[label=" in line:
            return line
    raise AssertionError(f"no node for {name}")


def node_id(source: str, name: str) -> str:
    return node_line(source, name).strip().split(" ", 1)[0]


def edges(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if " -> " in line]


def edge_from(source: str, table: str, fk_columns: str) -> str:
    """The (first) edge of a foreign key, found by its tooltip."""
    for line in edges(source):
        if f'tooltip="{table}({fk_columns})' in line:
            return line
    raise AssertionError(f"no edge for {table}({fk_columns})")


# ---------------------------------------------------------------- structure


def test_tables_are_html_labels_with_a_row_and_two_ports_per_column():
    source = to_dot(from_schema(shop()), Options(view="all"))

    line = node_line(source, "customer")
    assert line.lstrip().startswith("t1 [label=<<TABLE")  # tables sorted: badge, customer, …
    assert '<TD PORT="c0w" ALIGN="LEFT"><B>region</B></TD>' in line
    assert (
        '<TD PORT="c0e" ALIGN="RIGHT"><FONT POINT-SIZE="9" COLOR="#5b6472">PK</FONT></TD>' in line
    )
    assert "c4w" in line and "c4e" in line and "c5w" not in line
    assert "enum(status)" in line and "timestamptz" in line


def test_markers_for_keys_unique_and_nullable():
    source = to_dot(from_schema(shop()), Options(view="all"))

    customer = node_line(source, "customer")
    assert re.search(r"email</TD>.*?>UQ<", customer)
    assert re.search(r"status</TD>.*?><I>null</I><", customer)
    order = node_line(source, "order")
    assert re.search(r"customer_region</TD>.*?>FK<", order)
    served = node_line(source, "served_by")
    assert re.search(r"order_id</B></TD>.*?>PK FK<", served)


def test_edges_run_from_the_key_column_east_to_the_referenced_column_west():
    source = to_dot(from_schema(shop()), Options(view="all"))
    order, customer = node_id(source, "order"), node_id(source, "customer")

    edge = edge_from(source, "order", "customer_region, customer_number")

    assert edge.startswith(f"{order}:c1e:e -> {customer}:c0w:w ")


def ends(source: str, edge: str) -> tuple[str, str]:
    """(arrowtail, arrowhead) of an edge line, or the defaults of the ``edge [...]`` line."""
    defaults = next(line for line in source.splitlines() if line.strip().startswith("edge ["))

    def attr(name: str) -> str:
        found = re.search(rf"\b{name}=(\w+)", edge) or re.search(rf"\b{name}=(\w+)", defaults)
        return found[1] if found else ""

    return attr("arrowtail"), attr("arrowhead")


def test_crows_foot_ends_by_cardinality():
    source = to_dot(from_schema(shop()), Options(view="all"))

    many = edge_from(source, "order", "customer_region, customer_number")
    assert ends(source, many) == ("crowodot", "teetee")
    one_to_one = edge_from(source, "badge", "employee_id")
    assert ends(source, one_to_one) == ("teeodot", "teetee")
    optional = edge_from(source, "employee", "manager_id")
    assert ends(source, optional) == ("crowodot", "teeodot")
    assert re.search(r"edge \[.*dir=both", source)


def test_cardinality_table():
    diagram = from_schema(shop())
    by_description = {e.description.split("(")[0] + str(e.source_columns): e for e in diagram.edges}

    assert cardinality(by_description["badge(1,)"]) == ("teeodot", "teetee")
    assert cardinality(by_description["employee(1,)"]) == ("crowodot", "teeodot")


def test_composite_keys_draw_one_notation_edge_and_dashed_lines_for_the_other_columns():
    source = to_dot(from_schema(shop()), Options(view="all"))
    order, customer = node_id(source, "order"), node_id(source, "customer")

    lines = [e for e in edges(source) if e.startswith(f"{order}:")]

    assert len(lines) == 2
    assert lines[1].startswith(f"{order}:c2e:e -> {customer}:c1w:w ")
    assert "style=dashed" in lines[1] and "arrowhead=none" in lines[1]


def test_a_self_reference_loops_east_to_east():
    source = to_dot(from_schema(shop()), Options(view="all"))
    employee = node_id(source, "employee")

    assert edge_from(source, "employee", "manager_id").startswith(
        f"{employee}:c1e:e -> {employee}:c0e:e "
    )


def test_junction_tables_say_what_they_link():
    source = to_dot(from_schema(shop()), Options(view="all"))

    assert "<I>junction: employee ↔ order</I>" in node_line(source, "served_by")
    assert "junction" not in node_line(source, "order")


def test_splines_honour_ports():
    source = to_dot(from_schema(shop()), Options(view="all"))

    assert "splines=true" in source
    assert "ortho" not in source
    assert "rankdir=LR" in source


def test_groups_are_clusters_in_their_colour():
    schema = shop()
    groups = groups_by_table(
        schema.tables,
        [
            {"name": "Sales", "colour": "#aa3300", "tables": ["t-customer", "order"]},
            {"name": "Staff", "colour": "not a colour", "tables": ["t-employee"]},
        ],
    )
    source = to_dot(from_schema(schema, groups), Options(view="all"))

    sales = source[source.index("subgraph cluster_0") : source.index("subgraph cluster_1")]
    assert "label=<<B>Sales</B>>" in sales and 'color="#aa3300"' in sales
    assert node_id(source, "customer") + " [" in sales and node_id(source, "order") + " [" in sales
    staff = source[source.index("subgraph cluster_1") :]
    assert 'color="#4a7bd0"' in staff  # a bad colour falls back to the default
    assert 'BGCOLOR="#ecd2c7"' in node_line(source, "customer")  # the header takes a tint


def test_the_snapshot_reading_gives_the_same_diagram_as_the_schema():
    schema = shop()

    assert from_snapshot(to_data(schema)) == from_schema(schema)


# ---------------------------------------------------------------- views


def test_focus_keeps_the_table_and_its_neighbours_within_n_hops():
    diagram = from_schema(shop())

    def shown(hops: int) -> set[str]:
        return {
            diagram.tables[n].name for n in select(diagram, Options(focus="badge", hops=hops)).shown
        }

    assert shown(0) == {"badge"}
    assert shown(1) == {"badge", "employee"}
    assert shown(2) == {"badge", "employee", "served_by"}
    assert shown(3) == {"badge", "employee", "served_by", "order"}
    source = to_dot(diagram, Options(focus="badge", hops=1))
    assert 'BORDER="3"' in node_line(source, "badge")  # the focus stands out
    assert "customer" not in source


def test_an_unknown_focus_or_group_is_an_option_error():
    diagram = from_schema(shop())

    with pytest.raises(OptionError, match="no table 'nope'"):
        to_dot(diagram, Options(focus="nope"))
    with pytest.raises(OptionError, match="no group 'nope'"):
        to_dot(diagram, Options(group="nope"))


def test_rendering_an_unknown_focus_falls_back_and_says_so():
    rendered = render_diagram(from_schema(shop()), Options(focus="nope"), "dot")

    assert rendered.error == "No table 'nope': showing the default view instead."
    assert rendered.options.view == "all"


def test_a_group_filter_draws_neighbours_elsewhere_as_stubs():
    schema = shop()
    groups = groups_by_table(
        schema.tables, [{"name": "Staff", "colour": "#336699", "tables": ["t-employee", "t-badge"]}]
    )
    diagram = from_schema(schema, groups)

    selection = select(diagram, Options(group="Staff"))

    assert {diagram.tables[n].name for n in selection.shown} == {"badge", "employee"}
    assert {diagram.tables[n].name for n in selection.stubs} == {"served_by"}
    source = to_dot(diagram, Options(group="Staff"))
    stub = next(line for line in source.splitlines() if "served_by" in line and "[label=" in line)
    assert 'STYLE="dashed"' in stub and "PORT" not in stub
    stub_id, employee = stub.strip().split(" ")[0], node_id(source, "employee")
    assert any(e.startswith(f"{stub_id} -> {employee}:c0w:w") for e in edges(source))


def test_highlight_marks_matching_tables_and_columns():
    source = to_dot(from_schema(shop()), Options(view="all", highlight=("EMAIL", "badg")))

    assert '<TD COLSPAN="3" BGCOLOR="#fff08a"' in node_line(source, "badge")
    customer = node_line(source, "customer")
    assert '<TD PORT="c2w" ALIGN="LEFT" BGCOLOR="#fff08a">email' in customer
    assert '<TD COLSPAN="3" BGCOLOR="#fff08a"' not in customer


def test_overview_draws_a_node_per_group_linking_to_its_diagram():
    schema = shop()
    groups = groups_by_table(
        schema.tables,
        [
            {"name": "Sales", "colour": "#aa3300", "tables": ["t-customer", "t-order"]},
            {"name": "Staff & co", "colour": "#336699", "tables": ["t-employee", "t-badge"]},
        ],
    )
    source = to_dot(from_schema(schema, groups), Options(view="overview", page_link="/p/x/erd/"))

    assert "2 tables" in source and "Staff &amp; co" in source and "<I>Ungrouped</I>" in source
    assert 'URL="/p/x/erd/?group=Staff%20%26%20co"' in source
    assert 'URL="/p/x/erd/?view=ungrouped"' in source
    # served_by -> order, employee: one undirected link per pair of groups, with its count
    assert "g0 -> g2 [label=1 dir=none" in source and "g1 -> g2 [label=1 dir=none" in source
    assert "2 tables · linked to 1 other group<" in source  # Sales and Staff: with Ungrouped only


def test_small_schemas_default_to_the_whole_diagram():
    options, notice = resolve(from_schema(shop()), Options())

    assert options.view == "all" and notice == ""


def test_large_schemas_default_to_the_overview_or_a_focus():
    schema = wide_schema(LARGE + 1)
    groups = groups_by_table(schema.tables, [{"name": "G", "colour": "#336699", "tables": ["t0"]}])

    options, notice = resolve(from_schema(schema, groups), Options())
    assert options.view == "overview"
    assert notice == "101 tables: showing the groups."

    options, notice = resolve(from_schema(schema), Options())
    assert options.focus == "t0001" and options.hops == 1
    assert notice == "101 tables: showing t0001 and its neighbours."

    options, _ = resolve(from_schema(schema), Options(view="all"))
    assert options == Options(view="all")


def test_unknown_views_fall_back_to_the_default():
    options, _ = resolve(from_schema(shop()), Options(view="<script>"))

    assert options.view == "all"


def test_table_links_are_url_quoted():
    schema = Schema(tables=(Table("a b/c", columns=(col("x", "integer"),), id="id?&="),))

    source = to_dot(from_schema(schema), Options(view="all", table_link="/d/?table={key}&n={name}"))

    assert 'URL="/d/?table=id%3F%26%3D&n=a%20b%2Fc"' in source


# ---------------------------------------------------------------- escaping

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp;",
    "表",
    "it's \\N \\",
    "]]> --> <!--",
    "tab\there\x01",
]


def hostile_schema() -> tuple[Schema, dict[str, Group]]:
    tables = []
    for n, name in enumerate(HOSTILE):
        columns = (
            col(name, "bigint", f"c{n}", nullable=False),
            col(f"ref {name}", "bigint", f"r{n}"),
            col("kind", 'enum("<b onmouseover=x>&amp;")', f"k{n}"),
        )
        fks = (
            (ForeignKey((f"ref {name}",), HOSTILE[n - 1], (HOSTILE[n - 1],), f"fk{n}"),)
            if n
            else ()
        )
        tables.append(
            Table(
                name,
                columns=columns,
                primary_key=PrimaryKey((name,)),
                foreign_keys=fks,
                comment=f"comment {name}",
                id=f"id {name}",
            )
        )
    schema = Schema(tables=tuple(tables))
    groups = groups_by_table(
        schema.tables,
        [{"name": '<img src=x onerror="alert(2)">', "colour": "#123456", "tables": HOSTILE[:3]}],
    )
    return schema, groups


def test_hostile_names_are_escaped_in_the_dot_source():
    schema, groups = hostile_schema()

    source = to_dot(from_schema(schema, groups), Options(view="all", table_link="/t/{key}"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in source
    assert "&amp;amp;" in source and "表" in source and "it&#x27;s" in source
    assert "tab\u2409here\u2401" in source  # control characters shown, not passed through
    labels = " ".join(re.findall(r"label=<(.*?)> (?:class|id|URL|color)", source))
    assert "&lt;script&gt;" in labels and "&lt;b onmouseover=x&gt;" in labels
    assert "<script" not in labels and "<img" not in labels and "<b onmouseover" not in labels
    assert "tooltip=\"it's \\\\N \\\\ — comment it's \\\\N \\\\\"" in source  # no \N expansion


def test_hostile_names_render_literally_and_inject_nothing_into_the_svg():
    schema, groups = hostile_schema()

    rendered = render_diagram(
        from_schema(schema, groups), Options(view="all", table_link="/t/{key}")
    )
    svg = rendered.content.decode()

    assert "<script" not in svg.lower() and "<img" not in svg.lower() and "<b " not in svg
    assert re.search(r"<text[^>]*>&lt;script&gt;alert\(1\)&lt;/script&gt;</text>", svg)
    assert re.search(r"<text[^>]*>&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;</text>", svg)
    assert re.search(r"<text[^>]*>&amp;amp;</text>", svg)
    assert re.search(r"<text[^>]*>表</text>", svg)
    assert 'data-table="&lt;script&gt;alert(1)&lt;/script&gt;"' in svg
    assert "<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; — comment" in svg
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in svg  # the group's name
    assert 'xlink:href="/t/id%20%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in svg
    # Well-formed XML holding only Graphviz's elements and no event handler attributes.
    root = ElementTree.fromstring(svg)
    tags = {element.tag.split("}")[1] for element in root.iter()}
    assert tags <= {"svg", "g", "title", "a", "text", "polygon", "polyline", "path", "ellipse"}
    assert not [name for element in root.iter() for name in element.attrib if name.startswith("on")]


def test_svg_png_pdf_and_dot_formats():
    diagram = from_schema(shop())

    assert render_diagram(diagram, Options(), "svg").content.startswith(b"<svg ")
    assert render_diagram(diagram, Options(), "png").content.startswith(b"\x89PNG")
    assert render_diagram(diagram, Options(), "pdf").content.startswith(b"%PDF")
    assert render_diagram(diagram, Options(), "dot").content.startswith(b"digraph erd {")
    with pytest.raises(ValueError):
        render_diagram(diagram, Options(), "gif")


def test_the_snapshot_reading_knows_expression_indexes_are_not_unique_keys():
    """A unique index on an expression (lower(email)) makes no column unique: both readings say
    so (the fast reading once had no idea of index keys and answered 500 on such a version)."""
    from dataclasses import replace

    from migrations_engine.schema import Index, IndexKey

    schema = shop()
    customer = schema.table("customer")
    by_email = Index(("lower(email)",), "customer_email_lower", True, keys=(IndexKey(expression=True),), id="i-lower")
    schema = replace(schema, tables=tuple(
        replace(t, indexes=(*t.indexes, by_email)) if t is customer else t for t in schema.tables
    ))

    assert from_snapshot(to_data(schema)) == from_schema(schema)


def test_an_overview_with_links_between_all_its_groups_keeps_each_groups_strongest():
    from collections import Counter

    from designer.erd.dot import MAX_OVERVIEW_LINKS, STRONGEST_PER_GROUP, _strongest_links

    groups = 12  # 66 pairs, over MAX_OVERVIEW_LINKS
    between = Counter({(a, b): 1 + (a * 7 + b * 3) % 11 for a in range(groups) for b in range(a + 1, groups)})
    assert len(between) > MAX_OVERVIEW_LINKS

    kept = _strongest_links(between)

    assert len(kept) < len(between)
    for group in range(groups):
        strongest = sorted((c, p) for p, c in between.items() if group in p)[-1]
        assert strongest[1] in kept  # every group keeps at least its strongest link
        assert sum(1 for p in kept if group in p) >= STRONGEST_PER_GROUP
    few = Counter({(0, 1): 3, (1, 2): 1})
    assert _strongest_links(few) == dict(few)


def test_a_focus_within_a_group_shows_its_neighbours_elsewhere_as_stubs():
    schema = sample_schema()
    groups = {"customer": Group("People", "#336699"), "order": Group("Sales", "#aa3300")}
    diagram = from_schema(schema, groups)

    selection = select(diagram, Options(group="Sales", focus="order", hops=1))
    alone = select(diagram, Options(focus="order", hops=0, group="Sales"))

    names = lambda ns: {diagram.tables[n].name for n in ns}  # noqa: E731
    assert names(selection.shown) == {"order"}
    assert names(selection.stubs) == {"customer"}  # a neighbour in another group
    assert names(alone.stubs) == set()  # 0 hops: no neighbour is within reach


def test_the_overview_marks_the_groups_holding_highlighted_tables():
    schema = sample_schema()
    groups = {"customer": Group("People", "#336699"), "order": Group("Sales", "#aa3300")}
    diagram = from_schema(schema, groups)

    source = to_dot(diagram, Options(view="overview", highlight=("ORD",)))

    sales = next(line for line in source.splitlines() if "<B>Sales</B>" in line)
    people = next(line for line in source.splitlines() if "<B>People</B>" in line)
    assert "1 highlighted" in sales and "#fff08a" in sales
    assert "highlighted" not in people and "#fff08a" not in people
