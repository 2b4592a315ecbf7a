"""Withdraw from review (POST …/withdraw/): only the draft's author or an owner; back to open."""

import pytest
from django.test import Client

from designer import reviewing
from designer.models import Activity, Draft, DraftStatus, Event, Membership, Review, Verdict
from tests.designer.conftest import draft_url

URL = "withdraw/"


@pytest.fixture
def submitted(cast, draft) -> Draft:
    reviewing.submit(draft, cast.architect, "adds things")
    return draft


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, submitted, role, status):
    client.force_login(cast.user(role))

    response = client.post(draft_url(submitted, URL))

    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == (DraftStatus.OPEN if status == 302 else DraftStatus.IN_REVIEW)


def test_an_architect_who_is_not_the_author_may_not(client, cast, version):
    theirs = Draft.objects.create_from_version(version, cast.owner, title="Owner's")
    reviewing.submit(theirs, cast.owner, "")
    client.force_login(cast.architect)

    response = client.post(draft_url(theirs, URL))

    assert response.status_code == 403
    assert Draft.objects.get(pk=theirs.pk).status == DraftStatus.IN_REVIEW
    assert not Activity.objects.filter(draft=theirs, event=Event.WITHDRAWN).exists()


def test_it_rejects_get(client, cast, submitted):
    client.force_login(cast.architect)

    assert client.get(draft_url(submitted, URL)).status_code == 405
    assert Draft.objects.get(pk=submitted.pk).status == DraftStatus.IN_REVIEW


def test_it_needs_the_csrf_token(cast, submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.architect)

    assert client.post(draft_url(submitted, URL)).status_code == 403
    assert Draft.objects.get(pk=submitted.pk).status == DraftStatus.IN_REVIEW


def test_it_goes_back_to_open_and_says_so_in_the_activity(client, cast, submitted):
    client.force_login(cast.architect)

    response = client.post(draft_url(submitted, URL))

    assert response["Location"] == draft_url(submitted, "review/")
    assert Draft.objects.get(pk=submitted.pk).status == DraftStatus.OPEN
    entry = Activity.objects.filter(draft=submitted).first()  # newest first
    assert (entry.event, entry.actor) == (Event.WITHDRAWN, cast.architect)
    page = client.get(response["Location"]).content.decode()
    assert "withdrew from review" in page
    assert ">Submit for review</button>" in page and ">Withdraw</button>" not in page


def test_an_approved_or_sent_back_draft_is_withdrawn_too_and_verdicts_stay(client, cast, submitted):
    reviewing.give_verdict(submitted, Membership.objects.get(user=cast.reviewer), Verdict.APPROVED, "")
    reviewing.give_verdict(submitted, Membership.objects.get(user=cast.owner), Verdict.CHANGES_REQUESTED, "")
    assert Draft.objects.get(pk=submitted.pk).status == DraftStatus.CHANGES_REQUESTED
    client.force_login(cast.owner)

    client.post(draft_url(submitted, URL))

    assert Draft.objects.get(pk=submitted.pk).status == DraftStatus.OPEN
    assert Review.objects.filter(draft=submitted, withdrawn_at=None, dismissed_at=None).count() == 2


def test_an_open_draft_is_refused_with_the_reason(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL))

    assert response.status_code == 400
    assert "This draft is not in review" in response.content.decode()
    assert not Activity.objects.filter(draft=draft).exists()


def test_a_published_draft_is_read_only(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")
    client.force_login(cast.architect)

    assert client.post(draft_url(draft, URL)).status_code == 403
    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.MERGED
