"""Edits made on a page drawn before the draft's last change are refused, not merged blindly.

Every editing view goes through ``editor_for``; the column edit, the table add and Undo stand
for them here.
"""

from __future__ import annotations

import pytest

from designer.models import Draft, DraftChanged, DraftColumn, DraftTable
from tests.designer.conftest import HTMX, draft_url

EDIT = "t/t-customer/c/c-email/edit/"


def fields(**changes) -> dict:
    return {"name": "email", "type": "varchar(200)", "unique": "on", "comment": "login", **changes}


def post(client, user, draft: Draft, rest: str, data: dict, token: str | None, htmx: bool = True):
    client.force_login(user)
    headers = {"HTTP_X_DRAFT_TOKEN": token} if token else {}
    return client.post(draft_url(draft, rest), data, **(HTMX if htmx else {}), **headers)


def test_an_edit_on_the_current_state_goes_through_and_brings_the_next_token(client, cast, draft):
    token = str(draft.content_token)

    response = post(client, cast.architect, draft, EDIT, fields(name="mail"), token)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert response["X-Draft-Token"] == str(draft.content_token) != token
    assert DraftColumn.objects.get(uid="c-email").name == "mail"


def test_an_edit_on_a_stale_page_is_refused_and_says_why(client, cast, draft):
    stale = str(draft.content_token)
    post(client, cast.owner, draft, "tables/new/", {"new-table-name": "invoice"}, stale)  # another architect

    response = post(client, cast.architect, draft, EDIT, fields(name="mail"), stale)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#conflict"
    text = response.content.decode()
    assert "Not saved: this draft changed since this page was drawn" in text and "invoice" in text
    assert DraftColumn.objects.get(uid="c-email").name == "email"


def test_undo_on_a_stale_page_does_not_undo_someone_elses_change(client, cast, draft):
    stale = str(draft.content_token)
    post(client, cast.owner, draft, "tables/new/", {"new-table-name": "invoice"}, stale)

    response = post(client, cast.architect, draft, "undo/", {}, stale)

    assert response.status_code == 409
    assert DraftTable.objects.filter(draft=draft, name="invoice").exists()


def test_a_plain_form_post_gets_a_page_with_a_way_back(client, cast, draft):
    stale = str(draft.content_token)
    post(client, cast.owner, draft, "tables/new/", {"new-table-name": "invoice"}, stale)

    response = post(client, cast.architect, draft, EDIT, {**fields(name="mail"), "draft_token": stale}, None, htmx=False)

    assert response.status_code == 409
    assert f'href="{draft_url(draft)}"' in response.content.decode()


def test_two_edits_made_on_one_state_cannot_both_go_through(cast, draft):
    """The token is checked and renewed in one conditional UPDATE: of two requests that read the
    same state, the second to write is refused even when both passed the header check."""
    first, second = Draft.objects.get(pk=draft.pk), Draft.objects.get(pk=draft.pk)

    first.record_change("one")
    with pytest.raises(DraftChanged):
        second.record_change("two")
    assert [c.description for c in draft.changes.all()] == ["one"]


def test_requests_without_a_token_are_not_checked(client, cast, draft):
    """Clients that send none (scripts, pages without JavaScript) keep last-write-wins."""
    post(client, cast.owner, draft, "tables/new/", {"new-table-name": "invoice"}, None)

    assert post(client, cast.architect, draft, EDIT, fields(name="mail"), None).status_code == 200


def test_the_editors_forms_carry_the_token_for_pages_without_javascript(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, "?table=t-customer")).content.decode()

    assert content.count(f'name="draft_token" value="{draft.content_token}"') >= 5
