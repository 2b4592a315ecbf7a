from designer.models import Membership, Project, Role


def test_it_lists_the_users_projects_only(client, cast):
    hidden = Project.objects.create(name="Hidden", slug="hidden")
    client.force_login(cast.viewer)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Shop" in response.content
    assert b"Hidden" not in response.content
    assert f"/p/{hidden.slug}/".encode() not in response.content


def test_it_shows_the_role_and_latest_version(client, cast, version):
    client.force_login(cast.reviewer)

    response = client.get("/")

    assert b"Reviewer" in response.content
    assert b"v1" in response.content


def test_outsiders_see_an_empty_list(client, cast):
    client.force_login(cast.outsider)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Shop" not in response.content
    assert b"not a member of any project" in response.content


def test_it_vendors_htmx_and_sends_csrf_to_htmx(client, cast):
    client.force_login(cast.owner)

    response = client.get("/")

    assert b"vendor/htmx.min.js" in response.content
    assert b'hx-headers=\'{"x-csrftoken": "' in response.content


def test_it_redirects_anonymous_users_to_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_it_runs_a_fixed_number_of_queries(client, cast, version, django_assert_max_num_queries):
    for n in range(5):
        project = Project.objects.create(name=f"P{n}", slug=f"p{n}")
        Membership.objects.create(project=project, user=cast.owner, role=Role.OWNER)
    client.force_login(cast.owner)

    with django_assert_max_num_queries(4):
        response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    for slug in ("shop", "p0", "p1", "p2", "p3", "p4"):
        assert f'href="/p/{slug}/"' in content
    assert content.count("<td>Owner</td>") == 6
    assert content.count("<td>v1</td>") == 1 and content.count("none yet") == 5
