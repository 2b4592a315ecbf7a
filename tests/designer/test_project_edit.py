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


def settings_form(**rules) -> dict:
    return {"name": "Shop", "slug": "shop", "dialect": "postgresql", "required_approvals": 1, **rules}


def test_owners_set_the_review_rules_and_the_change_is_logged(client, cast):
    from designer.models import Activity, Event

    client.force_login(cast.owner)

    response = client.post(
        "/p/shop/settings/", settings_form(required_approvals=2, owner_approval_for_destructive="on")
    )
    client.post("/p/shop/settings/", settings_form(required_approvals=2, owner_approval_for_destructive="on", description="same rules"))

    assert response.status_code == 302
    project = Project.objects.get()
    assert project.required_approvals == 2 and project.owner_approval_for_destructive
    (entry,) = Activity.objects.filter(event=Event.RULES_CHANGED)  # the second save changed no rule
    assert entry.actor == cast.owner
    assert entry.detail == "approvals required: 2; destructive changes need an owner's approval"
    page = client.get("/p/shop/").content.decode()
    assert "Review rules: 2 approvals needed, and an owner's for destructive changes." in page
    assert "changed the approval rules" in page


@pytest.mark.parametrize("value", ["6", "-1", "two"])
def test_approvals_outside_0_to_5_are_refused(client, cast, value):
    client.force_login(cast.owner)

    response = client.post("/p/shop/settings/", settings_form(required_approvals=value))

    assert response.status_code == 200  # the form again, with its message
    assert Project.objects.get().required_approvals == 1


def test_zero_approvals_is_solo_use(client, cast):
    client.force_login(cast.owner)

    client.post("/p/shop/settings/", settings_form(required_approvals=0))

    assert Project.objects.get().required_approvals == 0
