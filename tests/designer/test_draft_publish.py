import pytest

from designer.models import DraftColumn, DraftIndex, DraftStatus, SchemaVersion


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    response = client.post(f"/p/shop/d/{draft.pk}/publish/", {"message": "second"})

    assert response.status_code == status
    assert SchemaVersion.objects.filter(number=2).exists() == (status == 302)


def test_it_publishes_the_next_version(client, cast, draft):
    DraftColumn.objects.filter(draft=draft, uid="c-email").update(name="mail")
    client.force_login(cast.owner)

    response = client.post(f"/p/shop/d/{draft.pk}/publish/", {"message": "Rename email"})

    assert response["Location"] == "/p/shop/v/2/"
    version = SchemaVersion.objects.get(number=2)
    assert version.message == "Rename email"
    assert version.schema().table("customer").column("mail").id == "c-email"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.MERGED


def test_a_draft_with_errors_is_not_published(client, cast, draft):
    DraftColumn.objects.filter(draft=draft, uid="c-email").update(default="x" * 300)
    client.force_login(cast.owner)

    response = client.post(f"/p/shop/d/{draft.pk}/publish/")

    assert response.status_code == 400
    assert b"longer than 200 characters" in response.content
    assert not SchemaVersion.objects.filter(number=2).exists()


def test_a_merged_draft_is_not_published_twice(client, cast, draft):
    client.force_login(cast.owner)
    client.post(f"/p/shop/d/{draft.pk}/publish/")

    response = client.post(f"/p/shop/d/{draft.pk}/publish/")

    assert response.status_code == 403
    assert SchemaVersion.objects.count() == 2


def test_a_draft_only_the_engine_finds_broken_is_not_published(client, cast, draft):
    # Index names are per schema on PostgreSQL and SQLite. The index form compares names within
    # its own table only and the designer's checks do too: only the engine's check sees this.
    DraftIndex.objects.filter(draft=draft, uid="i-total").update(name="customer_created_idx")
    cast.project.required_approvals = 0  # review would not stand in the way
    cast.project.save()
    client.force_login(cast.owner)

    response = client.post(f"/p/shop/d/{draft.pk}/publish/", {"message": "second"})

    assert response.status_code == 400
    assert (
        "Index or key name &#x27;customer_created_idx&#x27; used in tables &#x27;customer&#x27;, "
        "&#x27;order&#x27;" in response.content.decode()
    )
    assert SchemaVersion.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN
