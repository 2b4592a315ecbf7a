import pytest

from designer.models import Draft, DraftStatus


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    response = client.post(f"/p/shop/d/{draft.pk}/abandon/")

    assert response.status_code == status
    expected = DraftStatus.ABANDONED if status == 302 else DraftStatus.OPEN
    assert Draft.objects.get().status == expected


def test_an_abandoned_draft_is_read_only(client, cast, draft):
    client.force_login(cast.architect)
    client.post(f"/p/shop/d/{draft.pk}/abandon/")

    response = client.get(f"/p/shop/d/{draft.pk}/")

    assert response.status_code == 200
    assert b"read-only" in response.content
    assert b"/tables/new/" not in response.content
