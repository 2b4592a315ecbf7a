"""A draft's analysis (designer.analysis): computed once per content and dialect, shared by the
preview and the review, and prepared by the worker after an edit of a large draft."""

from __future__ import annotations

from designer import analysis
from designer.models import Draft
from tests.designer.conftest import add_table, draft_url
from tests.designer.deployments import run_queued


def review(client, cast, draft, **query):
    client.force_login(cast.reviewer)
    return client.get(f"/p/{draft.project.slug}/d/{draft.pk}/review/", query)


def preview(client, cast, draft, **query):
    client.force_login(cast.architect)
    return client.get(draft_url(draft, "preview/"), query, HTTP_HX_REQUEST="true")


def test_the_worker_analyses_a_large_drafts_edit_and_the_pages_then_read_nothing(
    client, cast, draft, everything_large, content_reads, committed
):
    with committed():
        add_table(client, cast, draft, "author")
    draft.refresh_from_db()
    assert not analysis.is_kept(draft, draft.project.dialect)

    assert run_queued() == ["SUCCESSFUL"]
    content_reads.clear()

    assert analysis.is_kept(draft, draft.project.dialect)
    assert content_reads == []
    page, panel = review(client, cast, draft), preview(client, cast, draft)
    assert page.status_code == panel.status_code == 200
    assert content_reads == []  # neither read the draft's content
    assert "author" in page.content.decode() and "author" in panel.content.decode()


def test_an_edit_is_analysed_afresh(client, cast, draft, content_reads):
    assert "author" not in preview(client, cast, draft).content.decode()
    add_table(client, cast, draft, "author")
    content_reads.clear()

    panel = preview(client, cast, draft).content.decode()
    again = preview(client, cast, draft).content.decode()

    assert "CREATE TABLE &quot;author&quot;" in panel
    assert again == panel and len(content_reads) == 1  # once for this content, then kept


def test_the_preview_and_the_review_share_one_analysis_per_dialect(client, cast, draft, content_reads):
    add_table(client, cast, draft, "author")
    content_reads.clear()

    preview(client, cast, draft)
    review(client, cast, draft)
    assert len(content_reads) == 1
    review(client, cast, draft, dialect="sqlite")
    assert len(content_reads) == 2  # another dialect is another analysis


def test_a_small_draft_leaves_nothing_for_the_worker(client, cast, draft, committed):
    from django_tasks_db.models import DBTaskResult

    with committed():
        add_table(client, cast, draft, "author")

    assert DBTaskResult.objects.count() == 0


def test_an_analysis_of_a_stale_content_is_never_shown(client, cast, draft, everything_large, committed):
    with committed():
        add_table(client, cast, draft, "author")
    Draft.objects.get(pk=draft.pk).renew_content_token()  # another edit went in first

    assert run_queued() == ["SUCCESSFUL"]  # stale: nothing packed, nothing analysed
    draft.refresh_from_db()
    assert not analysis.is_kept(draft, draft.project.dialect)
