"""Comments (POST …/comments/): every member comments, on the draft or anchored to an element or
an operation by uid; replies join their thread; htmx gets the discussion section back."""

import re

import pytest
from django.test import Client

from designer import comments, editing, reviewing
from designer.models import Activity, Comment, Draft, DraftColumn, Event
from tests.designer.conftest import HTMX, draft_url, htmx_post

URL = "comments/"


def post(client, user, draft, data, **extra):
    client.force_login(user)
    return client.post(draft_url(draft, URL), data, **extra)


def review_page(client, user, draft) -> str:
    client.force_login(user)
    return client.get(draft_url(draft, "review/")).content.decode()


def thread_html(page: str, comment: Comment) -> str:
    return page.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]


@pytest.fixture
def drops_status(cast, draft) -> Draft:
    """The draft, dropping the column "customer"."status"."""
    with editing.change(draft, "Delete column customer.status"):
        editing.delete_column(DraftColumn.objects.get(draft=draft, uid="c-status"))
    return draft


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 302), ("viewer", 302), ("outsider", 404)],
)
def test_role_matrix(client, cast, draft, role, status):
    response = post(client, cast.user(role), draft, {"body": "why?"})

    assert response.status_code == status
    assert Comment.objects.filter(draft=draft, body="why?").exists() == (status == 302)


def test_it_rejects_get(client, cast, draft):
    client.force_login(cast.viewer)

    assert client.get(draft_url(draft, URL), {"body": "why?"}).status_code == 405
    assert not Comment.objects.exists()


def test_it_needs_the_csrf_token(cast, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.viewer)

    assert client.post(draft_url(draft, URL), {"body": "why?"}).status_code == 403
    assert not Comment.objects.exists()


def test_a_comment_on_the_draft_is_stored_with_its_activity(client, cast, draft):
    response = post(client, cast.viewer, draft, {"body": "  why?  "})

    comment = Comment.objects.get()
    assert response["Location"] == draft_url(draft, f"review/#comment-{comment.pk}")
    assert (comment.author, comment.body, comment.anchor_kind, comment.parent) == (cast.viewer, "why?", "", None)
    entry = Activity.objects.get(draft=draft)
    assert (entry.event, entry.actor, entry.detail) == (Event.COMMENTED, cast.viewer, "why?")
    page = review_page(client, cast.architect, draft)
    assert "(1 open)" in page
    assert '<p class="prose">why?</p>' in thread_html(page, comment)


