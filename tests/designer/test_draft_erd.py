import pytest

from designer import editing
from designer.editing import ColumnData
from designer.models import DraftTable
from tests.designer.conftest import HTMX, READ_MATRIX, draft_url


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("rest", ["erd/", "erd.svg", "erd.pdf"])
def test_role_matrix(client, cast, draft, role, status, rest):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, rest)).status_code == status


def test_it_requires_login(client, draft):
    assert client.get(draft_url(draft, "erd/")).status_code == 302


def test_unknown_drafts_are_404s(client, cast, draft):
    client.force_login(cast.owner)

    assert client.get(f"/p/shop/d/{draft.pk + 1}/erd/").status_code == 404


def test_the_editor_loads_it_after_the_page(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft)).content.decode()

    assert f'hx-get="{draft_url(draft, "erd/")}" hx-trigger="load"' in content
    assert "designer/erd.js" in content


def test_the_panel_links_tables_to_the_editor_and_follows_edits(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    assert content.startswith('<section id="erd"')
    # A plain link to the editor with the table open; the script opens it in the panel.
    assert f'xlink:href="{draft_url(draft)}?table=t-customer"' in content
    assert f'data-panel-url="{draft_url(draft)}t/__key__/"' in content
    assert 'hx-trigger="draft-changed from:body"' in content
    assert f'href="{draft_url(draft, "erd/diff/")}"' in content


def test_an_edit_redraws_it_and_an_unchanged_draft_does_not(client, cast, draft, dot_calls):
    client.force_login(cast.viewer)
    client.get(draft_url(draft, "erd/"), **HTMX)
    client.get(draft_url(draft, "erd/"), **HTMX)
    assert dot_calls == ["svg"]

    table = DraftTable.objects.get(draft=draft, uid="t-order")
    with editing.change(draft, "Add column"):
        editing.add_column(table, ColumnData(name="shipped_at", type="timestamp"))
    content = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    assert dot_calls == ["svg", "svg"]
    assert ">shipped_at</text>" in content


def test_the_page_keeps_the_query_in_its_export_links(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/?focus=order&hops=0")).content.decode()

    assert f'href="{draft_url(draft, "erd.png")}?focus=order&amp;hops=0"' in content
    assert 'data-table="customer"' not in content


def test_a_download(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "erd.dot"))

    assert response["Content-Disposition"] == f'attachment; filename="shop-draft-{draft.pk}.dot"'
    assert b"customer" in response.content


def test_an_undo_redraws_it(client, cast, draft, dot_calls):
    client.force_login(cast.viewer)
    table = DraftTable.objects.get(draft=draft, uid="t-order")
    with editing.change(draft, "Add column"):
        editing.add_column(table, ColumnData(name="shipped_at", type="timestamp"))
    assert ">shipped_at</text>" in client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    draft.undo()
    content = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    assert dot_calls == ["svg", "svg"]
    assert ">shipped_at</text>" not in content


def test_a_diagram_drawn_already_is_served_without_reading_the_draft(client, cast, draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.viewer)
    client.get(draft_url(draft, "erd/"), **HTMX)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(draft_url(draft, "erd/"), **HTMX).status_code == 200

    read = [q["sql"] for q in queries if "designer_draftcolumn" in q["sql"] or "designer_drafttable" in q["sql"]]
    assert read == []


def test_a_large_draft_is_drawn_in_the_background(client, cast, draft, dot_calls, settings):
    from tests.designer.deployments import run_queued

    settings.ERD_INLINE_TABLES = 1
    client.force_login(cast.viewer)

    pending = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()
    assert 'class="erd erd-drawing"' in pending and dot_calls == []
    assert run_queued() == ["SUCCESSFUL"]

    content = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    assert dot_calls == ["svg"]
    assert f'xlink:href="{draft_url(draft)}?table=t-customer"' in content


def test_the_draft_diagram_has_its_search(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/"), **HTMX).content.decode()

    assert f'hx-get="{draft_url(draft, "erd/search/")}"' in content
