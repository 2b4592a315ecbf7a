"""Publishing: every rule is checked on the server at the moment of publishing, under a lock."""

import threading

import pytest
from django.db import connection

from designer import editing, reviewing
from designer.models import (
    Activity,
    Draft,
    DraftColumn,
    DraftIndex,
    DraftStatus,
    Event,
    Membership,
    Role,
    SchemaVersion,
    Verdict,
)
from tests.designer.conftest import draft_url


def approve(draft, user, verdict=Verdict.APPROVED):
    draft.refresh_from_db()
    membership = Membership.objects.get(project=draft.project, user=user)
    return reviewing.give_verdict(draft, membership, verdict, "")


@pytest.fixture
def reviewed(cast, draft) -> Draft:
    """The draft, submitted and approved by the reviewer (the project needs one approval)."""
    reviewing.submit(draft, cast.architect, "adds things")
    approve(draft, cast.reviewer)
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, reviewed, role, status):
    client.force_login(cast.user(role))

    response = client.post(draft_url(reviewed, "publish/"), {"message": "second"})

    assert response.status_code == status
    assert SchemaVersion.objects.filter(number=2).exists() == (status == 302)


def test_it_rejects_get(client, cast, reviewed):
    client.force_login(cast.owner)

    assert client.get(draft_url(reviewed, "publish/")).status_code == 405


def test_it_needs_the_csrf_token(cast, reviewed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)

    assert client.post(draft_url(reviewed, "publish/"), {"message": "x"}).status_code == 403
    assert not SchemaVersion.objects.filter(number=2).exists()


def test_it_publishes_the_next_version(client, cast, reviewed):
    client.force_login(cast.owner)

    response = client.post(draft_url(reviewed, "publish/"), {"message": "Add things"})

    assert response["Location"] == "/p/shop/v/2/"
    version = SchemaVersion.objects.get(number=2)
    assert version.message == "Add things"
    reviewed.refresh_from_db()
    assert reviewed.status == DraftStatus.MERGED
    assert reviewed.published_as == version
    assert Activity.objects.filter(draft=reviewed, event=Event.PUBLISHED, detail__startswith="v2").exists()


