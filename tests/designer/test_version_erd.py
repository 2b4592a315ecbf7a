import re

import pytest

from designer.erd import render
from designer.erd.render import RenderError
from designer.models import SchemaVersion
from tests.designer.conftest import HTMX, READ_MATRIX
from tests.designer.schemas import sample_schema, wide_schema

URL = "/p/shop/v/1/erd/"


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("url", [URL, "/p/shop/v/1/erd.svg", "/p/shop/v/1/erd.dot"])
def test_role_matrix(client, cast, version, role, status, url):
    client.force_login(cast.user(role))

    assert client.get(url).status_code == status


def test_it_requires_login(client, version):
    assert client.get(URL).status_code == 302


def test_the_page_shows_the_diagram_inline(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL).content.decode()

    assert '<section id="erd"' in content
    assert '<svg class="erd-svg" role="img"' in content
    assert 'data-table="customer"' in content and 'data-table="order"' in content
    assert "<?xml" not in content
    # A table's link focuses the diagram on it.
    assert 'xlink:href="/p/shop/v/1/erd/?focus=customer"' in content
    assert "vendor/svg-pan-zoom.min.js" in content
    assert "2 of 2 tables" in content


def test_htmx_gets_the_panel_alone(client, cast, version):
    client.force_login(cast.viewer)

    response = client.get(URL, **HTMX)

    content = response.content.decode()
    assert content.startswith('<section id="erd"')
    assert "<html" not in content and "<svg" in content
    assert "HX-Request" in response["Vary"]


