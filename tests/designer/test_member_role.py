import pytest

from designer.models import Membership, Role


def url(cast, user) -> str:
    membership = Membership.objects.get(project=cast.project, user=user)
    return f"/p/shop/members/{membership.pk}/role/"


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    client.force_login(cast.user(role))

    response = client.post(url(cast, cast.viewer), {"role": "architect"})

    assert response.status_code == status
    expected = Role.ARCHITECT if role == "owner" else Role.VIEWER
    assert Membership.objects.get(user=cast.viewer).role == expected


def test_htmx_gets_the_members_section(client, cast):
    client.force_login(cast.owner)

    response = client.post(url(cast, cast.reviewer), {"role": "owner"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b'<section id="members">' in response.content
    assert Membership.objects.get(user=cast.reviewer).role == Role.OWNER


def test_the_last_owner_stays_owner(client, cast):
    client.force_login(cast.owner)

    response = client.post(url(cast, cast.owner), {"role": "viewer"}, HTTP_HX_REQUEST="true")

    assert b"A project needs an owner" in response.content
    assert Membership.objects.get(user=cast.owner).role == Role.OWNER


def test_unknown_roles_are_refused(client, cast):
    client.force_login(cast.owner)

    response = client.post(url(cast, cast.viewer), {"role": "admin"}, HTTP_HX_REQUEST="true")

    assert b"Choose one of the roles" in response.content
    assert Membership.objects.get(user=cast.viewer).role == Role.VIEWER


def test_members_of_other_projects_are_not_found(client, cast, django_user_model):
    from designer.models import Project

    other = Project.objects.create(name="Other", slug="other")
    stranger = Membership.objects.create(project=other, user=cast.outsider, role=Role.VIEWER)
    client.force_login(cast.owner)

    response = client.post(f"/p/shop/members/{stranger.pk}/role/", {"role": "owner"})

    assert response.status_code == 404
