"""Submit for review (POST …/submit/): architects and owners; mail to reviewers once committed."""

import pytest
from django.db import transaction
from django.test import Client

from designer import editing, reviewing
from designer.models import Activity, Draft, DraftStatus, Event, Membership, Verdict
from tests.designer.conftest import draft_url

URL = "submit/"




@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    response = client.post(draft_url(draft, URL), {"description": "adds things"})

    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == (DraftStatus.IN_REVIEW if status == 302 else DraftStatus.OPEN)


def test_it_rejects_get(client, cast, draft):
    client.force_login(cast.architect)

    assert client.get(draft_url(draft, URL)).status_code == 405
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN


def test_it_needs_the_csrf_token(cast, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.architect)

    assert client.post(draft_url(draft, URL), {"description": "x"}).status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.description) == (DraftStatus.OPEN, "")
    assert not Activity.objects.filter(draft=draft).exists()


def test_it_puts_the_draft_in_review(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL), {"description": "  adds things\nfor the shop  "})

    assert response.status_code == 302
    assert response["Location"] == draft_url(draft, "review/")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    assert draft.description == "adds things\nfor the shop"
    assert draft.submitted_at is not None
    entry = Activity.objects.get(draft=draft)
    assert (entry.event, entry.actor, entry.detail) == (Event.SUBMITTED, cast.architect, "adds things\nfor the shop")
    page = client.get(response["Location"]).content.decode()
    assert "submitted for review" in page and "adds things<br>for the shop" in page


def test_a_draft_already_in_review_is_refused_with_the_reason(client, cast, draft):
    reviewing.submit(draft, cast.architect, "first")
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL), {"description": "second"})

    assert response.status_code == 400
    assert "This draft is in review: only an open draft is submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.description == "first"
    assert Activity.objects.filter(draft=draft, event=Event.SUBMITTED).count() == 1


def test_a_published_draft_is_read_only(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == DraftStatus.MERGED


def test_an_approval_given_before_a_withdrawal_still_holds_when_resubmitted(cast, draft):
    reviewing.submit(draft, cast.architect, "")
    reviewing.give_verdict(draft, Membership.objects.get(user=cast.reviewer), Verdict.APPROVED, "")
    reviewing.withdraw(draft, cast.architect)

    reviewing.submit(draft, cast.architect, "again")

    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.APPROVED


def test_an_approval_of_content_changed_since_does_not_hold(cast, draft):
    reviewing.submit(draft, cast.architect, "")
    reviewing.give_verdict(draft, Membership.objects.get(user=cast.reviewer), Verdict.APPROVED, "")
    reviewing.withdraw(draft, cast.architect)
    with editing.change(draft, "Add table author"):  # while open: no dismissal, a new token
        editing.add_table(draft, "author")

    reviewing.submit(draft, cast.architect, "again")

    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.IN_REVIEW


# ---------------------------------------------------------------- mail


def test_reviewers_are_mailed_once_the_transaction_commits(
    client, cast, draft, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.architect)

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(draft_url(draft, URL), {"description": "adds things"})
        assert mailbox == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()

    assert sorted(m.to[0] for m in mailbox) == ["owner@example.com", "reviewer@example.com"]
    message = mailbox[0]
    assert message.subject == "[Shop] Review requested: Add things"
    assert "architect asks for a review of “Add things”." in message.body
    assert "adds things" in message.body
    assert draft_url(draft, "review/") in message.body


def test_the_submitter_and_the_author_are_not_mailed(client, cast, draft, mailbox, django_capture_on_commit_callbacks):
    client.force_login(cast.owner)  # submits the architect's draft

    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url(draft, URL), {"description": ""})

    assert [m.to for m in mailbox] == [["reviewer@example.com"]]


def test_users_without_an_address_are_left_out(client, cast, draft, mailbox, django_capture_on_commit_callbacks):
    cast.reviewer.email = ""
    cast.reviewer.save()
    client.force_login(cast.architect)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url(draft, URL))

    assert [m.to for m in mailbox] == [["owner@example.com"]]


def test_links_are_absolute_with_site_url(client, cast, draft, mailbox, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://schemas.example.com/"
    client.force_login(cast.architect)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url(draft, URL))

    assert f"https://schemas.example.com{draft_url(draft, 'review/')}" in mailbox[0].body


def test_a_refused_submit_sends_nothing(client, cast, draft, mailbox, django_capture_on_commit_callbacks):
    reviewing.submit(draft, cast.architect, "")
    client.force_login(cast.architect)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(draft_url(draft, URL))

    assert callbacks == [] and mailbox == []


def test_a_failing_mail_server_does_not_undo_the_submit(client, cast, draft, mailbox, monkeypatch, django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("designer.notifications.send_mass_mail", down)
    client.force_login(cast.architect)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(draft_url(draft, URL))

    assert response.status_code == 302
    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.IN_REVIEW


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_nothing_is_mailed_when_the_transaction_rolls_back(cast, draft, mailbox):
    with pytest.raises(Boom), transaction.atomic():
        reviewing.submit(Draft.objects.get(pk=draft.pk), cast.architect, "adds things")
        raise Boom

    assert mailbox == []
    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.OPEN
    assert not Activity.objects.filter(draft=draft).exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_submit_is_mailed(cast, draft, mailbox):
    # The counterpart of the rollback test, under the same real transactions.
    reviewing.submit(Draft.objects.get(pk=draft.pk), cast.architect, "adds things")

    assert sorted(m.to[0] for m in mailbox) == ["owner@example.com", "reviewer@example.com"]
