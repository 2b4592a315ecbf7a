"""Update from vN (GET/POST …/update/): architects and owners merge the latest version into a draft
started from an older one; conflicts are settled by choosing a side; one undoable change."""

import re

import pytest
from django.test import Client

from designer import editing, reviewing
from designer.models import (
    Activity,
    Draft,
    DraftColumn,
    DraftStatus,
    Event,
    Membership,
    Review,
    SchemaVersion,
    Verdict,
)
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "update/"
PHONE = editing.ColumnData(name="phone", type="varchar(20)")


def publish(cast, version, change) -> SchemaVersion:
    """The next version, published from another draft of ``version`` that ``change`` edits."""
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    change(other)
    cast.project.required_approvals = 0
    cast.project.save()
    published = reviewing.publish(other, cast.owner, "from another draft")
    cast.project.required_approvals = 1
    cast.project.save()
    return published


def add_author_table(draft):
    with editing.change(draft, "Add table author"):
        editing.add_table(draft, "author")


def retype_email(type_):
    def change(draft):
        with editing.change(draft, f"Edit column customer.email to {type_}"):
            DraftColumn.objects.filter(draft=draft, uid="c-email").update(type=type_)

    return change


def token_of(draft) -> str:
    return str(Draft.objects.get(pk=draft.pk).content_token)


def get(client, user, draft):
    client.force_login(user)
    return client.get(draft_url(draft, URL))


def post(client, user, draft, data=None, token=None, version=None):
    """POST the update form as drawn now (or as drawn for ``version``, the latest it merged)."""
    client.force_login(user)
    latest = version or draft.project.latest_version().number
    return client.post(draft_url(draft, URL), {"token": token or token_of(draft), "version": latest, **(data or {})})


@pytest.fixture
def behind(cast, draft, version) -> Draft:
    """The draft adds "customer"."phone"; meanwhile v2 added the table "author"."""
    with editing.change(draft, "Add column customer.phone"):
        editing.add_column(draft.tables.get(uid="t-customer"), PHONE)
    publish(cast, version, add_author_table)
    return Draft.objects.get(pk=draft.pk)


@pytest.fixture
def conflicting(cast, draft, version) -> Draft:
    """The draft makes "customer"."email" text; v2 made it varchar(300)."""
    retype_email("text")(draft)
    publish(cast, version, retype_email("varchar(300)"))
    return Draft.objects.get(pk=draft.pk)


def email_type(draft) -> str:
    return str(Draft.objects.get(pk=draft.pk).to_schema().table("customer").column("email").type)


def conflict_key(page: str) -> str:
    keys = set(re.findall(r'name="choice:([^"]+)" value="(?:theirs|ours)"', page))
    assert len(keys) == 1, keys
    return keys.pop()


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, behind, role, status):
    assert get(client, cast.user(role), behind).status_code == status

    response = post(client, cast.user(role), behind)

    assert response.status_code == (302 if status == 200 else status)
    assert Draft.objects.get(pk=behind.pk).base_version.number == (2 if status == 200 else 1)


def test_it_needs_the_csrf_token(cast, behind):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.architect)

    response = client.post(draft_url(behind, URL), {"token": token_of(behind)})

    assert response.status_code == 403
    assert Draft.objects.get(pk=behind.pk).base_version.number == 1


def test_with_nothing_to_update_the_page_says_so(client, cast, draft):
    get_response = get(client, cast.architect, draft)
    post_response = post(client, cast.architect, draft)

    for response in (get_response, post_response):
        content = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Nothing to update</h1>" in content
        assert "This draft is already based on the latest version (v1)." in content
        assert 'id="update-form"' not in content
    assert token_of(draft) == str(draft.content_token)


def test_a_clean_merge_is_shown_before_it_is_applied(client, cast, behind):
    response = get(client, cast.architect, behind)

    content = response.content.decode()
    assert "<h1>Update from v2</h1>" in content
    assert "This draft started from v1;" in content
    assert "No conflict: the changes combine on their own." in content
    assert f'<input type="hidden" name="token" value="{behind.content_token}">' in content
    assert 'name="choice:' not in content
    assert Draft.objects.get(pk=behind.pk).base_version.number == 1  # GET changes nothing


def test_a_clean_merge_applies_both_sides_and_rebases(client, cast, behind):
    response = post(client, cast.architect, behind)

    assert response["Location"] == draft_url(behind, "review/")
    updated = Draft.objects.get(pk=behind.pk)
    schema = updated.to_schema()
    assert updated.base_version.number == 2
    assert schema.table("author") is not None
    assert schema.table("customer").column("phone") is not None
    assert [str(op.describe()) for op in updated.diff_against_base()] == [
        "Add column “phone” (varchar(20)) to table “customer”"
    ]
    entry = Activity.objects.get(draft=behind, event=Event.UPDATED)
    assert (entry.actor, entry.detail) == (cast.architect, "v2")
    page = client.get(response["Location"]).content.decode()
    assert "Update from v2" not in page and "updated from a newer version" in page