def test_htmx_gets_the_discussion_section_only(client, cast, draft):
    response = post(client, cast.viewer, draft, {"body": "why?"}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="discussion" class="discussion">')
    assert content.rstrip().endswith("</section>")
    assert "<html" not in content and 'id="review-actions"' not in content
    assert "(1 open)" in content and '<p class="prose">why?</p>' in content


@pytest.mark.parametrize("body", ["", "   \n "])
def test_an_empty_comment_is_refused_with_htmx(client, cast, draft, body):
    response = post(client, cast.viewer, draft, {"body": body}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 422
    # The whole discussion comes back (htmx swaps it), the message beside the form.
    assert content.lstrip().startswith('<section id="discussion" class="discussion">')
    assert '<p class="error" role="alert">Write something first</p>' in content
    assert 'id="comment-form"' in content
    assert not Comment.objects.exists()
    assert not Activity.objects.filter(event=Event.COMMENTED).exists()


def test_an_empty_comment_is_refused_without_htmx(client, cast, draft):
    response = post(client, cast.viewer, draft, {"body": ""})

    content = response.content.decode()
    assert response.status_code == 422
    assert "<html" in content
    assert '<p class="error" role="alert">Write something first</p>' in content.split('id="comment-form"')[1]
    assert not Comment.objects.exists()


def test_a_comment_too_long_is_refused(client, cast, draft):
    response = post(client, cast.viewer, draft, {"body": "x" * (comments.MAX_BODY + 1)}, **HTMX)

    assert response.status_code == 422
    assert "A comment holds at most 10,000 characters" in response.content.decode()
    assert not Comment.objects.exists()


# ---------------------------------------------------------------- anchors


@pytest.mark.parametrize(
    "kind, uid, table_uid, label",
    [
        ("table", "t-customer", "t-customer", "table “customer”"),
        ("column", "c-email", "t-customer", "column “customer”.“email”"),
        ("element", "pk-customer", "t-customer", "primary key of “customer”"),
        ("element", "i-created", "t-customer", "index “customer_created_idx” of “customer”"),
        ("element", "u-email", "t-customer", "unique constraint “customer_email_key” of “customer”"),
        ("element", "k-number", "t-customer", "check “customer_number_check” of “customer”"),
        ("element", "f-customer", "t-order", "foreign key “order_customer_fkey” of “order”"),
        ("enum", "e-status", "", "enum “status”"),
    ],
)
def test_a_comment_anchored_to_an_element(client, cast, draft, kind, uid, table_uid, label):
    post(client, cast.viewer, draft, {"body": "hm", "anchor_kind": kind, "anchor_uid": uid})

    comment = Comment.objects.get()
    assert (comment.anchor_kind, comment.anchor_uid, comment.anchor_table_uid, comment.anchor_label) == (
        kind, uid, table_uid, label,
    )
    assert Activity.objects.get(event=Event.COMMENTED).detail == f"on {label}: hm"
    thread = thread_html(review_page(client, cast.viewer, draft), comment)
    assert f'<p class="anchor">On <strong>{label}</strong></p>' in thread
    assert "outdated" not in thread


def test_a_comment_anchored_to_an_operation_of_the_review_page(client, cast, drops_status):
    page = review_page(client, cast.viewer, drops_status)
    anchor = re.search(r'<li class="step[^"]*" id="op-([^"]+)"', page).group(1)

    post(client, cast.viewer, drops_status, {"body": "sure?", "anchor_kind": "operation", "anchor_uid": anchor})

    comment = Comment.objects.get()
    assert (comment.anchor_kind, comment.anchor_uid) == ("operation", "drop_column:c-status")
    assert comment.anchor_label == "operation: Drop column “status” from table “customer” and its values"
    thread = thread_html(review_page(client, cast.viewer, drops_status), comment)
    assert "<strong>operation: Drop column “status” from table “customer” and its values</strong>" in thread


@pytest.mark.parametrize(
    "kind, uid",
    [
        ("column", "nope"),
        ("table", "c-email"),  # a column's uid is not a table's
        ("element", "t-customer"),
        ("enum", ""),
        ("operation", "drop_column:c-status"),  # the draft drops nothing
        ("bogus", "c-email"),
    ],
)
def test_an_anchor_that_names_nothing_is_refused(client, cast, draft, kind, uid):
    response = post(client, cast.viewer, draft, {"body": "hm", "anchor_kind": kind, "anchor_uid": uid}, **HTMX)

    assert response.status_code == 422
    assert "What this comment is about is no longer in the draft: reload the page" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_thread_follows_its_column_through_a_rename_and_is_outdated_once_it_is_deleted(client, cast, draft):
    post(client, cast.viewer, draft, {"body": "unique?", "anchor_kind": "column", "anchor_uid": "c-email"})
    comment = Comment.objects.get()

    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-email/edit/"),
              {"name": "mail", "type": "varchar(200)", "unique": "on", "comment": "login"})
    renamed = thread_html(review_page(client, cast.viewer, draft), comment)
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-email/delete/"))
    page = review_page(client, cast.viewer, draft)
    deleted = thread_html(page, comment)

    assert "<strong>column “customer”.“email”</strong>" in renamed
    assert "outdated" not in renamed
    assert '<span class="badge">outdated</span> <s>column “customer”.“email”</s>' in deleted
    assert f'<article class="thread outdated" id="comment-{comment.pk}">' in page


def test_undoing_the_delete_brings_the_thread_back(client, cast, draft):
    post(client, cast.viewer, draft, {"body": "unique?", "anchor_kind": "column", "anchor_uid": "c-email"})
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-email/delete/"))

    htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    assert "outdated" not in thread_html(review_page(client, cast.viewer, draft), Comment.objects.get())


# ---------------------------------------------------------------- replies


def test_a_reply_joins_the_thread_and_its_anchor(client, cast, draft):
    post(client, cast.viewer, draft, {"body": "unique?", "anchor_kind": "column", "anchor_uid": "c-email"})
    root = Comment.objects.get()

    response = post(client, cast.architect, draft, {"body": "yes", "parent": root.pk, "anchor_kind": "table", "anchor_uid": "t-order"})

    reply = Comment.objects.get(body="yes")
    assert response["Location"] == draft_url(draft, f"review/#comment-{root.pk}")
    assert reply.parent == root
    assert (reply.anchor_kind, reply.anchor_uid, reply.anchor_label) == ("column", "c-email", "column “customer”.“email”")
    thread = thread_html(review_page(client, cast.viewer, draft), root)
    assert f'<div class="comment reply" id="comment-{reply.pk}">' in thread
    assert "(1 open)" in review_page(client, cast.viewer, draft)


def test_a_reply_to_a_reply_joins_the_root_thread(client, cast, draft):
    root = comments.add_comment(draft, cast.viewer, "root", comments.Anchor("", "", "", ""))
    first = comments.add_comment(draft, cast.architect, "first", comments.Anchor("", "", "", ""), root)

    post(client, cast.reviewer, draft, {"body": "second", "parent": first.pk})

    assert Comment.objects.get(body="second").parent == root


def test_a_thread_of_another_draft_is_not_found(client, cast, draft, version):
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    theirs = comments.add_comment(other, cast.owner, "elsewhere", comments.Anchor("", "", "", ""))

    response = post(client, cast.viewer, draft, {"body": "hi", "parent": theirs.pk})

    assert response.status_code == 404
    assert not Comment.objects.filter(draft=draft).exists()


@pytest.mark.parametrize("parent", ["999999", "abc"])
def test_a_thread_that_does_not_exist_is_not_found(client, cast, draft, parent):
    assert post(client, cast.viewer, draft, {"body": "hi", "parent": parent}).status_code == 404
    assert not Comment.objects.exists()


# ---------------------------------------------------------------- closed drafts


def test_a_published_draft_takes_no_comments(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")

    response = post(client, cast.viewer, draft, {"body": "late"})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_abandoned_draft_takes_no_comments(client, cast, draft):
    reviewing.abandon(draft, cast.architect)

    assert post(client, cast.owner, draft, {"body": "late"}, **HTMX).status_code == 403
    assert not Comment.objects.exists()


# ---------------------------------------------------------------- mail




def sent_to(mailbox) -> list[str]:
    return sorted(address for message in mailbox for address in message.to)


def test_the_author_and_the_threads_participants_are_mailed_not_the_commenter(
    client, cast, draft, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, cast.viewer, draft, {"body": "unique?", "anchor_kind": "column", "anchor_uid": "c-email"})
    assert sent_to(mailbox) == ["architect@example.com"]
    root = Comment.objects.get()
    message = mailbox[0]
    assert message.subject == "[Shop] New comment on column “customer”.“email”: Add things"
    assert "viewer wrote on column “customer”.“email”:\n\nunique?" in message.body
    assert draft_url(draft, "review/") in message.body

    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, cast.reviewer, draft, {"body": "agreed", "parent": root.pk})
    assert sent_to(mailbox) == ["architect@example.com", "viewer@example.com"]

    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, cast.architect, draft, {"body": "done", "parent": root.pk})
    assert sent_to(mailbox) == ["reviewer@example.com", "viewer@example.com"]


