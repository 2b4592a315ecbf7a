import re

import pytest

from designer.models import Draft, Project, SchemaVersion
from tests.designer.schemas import sample_schema


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


def test_the_form_offers_the_versions_newest_first_and_nothing(client, cast, version):
    SchemaVersion.publish(cast.project, sample_schema(), author=cast.owner, message="Add notes")
    client.force_login(cast.architect)

    content = client.get("/p/shop/").content.decode()

    (select,) = re.findall(r'<select name="version"[^>]*>.*?</select>', content, re.S)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
    assert options == [
        ("2", " selected", "v2 · Add notes"),
        ("1", "", "v1 · first"),
        ("", "", "nothing (empty schema)"),
    ]


def test_without_versions_it_offers_nothing_only(client, cast):
    client.force_login(cast.architect)

    content = client.get("/p/shop/").content.decode()

    (select,) = re.findall(r'<select name="version"[^>]*>.*?</select>', content, re.S)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["nothing (empty schema)"]


@pytest.mark.parametrize("typed", ["7", "0", "-1", "abc", "1.5", "1e3", "99999999999999999999"])
def test_unknown_versions_are_refused(client, cast, version, typed):
    client.force_login(cast.architect)

    response = client.post("/p/shop/drafts/new/", {"version": typed, "title": "Typed title"})

    assert response.status_code == 400
    assert f"This project has no version {typed}." in response.content.decode()
    assert b"Typed title" in response.content
    assert not Draft.objects.exists()


def test_a_version_of_another_project_is_refused(client, cast, version):
    other = Project.objects.create(name="Other", slug="other")
    for _ in range(3):
        SchemaVersion.publish(other, sample_schema(), author=cast.owner)
    client.force_login(cast.architect)

    response = client.post("/p/shop/drafts/new/", {"version": "3", "title": "Mine"})

    assert response.status_code == 400
    assert b"This project has no version 3." in response.content
    assert not Draft.objects.exists()


def test_it_rejects_get(client, cast):
    client.force_login(cast.architect)

    assert client.get("/p/shop/drafts/new/").status_code == 405
