import re

import pytest

from designer.models import Draft


@pytest.mark.parametrize(
    "role, status",
    [("owner", 200), ("architect", 200), ("reviewer", 200), ("viewer", 200), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    client.force_login(cast.user(role))

    assert client.get("/p/shop/").status_code == status


def test_it_shows_versions_drafts_and_members(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/")

    content = response.content.decode()
    assert 'href="/p/shop/v/1/"' in content
    assert f'href="/p/shop/d/{draft.pk}/"' in content
    for name in ("owner", "architect", "reviewer", "viewer"):
        assert name in content
    assert "outsider" not in content


def test_owners_get_member_controls(client, cast):
    client.force_login(cast.owner)

    content = client.get("/p/shop/").content.decode()

    assert 'action="/p/shop/members/"' in content
    assert 'hx-post="/p/shop/members/"' in content
    assert "/p/shop/settings/" in content


def test_architects_may_start_drafts_but_not_manage_members(client, cast):
    client.force_login(cast.architect)

    content = client.get("/p/shop/").content.decode()

    assert 'action="/p/shop/drafts/new/"' in content
    assert 'action="/p/shop/members/"' not in content


def test_viewers_get_no_controls(client, cast):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/").content.decode()

    assert "/drafts/new/" not in content
    assert "/members/" not in content


def test_unknown_project_is_a_404(client, cast):
    client.force_login(cast.owner)

    assert client.get("/p/nope/").status_code == 404


def test_queries_do_not_grow_with_drafts(client, cast, version, django_assert_max_num_queries):
    for n in range(5):
        Draft.objects.create_from_version(version, cast.architect, title=f"d{n}")
    client.force_login(cast.owner)

    with django_assert_max_num_queries(9):
        response = client.get("/p/shop/")

    assert response.status_code == 200
    content = response.content.decode()
    assert len(set(re.findall(r'href="/p/shop/d/(\d+)/"', content))) == 5
    assert 'href="/p/shop/v/1/"' in content
    assert content.count('class="member-name"') == 4


def test_each_draft_links_to_its_review(client, cast, draft):
    from designer import reviewing

    reviewing.submit(draft, cast.architect, "")
    client.force_login(cast.reviewer)

    content = client.get("/p/shop/").content.decode()

    assert f'<a href="/p/shop/d/{draft.pk}/review/" class="review-link"><strong>review</strong></a>' in content
    assert '<span class="status status-in_review">In review</span>' in content
