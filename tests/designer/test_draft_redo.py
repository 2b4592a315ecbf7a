import pytest

from designer.models import DraftChange, DraftTable
from tests.designer.conftest import EDIT_MATRIX, add_table, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    add_table(client, cast, draft, "author")
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    response = htmx_post(client, cast.user(role), draft_url(draft, "redo/"))

    assert response.status_code == status
    assert DraftTable.objects.filter(name="author").exists() == (status == 200)


def test_redo_brings_back_what_undo_took_away_step_by_step(client, cast, draft):
    add_table(client, cast, draft, "author")
    add_table(client, cast, draft, "book")
    both = draft.to_schema()
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    undone = htmx_post(client, cast.architect, draft_url(draft, "undo/")).content.decode()
    assert 'id="redo"' in undone and "Add table author" in undone  # what Redo offers first

    response = htmx_post(client, cast.architect, draft_url(draft, "redo/"))

    content = response.content.decode()
    assert "Redone: Add table author." in content
    assert "Add table book" in content  # the next step Redo offers
    assert "draft-changed" in response["HX-Trigger"]
    last = htmx_post(client, cast.architect, draft_url(draft, "redo/")).content.decode()
    assert draft.to_schema() == both
    assert 'id="redo"' not in last  # nothing left to redo


def test_undo_after_redo_takes_it_away_again(client, cast, draft):
    before = draft.to_schema()
    add_table(client, cast, draft, "author")
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    htmx_post(client, cast.architect, draft_url(draft, "redo/"))

    htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    assert draft.to_schema() == before


def test_a_new_edit_forgets_what_could_be_redone(client, cast, draft):
    add_table(client, cast, draft, "author")
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    add_table(client, cast, draft, "book")

    assert not DraftChange.objects.filter(draft=draft, kind=DraftChange.REDO).exists()
    response = htmx_post(client, cast.architect, draft_url(draft, "redo/"))
    assert "There is nothing to redo." in response.content.decode()
    assert not DraftTable.objects.filter(draft=draft, name="author").exists()


def test_without_htmx_it_redirects(client, cast, draft):
    add_table(client, cast, draft, "author")
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, "redo/"))

    assert response.status_code == 302
    assert DraftTable.objects.filter(draft=draft, name="author").exists()
