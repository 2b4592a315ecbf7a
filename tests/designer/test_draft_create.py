import pytest

from designer.models import Draft


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, version, role, status):
    client.force_login(cast.user(role))

    response = client.post("/p/shop/drafts/new/", {"version": "1", "title": "Mine"})

    assert response.status_code == status
    assert Draft.objects.filter(title="Mine").exists() == (status == 302)


def test_a_draft_from_a_version_holds_that_version(client, cast, version):
    client.force_login(cast.architect)

    response = client.post("/p/shop/drafts/new/", {"version": "1", "title": ""})

    draft = Draft.objects.get()
    assert response["Location"] == f"/p/shop/d/{draft.pk}/"
    assert draft.base_version == version
    assert draft.title == "Changes to v1"
    assert draft.author == cast.architect
    assert draft.to_schema() == version.schema()


def test_a_draft_from_nothing_is_empty(client, cast):
    client.force_login(cast.architect)

    client.post("/p/shop/drafts/new/", {"version": "", "title": "Fresh"})

    draft = Draft.objects.get()
    assert draft.base_version is None
    assert draft.to_schema().tables == ()


def test_unknown_versions_are_refused(client, cast, version):
    client.force_login(cast.architect)

    response = client.post("/p/shop/drafts/new/", {"version": "7", "title": "Typed title"})

    assert response.status_code == 400
    assert b"no version 7" in response.content
    assert b"Typed title" in response.content
    assert not Draft.objects.exists()


def test_it_rejects_get(client, cast):
    client.force_login(cast.architect)

    assert client.get("/p/shop/drafts/new/").status_code == 405
