import pytest

from designer.models import Project


@pytest.mark.parametrize(
    "role, status",
    [("owner", 200), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    client.force_login(cast.user(role))

    assert client.get("/p/shop/settings/").status_code == status
    assert client.post(
        "/p/shop/settings/", {"name": "Hacked", "dialect": "sqlite"}
    ).status_code in (status, 302)
    assert Project.objects.get().name == ("Hacked" if role == "owner" else "Shop")


def test_owners_change_name_slug_and_dialect(client, cast):
    client.force_login(cast.owner)

    response = client.post(
        "/p/shop/settings/",
        {"name": "Store", "slug": "store", "description": "d", "dialect": "mysql"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/p/store/"
    project = Project.objects.get()
    assert (project.name, project.slug, project.dialect) == ("Store", "store", "mysql")


def test_it_keeps_the_input_on_errors(client, cast):
    Project.objects.create(name="Taken", slug="taken")
    client.force_login(cast.owner)

    response = client.post(
        "/p/shop/settings/", {"name": "New name", "slug": "taken", "dialect": "mysql"}
    )

    assert response.status_code == 200
    assert b"New name" in response.content
    assert Project.objects.get(pk=cast.project.pk).slug == "shop"
