import pytest

from designer.models import Membership, Role


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, django_user_model, role, status):
    newcomer = django_user_model.objects.create_user("newcomer")
    client.force_login(cast.user(role))

    response = client.post("/p/shop/members/", {"username": "newcomer", "role": "viewer"})

    assert response.status_code == status
    assert Membership.objects.filter(user=newcomer).exists() == (role == "owner")


def test_htmx_gets_the_members_section(client, cast, django_user_model):
    django_user_model.objects.create_user("newcomer")
    client.force_login(cast.owner)

    response = client.post(
        "/p/shop/members/", {"username": "newcomer", "role": "architect"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="members">')
    assert "newcomer" in content
    assert "<html" not in content
    assert Membership.objects.get(user__username="newcomer").role == Role.ARCHITECT


def test_it_refuses_unknown_users_and_keeps_the_page(client, cast):
    client.force_login(cast.owner)

    response = client.post(
        "/p/shop/members/", {"username": "ghost", "role": "viewer"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "There is no user “ghost”".encode() in response.content


def test_it_refuses_existing_members(client, cast):
    client.force_login(cast.owner)

    response = client.post("/p/shop/members/", {"username": "viewer", "role": "owner"})

    assert response.status_code == 400
    assert b"is a member already" in response.content
    assert Membership.objects.get(user=cast.viewer).role == Role.VIEWER


def test_it_is_csrf_protected(cast, django_user_model):
    from django.test import Client

    django_user_model.objects.create_user("newcomer")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.owner)

    response = strict.post(
        "/p/shop/members/", {"username": "newcomer", "role": "viewer"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="newcomer").exists()
