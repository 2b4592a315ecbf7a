import pytest

from designer.models import DraftUnique
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "t/t-order/uniques/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, URL), {"unique-columns": ["o-note"]}
    )

    assert response.status_code == status
    assert DraftUnique.objects.filter(table__uid="t-order").exists() == (status == 200)


def test_it_adds_a_composite_unique_constraint(client, cast, draft):
    htmx_post(
        client, cast.architect, draft_url(draft, URL), {"unique-columns": ["o-region", "o-number"]}
    )

    (unique,) = draft.to_schema().table("order").uniques
    assert unique.columns == ("customer_region", "customer_number")
    assert [op.kind for op in draft.diff_against_base()] == ["add_unique"]


def test_a_taken_constraint_name_is_refused(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"unique-columns": ["o-note"], "unique-name": "order_customer_fkey"},
    )

    assert response.status_code == 422
    assert "already" in response.content.decode()
