"""The review form (POST …/review/verdict/, action=approve|request_changes|comment): verdicts are
given by reviewers, architects and owners who did not write the draft; viewers only comment."""

import pytest
from django.test import Client

from designer import editing, reviewing
from designer.models import (
    Activity,
    Comment,
    Draft,
    DraftStatus,
    Event,
    Membership,
    Review,
    SchemaVersion,
    Verdict,
)
from tests.designer.conftest import draft_url, htmx_post

URL = "review/verdict/"
COLUMN_EDIT = "t/t-customer/c/c-email/edit/"


@pytest.fixture
def submitted(cast, draft) -> Draft:
    reviewing.submit(draft, cast.architect, "adds things")
    draft.refresh_from_db()
    return draft


def status_of(draft) -> str:
    return Draft.objects.get(pk=draft.pk).status


def review_page(client, user, draft) -> str:
    client.force_login(user)
    return client.get(draft_url(draft, "review/")).content.decode()


def approve(client, user, draft, message=""):
    client.force_login(user)
    return client.post(draft_url(draft, URL), {"action": "approve", "message": message})


def publish_v2(cast, version) -> SchemaVersion:
    """v2, published from another draft that adds the table "author"."""
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    with editing.change(other, "Add table author"):
        editing.add_table(other, "author")
    return SchemaVersion.publish(cast.project, other.to_schema(), author=cast.owner, message="v2")


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 302),
        ("architect", 403),  # the author: nobody approves their own draft
        ("reviewer", 302),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_role_matrix(client, cast, submitted, role, status, action):
    client.force_login(cast.user(role))

    response = client.post(draft_url(submitted, URL), {"action": action})

    assert response.status_code == status
    assert Review.objects.filter(draft=submitted).exists() == (status == 302)


def test_an_architect_who_did_not_write_the_draft_reviews_it(client, cast, version):
    theirs = Draft.objects.create_from_version(version, cast.owner, title="Owner's")
    reviewing.submit(theirs, cast.owner, "")

    refused = approve(client, cast.owner, theirs)
    approved = approve(client, cast.architect, theirs)

    assert (refused.status_code, approved.status_code) == (403, 302)
    assert [r.reviewer for r in Review.objects.filter(draft=theirs)] == [cast.architect]


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 302), ("viewer", 302), ("outsider", 404)],
)
def test_everyone_in_the_project_may_comment_through_the_form(client, cast, submitted, role, status):
    client.force_login(cast.user(role))

    response = client.post(draft_url(submitted, URL), {"action": "comment", "body": "why?"})

    assert response.status_code == status
    assert Comment.objects.filter(draft=submitted, body="why?").exists() == (status == 302)
    assert not Review.objects.exists()
    assert status_of(submitted) == DraftStatus.IN_REVIEW


def test_it_rejects_get(client, cast, submitted):
    client.force_login(cast.reviewer)

    assert client.get(draft_url(submitted, URL), {"action": "approve"}).status_code == 405
    assert not Review.objects.exists()


def test_it_needs_the_csrf_token(cast, submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.reviewer)

    assert client.post(draft_url(submitted, URL), {"action": "approve"}).status_code == 403
    assert not Review.objects.exists()
    assert status_of(submitted) == DraftStatus.IN_REVIEW


def test_an_unknown_action_is_refused(client, cast, submitted):
    client.force_login(cast.reviewer)

    response = client.post(draft_url(submitted, URL), {"action": "merge"})

    assert response.status_code == 400
    assert not Review.objects.exists()


def test_an_outsider_gets_404_whatever_the_action(client, cast, submitted):
    client.force_login(cast.outsider)

    assert client.post(draft_url(submitted, URL), {"action": "merge"}).status_code == 404


def test_an_approval_moves_the_draft_to_approved_and_stores_the_content_it_saw(client, cast, submitted):
    response = approve(client, cast.reviewer, submitted, "looks right")

    assert response["Location"] == draft_url(submitted, "review/")
    assert status_of(submitted) == DraftStatus.APPROVED
    review = Review.objects.get(draft=submitted)
    assert (review.reviewer, review.verdict, review.message) == (cast.reviewer, Verdict.APPROVED, "looks right")
    assert review.content_token == submitted.content_token
    entry = Activity.objects.filter(draft=submitted).first()
    assert (entry.event, entry.actor, entry.detail) == (Event.APPROVED, cast.reviewer, "looks right")
    assert "<strong>1 of 1 approval</strong>" in review_page(client, cast.architect, submitted)


