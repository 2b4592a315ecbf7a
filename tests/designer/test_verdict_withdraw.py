"""Withdraw my verdict (POST …/review/withdraw-verdict/): a reviewer takes back their verdict in
force; a withdrawn request for changes no longer blocks the draft."""

import pytest
from django.test import Client

from designer import reviewing
from designer.models import Activity, Draft, DraftStatus, Event, Membership, Review, Verdict
from tests.designer.conftest import draft_url

URL = "review/withdraw-verdict/"


def give(draft, user, verdict):
    draft.refresh_from_db()
    return reviewing.give_verdict(draft, Membership.objects.get(project=draft.project, user=user), verdict, "")


def status_of(draft) -> str:
    return Draft.objects.get(pk=draft.pk).status


@pytest.fixture
def submitted(cast, draft) -> Draft:
    reviewing.submit(draft, cast.architect, "")
    return draft


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 302),
        ("architect", 400),  # the author: never had a verdict to withdraw
        ("reviewer", 302),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
def test_role_matrix(client, cast, submitted, role, status):
    give(submitted, cast.owner, Verdict.CHANGES_REQUESTED)
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.user(role))

    response = client.post(draft_url(submitted, URL))

    assert response.status_code == status
    withdrawn = Review.objects.exclude(withdrawn_at=None)
    assert [r.reviewer for r in withdrawn] == ([cast.user(role)] if status == 302 else [])


def test_it_rejects_get(client, cast, submitted):
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.reviewer)

    assert client.get(draft_url(submitted, URL)).status_code == 405
    assert Review.objects.get().withdrawn_at is None


def test_it_needs_the_csrf_token(cast, submitted):
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.reviewer)

    assert client.post(draft_url(submitted, URL)).status_code == 403
    assert Review.objects.get().withdrawn_at is None
    assert status_of(submitted) == DraftStatus.CHANGES_REQUESTED


def test_withdrawing_a_request_for_changes_unblocks_the_draft(client, cast, submitted):
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.reviewer)

    response = client.post(draft_url(submitted, URL))

    assert response["Location"] == draft_url(submitted, "review/")
    assert status_of(submitted) == DraftStatus.IN_REVIEW
    entry = Activity.objects.filter(draft=submitted).first()
    assert (entry.event, entry.actor, entry.detail) == (Event.VERDICT_WITHDRAWN, cast.reviewer, "Changes requested")
    page = client.get(response["Location"]).content.decode()
    assert "withdrew their verdict" in page
    assert "requested changes</li>" not in page.split('id="review-state"')[1].split("</div>")[0]
    assert ">Withdraw my verdict</button>" not in page


def test_with_another_approval_the_draft_becomes_approved(client, cast, submitted):
    give(submitted, cast.owner, Verdict.APPROVED)
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    assert status_of(submitted) == DraftStatus.CHANGES_REQUESTED
    client.force_login(cast.reviewer)

    client.post(draft_url(submitted, URL))

    assert status_of(submitted) == DraftStatus.APPROVED


def test_withdrawing_an_approval_takes_the_draft_back_to_in_review(client, cast, submitted):
    give(submitted, cast.reviewer, Verdict.APPROVED)
    client.force_login(cast.reviewer)

    client.post(draft_url(submitted, URL))

    assert status_of(submitted) == DraftStatus.IN_REVIEW
    assert Activity.objects.filter(draft=submitted).first().detail == "Approved"


def test_only_their_own_verdict_is_withdrawn(client, cast, submitted):
    give(submitted, cast.owner, Verdict.CHANGES_REQUESTED)
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.reviewer)

    client.post(draft_url(submitted, URL))

    assert status_of(submitted) == DraftStatus.CHANGES_REQUESTED
    assert Review.objects.get(reviewer=cast.owner).withdrawn_at is None


def test_nothing_to_withdraw_is_refused(client, cast, submitted):
    client.force_login(cast.reviewer)

    response = client.post(draft_url(submitted, URL))

    assert response.status_code == 400
    assert "You have no verdict on this draft to withdraw" in response.content.decode()
    assert not Activity.objects.filter(draft=submitted, event=Event.VERDICT_WITHDRAWN).exists()


def test_a_verdict_is_withdrawn_once(client, cast, submitted):
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.reviewer)
    client.post(draft_url(submitted, URL))

    response = client.post(draft_url(submitted, URL))

    assert response.status_code == 400
    assert Activity.objects.filter(draft=submitted, event=Event.VERDICT_WITHDRAWN).count() == 1


def test_a_published_draft_is_read_only(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.submit(draft, cast.architect, "")
    give(draft, cast.reviewer, Verdict.APPROVED)
    reviewing.publish(draft, cast.architect, "v2")
    client.force_login(cast.reviewer)

    assert client.post(draft_url(draft, URL)).status_code == 403
    assert Review.objects.get().withdrawn_at is None


def test_withdrawing_leaves_the_reviewer_without_a_verdict(client, cast, submitted):
    give(submitted, cast.reviewer, Verdict.CHANGES_REQUESTED)
    give(submitted, cast.reviewer, Verdict.APPROVED)  # supersedes the request
    client.force_login(cast.reviewer)

    client.post(draft_url(submitted, URL))

    assert status_of(submitted) == DraftStatus.IN_REVIEW
    assert ">Withdraw my verdict</button>" not in client.get(draft_url(submitted, "review/")).content.decode()
