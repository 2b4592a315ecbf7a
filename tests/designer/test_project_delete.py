import pytest

from designer.models import Project


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    client.force_login(cast.user(role))

    response = client.post("/p/shop/delete/", {"confirm": "shop"})

    assert response.status_code == status
    assert Project.objects.filter(slug="shop").exists() == (role != "owner")


def test_it_deletes_versions_and_drafts(client, cast, draft):
    client.force_login(cast.owner)

    response = client.post("/p/shop/delete/", {"confirm": "shop"})

    assert response["Location"] == "/"
    assert not Project.objects.exists()


def test_it_needs_the_slug_typed(client, cast):
    client.force_login(cast.owner)

    response = client.post("/p/shop/delete/", {"confirm": "yes"})

    assert response.status_code == 400
    assert b"to confirm" in response.content
    assert Project.objects.exists()


def test_it_rejects_get(client, cast):
    client.force_login(cast.owner)

    assert client.get("/p/shop/delete/").status_code == 405