def test_two_approvals_are_needed_when_the_project_says_so(client, cast, submitted):
    cast.project.required_approvals = 2
    cast.project.save()

    approve(client, cast.reviewer, submitted)
    assert status_of(submitted) == DraftStatus.IN_REVIEW
    approve(client, cast.owner, submitted)
    assert status_of(submitted) == DraftStatus.APPROVED


def test_a_request_for_changes_sends_the_draft_back(client, cast, submitted):
    approve(client, cast.reviewer, submitted)
    client.force_login(cast.owner)

    client.post(draft_url(submitted, URL), {"action": "request_changes", "message": "name it mail"})

    assert status_of(submitted) == DraftStatus.CHANGES_REQUESTED
    entry = Activity.objects.filter(draft=submitted).first()
    assert (entry.event, entry.detail) == (Event.CHANGES_REQUESTED, "name it mail")
    assert "✗ owner requested changes</span> <span class=\"prose\">“name it mail”" in review_page(client, cast.architect, submitted)


def test_a_reviewers_newest_verdict_is_the_one_in_force(client, cast, submitted):
    client.force_login(cast.reviewer)
    client.post(draft_url(submitted, URL), {"action": "request_changes"})

    approve(client, cast.reviewer, submitted)

    assert status_of(submitted) == DraftStatus.APPROVED


def test_an_open_draft_is_not_reviewed(client, cast, draft):
    response = approve(client, cast.reviewer, draft)

    assert response.status_code == 400
    assert "Only a draft in review can be approved or sent back" in response.content.decode()
    assert not Review.objects.exists()


