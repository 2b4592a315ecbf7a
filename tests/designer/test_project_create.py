from designer.models import Membership, Project, Role


def test_it_shows_the_form(client, cast):
    client.force_login(cast.outsider)

    response = client.get("/projects/new/")

    assert response.status_code == 200
    assert b'name="dialect"' in response.content


def test_any_user_creates_a_project_and_becomes_its_owner(client, cast):
    client.force_login(cast.outsider)

    response = client.post("/projects/new/", {"name": "Library Loans", "dialect": "mysql"})

    project = Project.objects.get(slug="library-loans")
    assert response.status_code == 302
    assert response["Location"] == "/p/library-loans/"
    assert project.dialect == "mysql"
    assert Membership.objects.get(project=project).role == Role.OWNER


def test_it_refuses_a_taken_slug_and_keeps_the_input(client, cast):
    client.force_login(cast.outsider)

    response = client.post(
        "/projects/new/", {"name": "Shop", "description": "mine", "dialect": "sqlite"}
    )

    assert response.status_code == 200
    assert "already uses the address “shop”".encode() in response.content
    assert b"mine" in response.content
    assert Project.objects.count() == 1


def test_it_refuses_an_unknown_dialect(client, cast):
    client.force_login(cast.owner)

    response = client.post("/projects/new/", {"name": "X", "dialect": "oracle"})

    assert response.status_code == 200
    assert not Project.objects.filter(name="X").exists()


def test_it_requires_login(client, db):
    response = client.post("/projects/new/", {"name": "X", "dialect": "sqlite"})

    assert response.status_code == 302
    assert not Project.objects.exists()
