import pytest

from designer.models import Membership


def url(cast, user) -> str:
    membership = Membership.objects.get(project=cast.project, user=user)
    return f"/p/shop/members/{membership.pk}/remove/"


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    target = url(cast, cast.viewer)
    client.force_login(cast.user(role))

    response = client.post(target)

    assert response.status_code == status
    assert Membership.objects.filter(user=cast.viewer).exists() == (role != "owner")


def test_removed_members_lose_access(client, cast):
    client.force_login(cast.owner)
    client.post(url(cast, cast.architect), HTTP_HX_REQUEST="true")
    client.force_login(cast.architect)

    assert client.get("/p/shop/").status_code == 404


def test_the_last_owner_cannot_be_removed(client, cast):
    client.force_login(cast.owner)

    response = client.post(url(cast, cast.owner), HTTP_HX_REQUEST="true")

    assert b"A project needs an owner" in response.content
    assert Membership.objects.filter(user=cast.owner).exists()


def test_an_owner_may_leave_when_another_owner_remains(client, cast):
    Membership.objects.filter(user=cast.architect).update(role="owner")
    client.force_login(cast.owner)

    response = client.post(url(cast, cast.owner), HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == "/"
    assert not Membership.objects.filter(user=cast.owner).exists()


def test_it_rejects_get(client, cast):
    client.force_login(cast.owner)

    assert client.get(url(cast, cast.viewer)).status_code == 405