def test_a_published_draft_is_read_only(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")

    assert approve(client, cast.reviewer, draft).status_code == 403


# ---------------------------------------------------------------- dismissed by changes


def test_an_edit_in_the_editor_dismisses_the_approval_and_the_page_says_which(client, cast, submitted):
    approve(client, cast.reviewer, submitted)

    response = htmx_post(
        client, cast.architect, draft_url(submitted, COLUMN_EDIT),
        {"name": "mail", "type": "varchar(200)", "unique": "on", "comment": "login"},
    )

    assert response.status_code == 200
    assert status_of(submitted) == DraftStatus.IN_REVIEW
    review = Review.objects.get(draft=submitted)
    assert review.dismissed_by == "Rename column customer.email to mail"
    assert review.content_token != Draft.objects.get(pk=submitted.pk).content_token
    page = review_page(client, cast.reviewer, submitted)
    assert "Your verdict: approved (dismissed by “Rename column customer.email to mail”)" in page
    assert "<strong>0 of 1 approval</strong>" in page
    assert "1 approval dismissed by “Rename column customer.email to mail”" in page  # the activity


def test_an_edit_through_editing_change_dismisses_it_too(client, cast, submitted):
    approve(client, cast.reviewer, submitted)

    with editing.change(Draft.objects.get(pk=submitted.pk), "Add table author"):
        editing.add_table(submitted, "author")

    assert status_of(submitted) == DraftStatus.IN_REVIEW
    assert Review.objects.get(draft=submitted).dismissed_by == "Add table author"
    assert Activity.objects.filter(draft=submitted, event=Event.DISMISSED).count() == 1


def test_an_undo_dismisses_the_approval(client, cast, draft):
    with editing.change(draft, "Add table author"):
        editing.add_table(draft, "author")
    reviewing.submit(draft, cast.architect, "")
    approve(client, cast.reviewer, draft)
    assert status_of(draft) == DraftStatus.APPROVED

    response = htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    assert response.status_code == 200
    assert status_of(draft) == DraftStatus.IN_REVIEW
    assert Review.objects.get(draft=draft).dismissed_by == "Undo: Add table author"
    assert "dismissed by “Undo: Add table author”" in review_page(client, cast.reviewer, draft)


def test_update_from_v2_dismisses_the_approval(client, cast, submitted, version):
    publish_v2(cast, version)
    approve(client, cast.reviewer, submitted)
    client.force_login(cast.architect)
    token = str(Draft.objects.get(pk=submitted.pk).content_token)

    response = client.post(draft_url(submitted, "update/"), {"token": token, "version": 2})

    assert response.status_code == 302
    assert status_of(submitted) == DraftStatus.IN_REVIEW
    assert Review.objects.get(draft=submitted).dismissed_by == "Update from v2"
    assert "dismissed by “Update from v2”" in review_page(client, cast.reviewer, submitted)


def test_a_request_for_changes_is_not_dismissed_by_an_edit(client, cast, submitted):
    client.force_login(cast.reviewer)
    client.post(draft_url(submitted, URL), {"action": "request_changes", "message": "rename it"})

    htmx_post(
        client, cast.architect, draft_url(submitted, COLUMN_EDIT),
        {"name": "mail", "type": "varchar(200)", "unique": "on", "comment": "login"},
    )

    assert status_of(submitted) == DraftStatus.CHANGES_REQUESTED
    review = Review.objects.get(draft=submitted)
    assert (review.dismissed_at, review.dismissed_by) == (None, "")
    assert "reviewer requested changes" in review_page(client, cast.architect, submitted)


def test_approving_again_after_a_dismissal_counts(client, cast, submitted):
    approve(client, cast.reviewer, submitted)
    with editing.change(Draft.objects.get(pk=submitted.pk), "Add table author"):
        editing.add_table(submitted, "author")

    approve(client, cast.reviewer, submitted)

    assert status_of(submitted) == DraftStatus.APPROVED
    newest = Review.objects.filter(draft=submitted).first()
    assert newest.content_token == Draft.objects.get(pk=submitted.pk).content_token


def test_the_author_is_mailed_the_verdict_on_commit(
    client, cast, submitted, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.architect.email, cast.reviewer.email = "architect@example.com", "reviewer@example.com"
    cast.architect.save()
    cast.reviewer.save()

    with django_capture_on_commit_callbacks(execute=True):
        approve(client, cast.reviewer, submitted, "fine by me")

    assert [m.to for m in mail.outbox] == [["architect@example.com"]]
    assert mail.outbox[0].subject == "[Shop] Approved: Add things"
    assert "reviewer approved on “Add things”." in mail.outbox[0].body
    assert "fine by me" in mail.outbox[0].body


def test_the_author_cannot_approve_through_the_model_either(cast, submitted):
    with pytest.raises(reviewing.ReviewError, match="Nobody approves their own draft"):
        reviewing.give_verdict(submitted, Membership.objects.get(user=cast.architect), Verdict.APPROVED, "")


def test_a_verdict_given_on_a_page_drawn_before_an_edit_is_refused(client, cast, submitted):
    page = review_page(client, cast.reviewer, submitted)
    seen = page.split('name="token" value="')[1].split('"')[0]
    with editing.change(Draft.objects.get(pk=submitted.pk), "Drop column customer.email"):
        editing.delete_column(submitted.tables.get(uid="t-customer").columns.get(uid="c-email"))
    client.force_login(cast.reviewer)

    response = client.post(draft_url(submitted, URL), {"action": "approve", "message": "fine", "token": seen})

    content = response.content.decode()
    assert response.status_code == 409
    assert "the draft changed since this page was drawn (last change: “Drop column customer.email”)" in content
    assert ">fine</textarea>" in content  # what the reviewer wrote is kept
    assert not Review.objects.exists()
    assert status_of(submitted) == DraftStatus.IN_REVIEW


def test_a_verdict_on_the_page_as_it_is_counts_for_that_content(client, cast, submitted):
    seen = review_page(client, cast.reviewer, submitted).split('name="token" value="')[1].split('"')[0]
    client.force_login(cast.reviewer)

    response = client.post(draft_url(submitted, URL), {"action": "approve", "token": seen})

    assert response.status_code == 302
    assert str(Review.objects.get().content_token) == seen == str(Draft.objects.get(pk=submitted.pk).content_token)