def test_the_update_dismisses_the_approvals(client, cast, behind):
    reviewing.submit(behind, cast.architect, "")
    behind.refresh_from_db()
    reviewing.give_verdict(behind, Membership.objects.get(user=cast.reviewer), Verdict.APPROVED, "")
    assert Draft.objects.get(pk=behind.pk).status == DraftStatus.APPROVED

    post(client, cast.architect, behind)

    assert Draft.objects.get(pk=behind.pk).status == DraftStatus.IN_REVIEW
    assert Review.objects.get(draft=behind).dismissed_by == "Update from v2"


def test_one_undo_restores_the_old_content_and_the_old_base(client, cast, behind):
    before = behind.to_schema()
    post(client, cast.architect, behind)

    response = htmx_post(client, cast.architect, draft_url(behind, "undo/"))

    assert "Undone: Update from v2." in response.content.decode()
    undone = Draft.objects.get(pk=behind.pk)
    assert undone.base_version.number == 1
    assert undone.to_schema() == before
    assert get(client, cast.architect, undone).status_code == 200  # offered again
    htmx_post(client, cast.architect, draft_url(behind, "redo/"))
    redone = Draft.objects.get(pk=behind.pk)
    assert redone.base_version.number == 2 and redone.to_schema().table("author") is not None


def test_a_conflict_is_listed_with_theirs_and_ours(client, cast, conflicting):
    content = get(client, cast.architect, conflicting).content.decode()

    key = conflict_key(content)
    assert "<h2>1 conflict</h2>" in content
    assert f'<input type="radio" name="choice:{key}" value="theirs" required' in content
    assert f'<input type="radio" name="choice:{key}" value="ours"' in content
    assert "theirs (v2): <code>varchar(300)</code>" in content
    assert "ours (this draft): <code>text</code>" in content


def test_a_conflict_without_a_choice_is_refused_and_nothing_changes(client, cast, conflicting):
    token = token_of(conflicting)

    response = post(client, cast.architect, conflicting)

    assert response.status_code == 422
    assert "Choose a side for each conflict first (1 without a choice): nothing was merged." in response.content.decode()
    assert token_of(conflicting) == token
    assert Draft.objects.get(pk=conflicting.pk).base_version.number == 1
    assert email_type(conflicting) == "text"
    assert not Activity.objects.filter(event=Event.UPDATED).exists()


@pytest.mark.parametrize("side, expected", [("theirs", "varchar(300)"), ("ours", "text")])
def test_a_chosen_side_wins(client, cast, conflicting, side, expected):
    key = conflict_key(get(client, cast.architect, conflicting).content.decode())

    response = post(client, cast.architect, conflicting, {f"choice:{key}": side})

    assert response.status_code == 302
    assert email_type(conflicting) == expected
    assert Draft.objects.get(pk=conflicting.pk).base_version.number == 2
    settled = "ours" if side == "ours" else "theirs (v2)"
    assert Activity.objects.get(event=Event.UPDATED).detail == f"v2, 1 conflict settled: column “customer”.“email”: {settled}"


def test_an_unknown_side_counts_as_no_choice(client, cast, conflicting):
    key = conflict_key(get(client, cast.architect, conflicting).content.decode())

    response = post(client, cast.architect, conflicting, {f"choice:{key}": "both"})

    assert response.status_code == 422
    assert email_type(conflicting) == "text"


def test_a_page_drawn_before_the_drafts_last_change_is_refused(client, cast, behind):
    stale = token_of(behind)
    with editing.change(Draft.objects.get(pk=behind.pk), "Add table review"):
        editing.add_table(behind, "review")
    token = token_of(behind)

    response = post(client, cast.architect, behind, token=stale)

    assert response.status_code == 409
    assert "The draft or the latest version changed since this page was drawn" in response.content.decode()
    assert f'name="token" value="{token}"' in response.content.decode()  # the page, drawn anew
    assert token_of(behind) == token
    assert Draft.objects.get(pk=behind.pk).base_version.number == 1
    assert not Activity.objects.filter(event=Event.UPDATED).exists()


def test_a_post_without_a_token_is_refused(client, cast, behind):
    client.force_login(cast.architect)

    assert client.post(draft_url(behind, URL)).status_code == 409
    assert Draft.objects.get(pk=behind.pk).base_version.number == 1


def test_an_abandoned_draft_is_read_only(client, cast, behind):
    Draft.objects.filter(pk=behind.pk).update(status=DraftStatus.ABANDONED)

    assert get(client, cast.architect, behind).status_code == 403
    assert post(client, cast.architect, behind).status_code == 403


def test_a_page_drawn_for_an_older_latest_version_is_refused(client, cast, behind):
    get(client, cast.architect, behind)  # "Update from v2"
    v2 = SchemaVersion.objects.get(project=cast.project, number=2)
    publish(cast, v2, retype_email("varchar(300)"))  # v3, before the POST

    response = post(client, cast.architect, behind, version=2)

    assert response.status_code == 409
    assert Draft.objects.get(pk=behind.pk).base_version.number == 1