def test_the_version_page_loads_it_after_the_page(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert (
        '<section id="erd" class="erd" aria-label="Diagram" hx-get="/p/shop/v/1/erd/" hx-trigger="load"'
        in content
    )
    assert 'href="/p/shop/v/1/erd/diff/"' in content


@pytest.mark.parametrize(
    "fmt, media_type, start",
    [
        ("svg", "image/svg+xml", b"<svg "),
        ("png", "image/png", b"\x89PNG"),
        ("pdf", "application/pdf", b"%PDF"),
        ("dot", "text/vnd.graphviz; charset=utf-8", b"digraph erd {"),
    ],
)
def test_exports(client, cast, version, fmt, media_type, start):
    client.force_login(cast.viewer)

    response = client.get(f"/p/shop/v/1/erd.{fmt}?focus=order&hops=0")

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="shop-v1-focus-order-0-hops.{fmt}"'
    assert response.content.startswith(start)


def test_an_svg_download_may_run_nothing(client, cast, version):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/erd.svg")

    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_other_formats_and_versions_are_404s(client, cast, version):
    client.force_login(cast.viewer)

    assert client.get("/p/shop/v/1/erd.gif").status_code == 404
    assert client.get("/p/shop/v/9/erd/").status_code == 404


def test_focus_and_hops(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL + "?focus=order&hops=0").content.decode()

    assert 'data-table="order"' in content and 'data-table="customer"' not in content
    assert "1 of 2 tables" in content and "Whole diagram" in content


def test_an_unknown_focus_says_so_and_shows_the_default(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL + "?focus=<nope>").content.decode()

    assert "No table &#x27;&lt;nope&gt;&#x27;: showing the default view instead." in content
    assert 'data-table="customer"' in content


def test_search_highlights_tables_and_columns(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL + "?q=EMAIL").content.decode()

    assert content.count('fill="#fff08a"') == 3  # the three cells of the email row
    assert 'value="EMAIL"' in content


def test_the_group_filter(client, cast):
    groups = [{"id": "g1", "name": "Sales", "colour": "#aa3300", "tables": ["t-order"]}]
    SchemaVersion.publish(cast.project, sample_schema(), groups=groups, author=cast.owner)
    client.force_login(cast.viewer)

    content = client.get(URL + "?group=Sales").content.decode()

    assert '<option value="Sales" selected>Sales</option>' in content
    assert re.search(r'class="node" data-table="order"', content)
    assert "1 of 2 tables" in content  # customer is a stub, not counted
    assert "<title>Sales</title>" in content


def test_a_second_view_renders_nothing_and_reads_no_snapshot(
    client, cast, version, dot_calls, django_assert_max_num_queries
):
    client.force_login(cast.viewer)
    client.get(URL)
    assert dot_calls == ["svg"]

    with django_assert_max_num_queries(
        4
    ):  # session, user, membership, version without its snapshot
        response = client.get(URL)

    assert dot_calls == ["svg"]
    assert b'data-table="customer"' in response.content


def test_a_large_schema_opens_on_its_groups_with_the_whole_one_click_away(client, cast):
    schema = wide_schema(120)
    groups = [
        {"id": "a", "name": "First", "colour": "#aa3300", "tables": [f"t{n}" for n in range(60)]},
        {
            "id": "b",
            "name": "Second",
            "colour": "#336699",
            "tables": [f"t{n}" for n in range(60, 120)],
        },
    ]
    SchemaVersion.publish(cast.project, schema, groups=groups, author=cast.owner)
    client.force_login(cast.viewer)

    content = client.get(URL).content.decode()

    assert "120 tables: showing the groups." in content
    assert 'data-table="t0001"' not in content
    assert 'xlink:href="/p/shop/v/1/erd/?group=Second"' in content
    assert '<a href="/p/shop/v/1/erd/?view=all"' in content


def test_dot_failing_is_a_message_not_an_error(client, cast, version, monkeypatch):
    def failing(sources, fmt, timeout=0):
        raise RenderError("dot took longer than 120 s")

    monkeypatch.setattr(render, "run_dots", failing)
    client.force_login(cast.viewer)

    page = client.get(URL)
    download = client.get("/p/shop/v/1/erd.png")

    assert page.status_code == 200
    assert b"The diagram could not be drawn: dot took longer than 120 s." in page.content
    assert download.status_code == 503


def test_the_view_says_where_it_is_in_breadcrumbs(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL + "?focus=order&hops=0&at=order").content.decode()

    assert '<nav class="erd-crumbs"' in content
    assert '<a href="/p/shop/v/1/erd/" hx-get="/p/shop/v/1/erd/"' in content  # Overview: no groups
    assert 'href="/p/shop/v/1/erd/?focus=order&amp;hops=0"' in content
    assert "order (within 0 hops)" in content
    assert 'data-query="focus=order&amp;hops=0&amp;at=order"' in content and 'data-at="order"' in content
    assert 'action="/p/shop/v/1/erd/search/"' in content


# ---------------------------------------------------------------- drawing in the background


@pytest.fixture
def small_inline(settings):
    """Every schema of more than one table counts as large."""
    settings.ERD_INLINE_TABLES = 1


def test_a_large_cold_view_answers_a_placeholder_and_a_task_draws_it(
    client, cast, version, dot_calls, small_inline, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from designer import diagrams
    from tests.designer.deployments import run_queued

    client.force_login(cast.viewer)

    first = client.get(URL + "?focus=order").content.decode()
    again = client.get(URL + "?focus=order", **HTMX).content.decode()
    monkeypatch.setattr(diagrams, "QUICK_POLL_FOR", 0.0)  # as if waiting for a while
    later = client.get(URL + "?focus=order", **HTMX).content.decode()

    assert dot_calls == []
    assert 'class="erd erd-drawing"' in first and "<svg" not in first
    # Asked again quickly at first, then every second.
    assert 'hx-get="/p/shop/v/1/erd/?focus=order" hx-trigger="load delay:250ms"' in again
    assert 'hx-get="/p/shop/v/1/erd/?focus=order" hx-trigger="load delay:1000ms"' in later
    assert DBTaskResult.objects.count() == 1  # the second request enqueued nothing
    assert run_queued() == ["SUCCESSFUL"]
    assert dot_calls == ["svg"]

    drawn = client.get(URL + "?focus=order", **HTMX).content.decode()

    assert drawn.startswith('<section id="erd" class="erd"') and 'data-table="order"' in drawn
    assert dot_calls == ["svg"]
    assert DBTaskResult.objects.count() == 1


def test_small_schemas_and_downloads_are_drawn_at_once(client, cast, version, dot_calls, settings):
    client.force_login(cast.viewer)

    assert b"<svg" in client.get(URL).content  # 2 tables: under the default threshold
    settings.ERD_INLINE_TABLES = 1
    download = client.get("/p/shop/v/1/erd.svg?view=all&hops=0")

    assert download.content.startswith(b"<svg ")
    assert dot_calls == ["svg", "svg"]


def test_a_failed_background_drawing_says_so_and_stops_asking(
    client, cast, version, monkeypatch, small_inline
):
    from tests.designer.deployments import run_queued

    def failing(sources, fmt, timeout=0):
        raise RenderError("dot took longer than 120 s")

    monkeypatch.setattr(render, "run_dots", failing)
    client.force_login(cast.viewer)
    client.get(URL, **HTMX)
    run_queued()

    content = client.get(URL, **HTMX).content.decode()

    assert "The diagram could not be drawn: dot took longer than 120 s." in content
    assert "hx-trigger=\"load" not in content


def test_a_focus_names_its_tables_group_in_the_breadcrumbs(client, cast):
    groups = [{"id": "g1", "name": "Sales & co", "colour": "#aa3300", "tables": ["t-order"]}]
    SchemaVersion.publish(cast.project, sample_schema(), groups=groups, author=cast.owner)
    client.force_login(cast.viewer)

    content = client.get(URL + "?focus=order").content.decode()

    assert re.search(
        r'<a href="/p/shop/v/1/erd/\?view=overview"[^>]*>Overview</a> › '
        r'<a href="/p/shop/v/1/erd/\?group=Sales\+%26\+co"[^>]*>Sales &amp; co</a> › '
        r'<a href="/p/shop/v/1/erd/\?focus=order&amp;hops=1"[^>]*>order \(within 1 hop\)</a>',
        content,
    )


def _png_size(content: bytes) -> tuple[int, int]:
    return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")


def test_a_png_at_scale_2_is_twice_as_wide(client, cast, version):
    client.force_login(cast.viewer)
    one = client.get("/p/shop/v/1/erd.png?focus=order&hops=0")
    two = client.get("/p/shop/v/1/erd.png?focus=order&hops=0&scale=2")
    assert two.status_code == 200
    assert abs(_png_size(two.content)[0] - 2 * _png_size(one.content)[0]) <= 2


def test_a_png_too_large_to_read_is_refused_with_the_svg_and_pdf_offered(client, cast, version, monkeypatch):
    monkeypatch.setattr(render, "MAX_PNG_SIDE", 50)  # the real limit needs a huge schema: same check, smaller
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/erd.png?focus=order&hops=1&scale=2")

    assert response.status_code == 413
    content = response.content.decode()
    assert "<h1>Too large for a PNG</h1>" in content
    assert 'href="/p/shop/v/1/erd.svg?focus=order&amp;hops=1"' in content
    assert 'href="/p/shop/v/1/erd.pdf?focus=order&amp;hops=1"' in content
    assert '<a href="/p/shop/v/1/erd/?focus=order&amp;hops=1">Back to the diagram</a>' in content
    assert "For this view, the PNG would be" in content


def test_a_found_clusters_breadcrumb_is_its_name_not_its_key(client, cast):
    SchemaVersion.publish(cast.project, wide_schema(130), author=cast.owner)
    client.force_login(cast.viewer)
    overview = client.get(URL + "?view=overview").content.decode()
    key = re.search(r'\?group=(cluster%3A[^"&]+)"', overview)[1]

    content = client.get(URL + f"?group={key}").content.decode()

    crumbs = re.search(r'<nav class="erd-crumbs".*?</nav>', content, re.S)[0]
    link = re.search(rf'<a href="/p/shop/v/1/erd/\?group={re.escape(key)}"[^>]*>([^<]*)</a>', crumbs)
    assert link and " more" in link[1] and "cluster:" not in link[1]


def test_a_downloads_file_name_says_its_view(client, cast):
    groups = [{"id": "g1", "name": "Sales & co", "colour": "#aa3300", "tables": ["t-order"]}]
    SchemaVersion.publish(cast.project, sample_schema(), groups=groups, author=cast.owner)
    client.force_login(cast.viewer)

    def name(query: str) -> str:
        return client.get(f"/p/shop/v/1/erd.dot{query}")["Content-Disposition"]

    assert name("?view=all") == 'attachment; filename="shop-v1.dot"'
    assert name("?group=Sales+%26+co") == 'attachment; filename="shop-v1-group-sales-co.dot"'
    assert name("?view=overview") == 'attachment; filename="shop-v1-overview.dot"'


def test_a_panel_inside_another_page_links_its_view_on_its_own_page(client, cast, version):
    client.force_login(cast.viewer)
    inside = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver/p/shop/v/1/"}
    alone = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver/p/shop/v/1/erd/?view=all"}

    embedded = client.get(URL + "?focus=order&hops=2", **inside).content.decode()
    on_its_page = client.get(URL + "?focus=order&hops=2", **alone).content.decode()

    assert '<a href="/p/shop/v/1/erd/?focus=order&amp;hops=2">This view on its own page</a>' in embedded
    assert "This view on its own page" not in on_its_page
