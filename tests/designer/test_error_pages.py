"""The 403 and 404 pages: the site's own layout with the reason and a way back, not the server's
bare "403 Forbidden"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_role_too_low_gets_the_reason_in_the_sites_layout(client, cast, draft):
    client.force_login(cast.reviewer)
    response = client.get(f"/p/{draft.project.slug}/d/{draft.pk}/import/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "<h1>Not allowed</h1>" in content
    assert "This needs the architect role" in content
    assert 'href="/">Back to your projects</a>' in content
    assert "designer/designer.css" in content


def test_an_outsider_gets_the_sites_not_found_page(client, cast, draft):
    client.force_login(cast.outsider)
    response = client.get(f"/p/{draft.project.slug}/d/{draft.pk}/import/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "<h1>Not found</h1>" in content and "a project shows only to its members" in content
