import re

import pytest

from designer.models import Draft, DraftStatus
from tests.designer.conftest import htmx_post


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    response = client.post(f"/p/shop/d/{draft.pk}/abandon/")

    assert response.status_code == status
    expected = DraftStatus.ABANDONED if status == 302 else DraftStatus.OPEN
    assert Draft.objects.get().status == expected


def test_an_abandoned_draft_is_read_only(client, cast, draft):
    client.force_login(cast.architect)
    client.post(f"/p/shop/d/{draft.pk}/abandon/")

    response = client.get(f"/p/shop/d/{draft.pk}/")

    assert response.status_code == 200
    assert b"read-only" in response.content
    assert b"/tables/new/" not in response.content


def test_the_editor_asks_before_abandoning(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(f"/p/shop/d/{draft.pk}/").content.decode()

    url = f"/p/shop/d/{draft.pk}/abandon/"
    (form,) = re.findall(rf'<form method="post" action="{url}"[^>]*>', content)
    assert f'hx-post="{url}"' in form  # hx-confirm needs htmx to make the request
    assert "hx-confirm=\"Abandon the draft “Add things”? It can be read but no longer edited" in form


def test_with_htmx_it_sends_the_browser_to_the_project(client, cast, draft):
    response = htmx_post(client, cast.architect, f"/p/shop/d/{draft.pk}/abandon/")

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/p/shop/"
    assert Draft.objects.get().status == DraftStatus.ABANDONED


def test_abandoning_is_in_the_activity(client, cast, draft):
    from designer.models import Activity, Event

    client.force_login(cast.architect)
    client.post(f"/p/shop/d/{draft.pk}/abandon/")

    entry = Activity.objects.get(event=Event.ABANDONED)
    assert entry.draft_id == draft.pk and entry.actor == cast.architect