def test_another_threads_participants_are_not_mailed(client, cast, draft, mailbox, django_capture_on_commit_callbacks):
    comments.add_comment(draft, cast.owner, "elsewhere", comments.Anchor("", "", "", ""))
    mailbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post(client, cast.viewer, draft, {"body": "new thread"})

    assert sent_to(mailbox) == ["architect@example.com"]


def test_a_refused_comment_mails_nobody(client, cast, draft, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(client, cast.viewer, draft, {"body": ""})

    assert callbacks == [] and mailbox == []


def test_what_people_write_is_shown_as_text(client, cast, draft):
    post(client, cast.viewer, draft, {"body": "<script>alert(1)</script>\nsecond line"})

    page = review_page(client, cast.architect, draft)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in page


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_comment_keeps_its_anchor_and_text(client, cast, draft, htmx):
    client.force_login(cast.reviewer)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client.post(
        draft_url(draft, "comments/"),
        {"body": "x" * 10_001, "anchor_kind": "column", "anchor_uid": "c-email"},
        **extra,
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert "Comment on column “customer”.“email”" in content
    assert '<input type="hidden" name="anchor_uid" value="c-email">' in content
    assert "x" * 10_001 + "</textarea>" in content


def test_the_htmx_answer_brings_the_activity_out_of_band(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.post(draft_url(draft, "comments/"), {"body": "why?"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert '<section id="activity" hx-swap-oob="true">' in content
    assert "commented" in content.split('id="activity"')[1]
