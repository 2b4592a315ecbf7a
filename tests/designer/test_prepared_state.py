"""A large draft's content packed ahead of its next edit (PreparedState): the edit takes it
instead of reading the whole draft, and Undo restores exactly what it would have."""

from __future__ import annotations


from designer.models import Draft, DraftChange, PreparedState
from tests.designer.conftest import add_table, draft_url, htmx_post
from tests.designer.deployments import run_queued


def test_the_next_edit_takes_the_prepared_content_and_undo_restores_it(
    client, cast, draft, everything_large, content_reads, committed
):
    with committed():
        add_table(client, cast, draft, "author")
    assert run_queued() == ["SUCCESSFUL"]  # the content after the edit, prepared
    draft.refresh_from_db()
    prepared = PreparedState.objects.get(draft=draft)
    assert prepared.content_token == draft.content_token
    assert bytes(prepared.packed_state) == draft.packed_content()
    with_author = draft.to_schema()
    content_reads.clear()

    add_table(client, cast, draft, "book")

    assert content_reads == []  # the edit read nothing of the draft's content
    newest = DraftChange.objects.filter(draft=draft).order_by("-id").first()
    assert bytes(newest.packed_state) == bytes(prepared.packed_state)
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    assert draft.to_schema() == with_author


def test_a_prepared_content_another_edit_overtook_is_not_used(
    client, cast, draft, everything_large, content_reads, committed
):
    with committed():
        add_table(client, cast, draft, "author")
    assert run_queued() == ["SUCCESSFUL"]
    with committed():
        add_table(client, cast, draft, "book")  # takes it; its own preparation is not run
    content_reads.clear()

    add_table(client, cast, draft, "page")

    assert len(content_reads) == 1  # the preparation was for the content before "book": read again
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    assert {t.name for t in draft.to_schema().tables} >= {"author", "book"}
    assert "page" not in {t.name for t in draft.to_schema().tables}


def test_preparing_content_that_changed_meanwhile_keeps_nothing(draft):
    stale = str(draft.content_token)
    Draft.objects.get(pk=draft.pk).renew_content_token()

    assert PreparedState.prepare(draft.pk, stale) is None
    assert not PreparedState.objects.filter(draft=draft).exists()


def test_small_drafts_prepare_nothing(client, cast, draft, committed):
    from django_tasks_db.models import DBTaskResult

    with committed():
        add_table(client, cast, draft, "author")

    assert DBTaskResult.objects.count() == 0


def test_a_waiting_diagram_is_drawn_before_an_undo_state_is_prepared(db):
    from django_tasks_db.models import DBTaskResult

    from designer.tasks import draw_diagram, prepare_undo_state

    prepare_undo_state.enqueue(1, "0")
    draw_diagram.enqueue([["none"]], {}, "svg")

    assert DBTaskResult.objects.ready().first().task_path == "designer.tasks.draw_diagram"


def test_after_undo_and_redo_the_content_they_left_is_prepared(
    client, cast, draft, everything_large, content_reads, committed
):
    with committed():
        add_table(client, cast, draft, "author")
    assert run_queued() == ["SUCCESSFUL"]
    with committed():
        htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    assert run_queued() == ["SUCCESSFUL"]
    draft.refresh_from_db()
    assert PreparedState.objects.get(draft=draft).content_token == draft.content_token
    content_reads.clear()

    with committed():
        htmx_post(client, cast.architect, draft_url(draft, "redo/"))

    assert content_reads == []  # Redo kept the prepared content, read nothing
    assert "author" in {t.name for t in draft.to_schema().tables}
