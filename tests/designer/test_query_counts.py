"""The editor's pages and answers run as many queries for 500 tables as for 50, and send a page of
the table list, never all of it (issue 14: the editor and review pages at 10,000 tables).

Each test builds a 50-table and a 500-table draft, makes the same request of both and compares
the queries: a query per table (or per page of tables) creeping back makes them differ.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designer.models import Draft, DraftForeignKey
from designer.views.editor import CHOICES_LIMIT, LIST_PAGE, PICK_LIMIT
from tests.designer.conftest import HTMX, draft_url
from tests.designer.schemas import wide_schema

SIZES = (50, 500)


@pytest.fixture
def drafts(cast) -> dict[int, Draft]:
    return {
        size: Draft.objects.create_from_schema(cast.project, wide_schema(size), None, cast.architect, title=f"{size}")
        for size in SIZES
    }


def queries(client, method: str, url: str, **kwargs) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302), response.status_code
    return len(captured), response.content


def same_queries(client, drafts, method: str, path: str, **kwargs) -> dict[int, bytes]:
    """The request ``path`` (``{n}``: the size) of each draft; asserts equal query counts."""
    counts, contents = {}, {}
    for size, draft in drafts.items():
        counts[size], contents[size] = queries(client, method, draft_url(draft, path.format(n=size // 2)), **kwargs)
    assert counts[SIZES[0]] == counts[SIZES[1]], counts
    return contents


def test_the_editor_page(client, cast, drafts):
    client.force_login(cast.architect)

    contents = same_queries(client, drafts, "get", "?table=t{n}")

    for size, content in contents.items():
        assert content.count(b'<li id="table-item-') == min(size, LIST_PAGE)
        assert (b"Show more tables" in content) == (size > LIST_PAGE)
        assert f'placeholder="Search {size} tables"'.encode() in content


def test_the_table_panel(client, cast, drafts):
    client.force_login(cast.architect)

    same_queries(client, drafts, "get", "t/t{n}/", **HTMX)


def test_adding_a_column(client, cast, drafts):
    client.force_login(cast.architect)

    same_queries(client, drafts, "post", "t/t{n}/columns/new/", data={"name": "extra", "type": "integer"}, **HTMX)


def test_the_sql_preview(client, cast, drafts):
    client.force_login(cast.viewer)

    same_queries(client, drafts, "get", "preview/", **HTMX)


def test_the_filtered_table_list(client, cast, drafts):
    client.force_login(cast.viewer)

    contents = same_queries(client, drafts, "get", "tables/?q=t0", **HTMX)

    # t0000 … t0049 of the small draft; the first page of t0000 … t0499 of the large one.
    assert contents[50].count(b'<li id="table-item-') == 50
    assert contents[500].count(b'<li id="table-item-') == LIST_PAGE


def test_show_more_answers_the_next_rows(client, cast, drafts):
    client.force_login(cast.viewer)
    draft = drafts[500]

    first = client.get(draft_url(draft), **HTMX).content.decode()
    more = client.get(draft_url(draft, f"tables/?q=&offset={LIST_PAGE}"), **HTMX).content.decode()
    last = client.get(draft_url(draft, f"tables/?offset={500 - 10}"), **HTMX).content.decode()

    assert f'data-uid="t{LIST_PAGE - 1}"' in first and f'data-uid="t{LIST_PAGE}"' not in first
    assert not more.lstrip().startswith("<ul")  # rows to put in place of "Show more"
    assert more.count('<li id="table-item-') == LIST_PAGE
    assert f'data-uid="t{LIST_PAGE}"' in more and f"offset={2 * LIST_PAGE}" in more
    assert last.count('<li id="table-item-') == 10 and "Show more" not in last


def test_the_open_table_beyond_the_first_page_is_redrawn_after_a_column_edit(client, cast, drafts):
    client.force_login(cast.architect)
    draft = drafts[500]

    response = client.post(draft_url(draft, "t/t450/columns/new/"), {"name": "extra", "type": "integer"}, **HTMX)

    content = response.content.decode()
    assert '<li id="table-item-t450" data-uid="t450" class="selected" aria-current="true" hx-swap-oob="true">' in content
    assert ">6</span>" in content.split('id="table-item-t450"')[1].split("</li>")[0]  # its new column count


def test_a_large_drafts_pickers_offer_the_neighbours_and_a_search(client, cast, drafts):
    client.force_login(cast.architect)
    assert SIZES[0] <= CHOICES_LIMIT < SIZES[1]

    small = client.get(draft_url(drafts[50], "?table=t25")).content.decode()
    large = client.get(draft_url(drafts[500], "?table=t250")).content.decode()

    picker = large.split('<select name="fk-ref_table" id="fk-ref-table">')[1].split("</select>")[0]
    assert picker.count("<option") == 3  # t0249 (it references), t0250 itself, t0251 (references it)
    assert 'value="t249"' in picker and 'value="t251"' in picker
    assert 'name="pick"' in large and 'name="pick"' not in small
    small_picker = small.split('<select name="fk-ref_table" id="fk-ref-table">')[1].split("</select>")[0]
    assert small_picker.count("<option") == 50


def test_a_pickers_search_answers_matching_options(client, cast, drafts):
    client.force_login(cast.architect)

    content = client.get(draft_url(drafts[500], "tables/?pick=t03"), **HTMX).content.decode()
    none = client.get(draft_url(drafts[500], "tables/?pick=zzz"), **HTMX).content.decode()

    assert content.count("<option") == PICK_LIMIT
    assert content.strip().startswith('<option value="t300">t0300</option>')
    assert "No table matches “zzz”" in none


def test_a_foreign_key_to_a_table_found_by_the_search_is_added(client, cast, drafts):
    client.force_login(cast.architect)
    draft = drafts[500]

    response = client.post(
        draft_url(draft, "t/t10/fks/new/"),
        {"fk-columns": ["t10-parent"], "fk-ref_table": "t400", "fk-ref_columns": "id", "fk-on_delete": "NO ACTION",
         "fk-on_update": "NO ACTION", "fk-name": ""},
        **HTMX,
    )

    assert response.status_code == 200, response.content.decode()[:2000]
    assert DraftForeignKey.objects.filter(draft=draft, table__uid="t10", ref_table__uid="t400").exists()


def test_a_large_drafts_preview_counts_its_steps_and_links_its_scripts(client, cast, drafts):
    client.force_login(cast.viewer)

    small = client.get(draft_url(drafts[50], "preview/"), **HTMX).content.decode()
    large = client.get(draft_url(drafts[500], "preview/"), **HTMX).content.decode()

    assert 'id="create-sql"' in small and "CREATE TABLE" in small
    assert 'id="create-sql"' not in large and "CREATE TABLE" not in large
    assert "500 tables: the script is not shown here." in large
    assert f'href="{draft_url(drafts[500], "download/sql/")}"' in large
    assert "500 steps: too many to show here." in large
    assert "500 × create_table" in large
    assert f'href="{draft_url(drafts[500], "change.up.sql")}?dialect=postgresql"' in large
    assert "… and 449 more findings, not listed here." in large  # a finding per referencing table
    assert len(large) < 40_000


def test_the_review_page(client, cast, drafts):
    client.force_login(cast.reviewer)

    contents = same_queries(client, drafts, "get", "review/")

    small, large = contents[50].decode(), contents[500].decode()
    assert 'id="change-counted"' not in small and "CREATE TABLE" in small
    assert "500 steps: too many to list here." in large and "500 × create_table" in large
    assert f'href="{draft_url(drafts[500], "change.up.sql")}?dialect=postgresql"' in large
    assert "… and 399 more findings, not listed here." in large
    assert len(large) < 3 * len(small)


def test_the_review_page_seen_again(client, cast, drafts):
    client.force_login(cast.reviewer)
    for draft in drafts.values():
        client.get(draft_url(draft, "review/"))  # the change is kept by content token

    same_queries(client, drafts, "get", "review/")
