import pytest

from designer.models import DraftColumn, DraftEnum
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    DraftEnum.objects.create(draft=draft, uid="e-mood", name="mood", values=["happy"])

    response = htmx_post(client, cast.user(role), draft_url(draft, "enums/e-mood/delete/"))

    assert response.status_code == status
    assert DraftEnum.objects.filter(uid="e-mood").exists() == (status != 200)


def test_an_enum_in_use_stays(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, "enums/e-status/delete/"))

    assert response.status_code == 422
    assert "still used by customer.status" in response.content.decode()
    assert DraftEnum.objects.filter(uid="e-status").exists()


def test_once_unused_it_goes(client, cast, draft):
    DraftColumn.objects.filter(uid="c-status").update(type="text", default=None)

    htmx_post(client, cast.architect, draft_url(draft, "enums/e-status/delete/"))

    assert not DraftEnum.objects.exists()