def test_without_review_rules_an_open_draft_publishes_as_before(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    DraftColumn.objects.filter(draft=draft, uid="c-email").update(name="mail")
    client.force_login(cast.owner)

    response = client.post(draft_url(draft, "publish/"), {"message": "Rename email"})

    assert response["Location"] == "/p/shop/v/2/"
    assert SchemaVersion.objects.get(number=2).schema().table("customer").column("mail").id == "c-email"


def test_an_open_draft_needs_submitting_first(client, cast, draft):
    client.force_login(cast.owner)

    response = client.post(draft_url(draft, "publish/"))

    assert response.status_code == 400
    assert "submit it for review first" in response.content.decode()
    assert SchemaVersion.objects.count() == 1


def test_too_few_approvals_are_refused(client, cast, draft):
    cast.project.required_approvals = 2
    cast.project.save()
    reviewing.submit(draft, cast.architect, "")
    approve(draft, cast.reviewer)
    client.force_login(cast.owner)

    response = client.post(draft_url(draft, "publish/"))

    assert response.status_code == 400
    assert "1 more approval needed (1 of 2)" in response.content.decode()
    assert SchemaVersion.objects.count() == 1


def test_an_approval_of_older_content_does_not_count(client, cast, reviewed):
    # The token moves without the dismissal (as a write racing the approval would): the
    # approval's content is no longer the draft's, so it must not count.
    Draft.objects.filter(pk=reviewed.pk).update(content_token="00000000-0000-0000-0000-000000000001")
    client.force_login(cast.owner)

    response = client.post(draft_url(reviewed, "publish/"))

    assert response.status_code == 400
    assert "1 more approval needed (0 of 1)" in response.content.decode()
    assert SchemaVersion.objects.count() == 1


def test_changes_requested_block_until_withdrawn(client, cast, reviewed):
    approve(reviewed, cast.owner, Verdict.CHANGES_REQUESTED)
    client.force_login(cast.architect)

    refused = client.post(draft_url(reviewed, "publish/"))
    reviewing.withdraw_verdict(reviewed, cast.owner)
    published = client.post(draft_url(reviewed, "publish/"))

    assert refused.status_code == 400
    assert "owner requested changes" in refused.content.decode()
    assert published.status_code == 302


def test_a_reviewer_removed_from_the_project_no_longer_counts(client, cast, reviewed):
    Membership.objects.filter(user=cast.reviewer).update(role=Role.VIEWER)
    client.force_login(cast.owner)

    response = client.post(draft_url(reviewed, "publish/"))

    assert response.status_code == 400
    assert SchemaVersion.objects.count() == 1


def test_a_destructive_change_needs_an_owner_when_the_rule_says_so(client, cast, reviewed):
    editing.delete_column(DraftColumn.objects.get(draft=reviewed, uid="c-email"))  # destructive
    Draft.objects.filter(pk=reviewed.pk).update(content_token=reviewed.reviews.get().content_token)
    cast.project.owner_approval_for_destructive = True
    cast.project.save()
    client.force_login(cast.architect)

    refused = client.post(draft_url(reviewed, "publish/"))
    approve(reviewed, cast.owner)
    published = client.post(draft_url(reviewed, "publish/"))

    assert refused.status_code == 400
    assert "an owner must approve it" in refused.content.decode()
    assert published.status_code == 302


def test_a_draft_based_on_an_older_version_is_refused(client, cast, reviewed, version):
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(other, cast.owner, "v2")
    cast.project.required_approvals = 1
    cast.project.save()
    client.force_login(cast.owner)

    response = client.post(draft_url(reviewed, "publish/"))

    assert response.status_code == 400
    assert "update from v2 first" in response.content.decode()
    assert "Update from v2" in response.content.decode()
    assert SchemaVersion.objects.count() == 2


def test_a_draft_with_errors_is_not_published(client, cast, reviewed):
    DraftColumn.objects.filter(draft=reviewed, uid="c-email").update(default="x" * 300)
    client.force_login(cast.owner)

    response = client.post(draft_url(reviewed, "publish/"))

    assert response.status_code == 400
    assert "longer than 200 characters" in response.content.decode()
    assert not SchemaVersion.objects.filter(number=2).exists()


def test_a_published_draft_is_not_published_twice(client, cast, reviewed):
    client.force_login(cast.owner)
    client.post(draft_url(reviewed, "publish/"))

    response = client.post(draft_url(reviewed, "publish/"))  # a second click, or the back button

    assert response["Location"] == "/p/shop/v/2/"
    assert SchemaVersion.objects.count() == 2


def test_an_abandoned_draft_is_not_published(client, cast, reviewed):
    reviewing.abandon(reviewed, cast.architect)
    client.force_login(cast.owner)

    assert client.post(draft_url(reviewed, "publish/")).status_code == 403
    assert SchemaVersion.objects.count() == 1


def test_a_draft_only_the_engine_finds_broken_is_not_published(client, cast, draft):
    # Index names are per schema on PostgreSQL and SQLite. The index form compares names within
    # its own table only and the designer's checks do too: only the engine's check sees this.
    DraftIndex.objects.filter(draft=draft, uid="i-total").update(name="customer_created_idx")
    cast.project.required_approvals = 0  # review would not stand in the way
    cast.project.save()
    client.force_login(cast.owner)

    response = client.post(draft_url(draft, "publish/"), {"message": "second"})

    assert response.status_code == 400
    assert (
        "Index or key name &#x27;customer_created_idx&#x27; used in tables &#x27;customer&#x27;, "
        "&#x27;order&#x27;" in response.content.decode()
    )
    assert SchemaVersion.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN


# ---------------------------------------------------------------- races


def _at_once(*calls):
    """Run ``calls`` in threads released together; each thread's outcome (a value or the
    exception it raised), in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait()
            outcomes[n] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_drafts_published_at_the_same_moment_make_one_version(cast, version):
    cast.project.required_approvals = 0
    cast.project.save()
    first = Draft.objects.create_from_version(version, cast.architect, title="First")
    second = Draft.objects.create_from_version(version, cast.owner, title="Second")

    outcomes = _at_once(
        lambda: reviewing.publish(Draft.objects.get(pk=first.pk), cast.architect, "first"),
        lambda: reviewing.publish(Draft.objects.get(pk=second.pk), cast.owner, "second"),
    )

    published = [o for o in outcomes if isinstance(o, SchemaVersion)]
    refused = [o for o in outcomes if isinstance(o, reviewing.PublishRefused)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert SchemaVersion.objects.filter(project=cast.project).count() == 2
    assert Draft.objects.filter(status=DraftStatus.MERGED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_draft_published_twice_at_once_makes_one_version(cast, version):
    cast.project.required_approvals = 0
    cast.project.save()
    draft = Draft.objects.create_from_version(version, cast.architect, title="Once")

    outcomes = _at_once(
        lambda: reviewing.publish(Draft.objects.get(pk=draft.pk), cast.architect, "a"),
        lambda: reviewing.publish(Draft.objects.get(pk=draft.pk), cast.owner, "b"),
    )

    assert sum(isinstance(o, SchemaVersion) for o in outcomes) == 1, outcomes
    assert SchemaVersion.objects.filter(project=cast.project).count() == 2



@pytest.mark.django_db(transaction=True)
def test_a_publish_waits_for_a_rule_being_changed_and_obeys_it(cast, version):
    # An owner is raising the number of approvals (holding the project row, as the settings
    # view does) when a publish starts: the publish waits for the change, then applies it.
    from django.db import transaction

    from designer.models import Project

    draft = Draft.objects.create_from_version(version, cast.architect, title="Rules")
    reviewing.submit(draft, cast.architect, "")
    approve(draft, cast.reviewer)
    locked, publish_started = threading.Event(), threading.Event()

    def raise_rule():
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=cast.project.pk)
            project.required_approvals = 2
            project.save()
            locked.set()
            publish_started.wait(5)
            threading.Event().wait(0.5)  # the publish is waiting on the lock by now
        return "raised"

    def publish_once_locked():
        locked.wait(5)
        publish_started.set()
        return reviewing.publish(Draft.objects.get(pk=draft.pk), cast.architect, "x")

    raised, published = _at_once(raise_rule, publish_once_locked)

    assert raised == "raised"
    assert isinstance(published, reviewing.PublishRefused), published
    assert "1 more approval needed (1 of 2)" in str(published)
    assert not SchemaVersion.objects.filter(project=cast.project, number=2).exists()
