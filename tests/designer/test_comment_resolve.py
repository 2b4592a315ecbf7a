"""Resolve or reopen a thread (POST …/comments/<id>/resolve/, ``reopen=1``): the thread's author,
the draft's author, architects and owners may."""

import pytest
from django.test import Client

from designer import comments, reviewing
from designer.models import Activity, Comment, Draft, Event
from tests.designer.conftest import HTMX, draft_url

ON_DRAFT = comments.Anchor("", "", "", "")


def url(draft, thread) -> str:
    return draft_url(draft, f"comments/{thread.pk}/resolve/")


def post(client, user, draft, thread, data=None, **extra):
    client.force_login(user)
    return client.post(url(draft, thread), data or {}, **extra)


def resolved(thread) -> bool:
    return Comment.objects.get(pk=thread.pk).resolved_at is not None


@pytest.fixture
def thread(cast, draft) -> Comment:
    """A thread the owner started on the column "customer"."email", with a reply."""
    anchor = comments.find_anchor(draft, "column", "c-email")
    root = comments.add_comment(draft, cast.owner, "unique?", anchor)
    comments.add_comment(draft, cast.viewer, "+1", ON_DRAFT, root)
    return root


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 302),  # the thread's author, and an owner
        ("architect", 302),  # the draft's author, and an architect
        ("reviewer", 403),
        ("viewer", 403),  # replied, but did not start the thread
        ("outsider", 404),
    ],
)
def test_role_matrix(client, cast, draft, thread, role, status):
    response = post(client, cast.user(role), draft, thread)

    assert response.status_code == status
    assert resolved(thread) == (status == 302)


def test_the_threads_author_may_even_as_a_viewer(client, cast, draft):
    mine = comments.add_comment(draft, cast.viewer, "why?", ON_DRAFT)

    assert post(client, cast.viewer, draft, mine).status_code == 302
    assert resolved(mine)


def test_the_drafts_author_may_even_as_a_viewer(client, cast, version):
    # The author's role was lowered after they wrote the draft: the draft is still theirs.
    theirs = Draft.objects.create_from_version(version, cast.viewer, title="Viewer's")
    thread = comments.add_comment(theirs, cast.reviewer, "why?", ON_DRAFT)

    assert post(client, cast.viewer, theirs, thread).status_code == 302
    assert resolved(thread)


def test_it_rejects_get(client, cast, draft, thread):
    client.force_login(cast.owner)

    assert client.get(url(draft, thread)).status_code == 405
    assert not resolved(thread)


def test_it_needs_the_csrf_token(cast, draft, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)

    assert client.post(url(draft, thread)).status_code == 403
    assert not resolved(thread)


def test_it_resolves_the_thread_and_says_so_in_the_activity(client, cast, draft, thread):
    response = post(client, cast.architect, draft, thread)

    assert response["Location"] == draft_url(draft, f"review/#comment-{thread.pk}")
    thread.refresh_from_db()
    assert thread.resolved_by == cast.architect and thread.resolved_at is not None
    entry = Activity.objects.filter(draft=draft).first()
    assert (entry.event, entry.actor, entry.detail) == (Event.RESOLVED, cast.architect, "column “customer”.“email”")
    page = client.get(response["Location"]).content.decode()
    assert "(0 open)" in page and "No open thread." in page
    assert "<summary>1 resolved thread</summary>" in page
    assert "Resolved by architect" in page
    assert "resolved a thread" in page


def test_reopen_opens_it_again(client, cast, draft, thread):
    post(client, cast.architect, draft, thread)

    post(client, cast.owner, draft, thread, {"reopen": "1"})

    thread.refresh_from_db()
    assert (thread.resolved_at, thread.resolved_by) == (None, None)
    entry = Activity.objects.filter(draft=draft).first()
    assert (entry.event, entry.actor) == (Event.REOPENED, cast.owner)
    client.force_login(cast.owner)
    assert "(1 open)" in client.get(draft_url(draft, "review/")).content.decode()


def test_a_thread_on_the_draft_is_named_by_its_body_in_the_activity(client, cast, draft):
    mine = comments.add_comment(draft, cast.viewer, "x" * 100, ON_DRAFT)

    post(client, cast.viewer, draft, mine)

    assert Activity.objects.filter(draft=draft).first().detail == "x" * 80


def test_htmx_gets_the_discussion_section_only(client, cast, draft, thread):
    response = post(client, cast.architect, draft, thread, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="discussion" class="discussion">')
    assert "<html" not in content and 'id="review-actions"' not in content
    assert "<summary>1 resolved thread</summary>" in content
    assert f'<article class="thread resolved" id="comment-{thread.pk}">' in content
    assert '<input type="hidden" name="reopen" value="1"><button type="submit" class="link">Reopen</button>' in content

    reopened = post(client, cast.architect, draft, thread, {"reopen": "1"}, **HTMX).content.decode()
    assert f'<article class="thread" id="comment-{thread.pk}">' in reopened
    assert ">Resolve</button>" in reopened


def test_a_reply_is_not_a_thread(client, cast, draft, thread):
    reply = Comment.objects.get(parent=thread)

    assert post(client, cast.owner, draft, reply).status_code == 404
    assert not Comment.objects.exclude(resolved_at=None).exists()


def test_a_thread_of_another_draft_is_not_found(client, cast, draft, version):
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    theirs = comments.add_comment(other, cast.owner, "elsewhere", ON_DRAFT)

    assert post(client, cast.owner, draft, theirs).status_code == 404
    assert not resolved(theirs)


def test_a_published_drafts_discussion_is_closed(client, cast, draft, thread):
    # The page offers no Resolve once the draft is closed, and comment_add refuses comments.
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")

    response = post(client, cast.owner, draft, thread)

    assert response.status_code == 403
    assert not resolved(thread)
    assert not Activity.objects.filter(event=Event.RESOLVED).exists()
