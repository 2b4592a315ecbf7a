import pytest

from designer.models import DraftCheck
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "t/t-order/checks/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, URL), {"check-expression": "total >= 0"}
    )

    assert response.status_code == status
    assert DraftCheck.objects.filter(table__uid="t-order").exists() == (status == 200)


def test_it_adds_a_check(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), {"check-expression": "total >= 0"}
    )

    assert "total &gt;= 0" in response.content.decode()
    (check,) = draft.to_schema().table("order").checks
    assert check.expression == "total >= 0"


def test_it_needs_an_expression(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), {"check-name": "positive"})

    assert response.status_code == 422
    assert "Write the condition rows must meet." in response.content.decode()
