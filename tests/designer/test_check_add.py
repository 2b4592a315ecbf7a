import pytest

from django.utils.html import escape

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


@pytest.mark.parametrize(
    "expression, message",
    [
        ("total >= 0); DROP TABLE customers; --", "closes a parenthesis it did not open"),
        ("total >= 0); DROP TABLE customers; --", "holds a &#x27;;&#x27;"),
        ("totl >= 0", "names column “totl”, which the table does not have"),
        ("(total >= 0", "leaves a parenthesis open"),
        ("total >= 0 -- positive", "ends in a comment"),
        ("total >= 0 /* positive", "unclosed string, quoted name or comment"),
        ("total > (SELECT 0)", "holds a statement or a subquery"),
        ("DROP TABLE customers", "holds a statement or a subquery"),
    ],
)
def test_it_refuses_what_is_not_one_expression_on_its_columns(client, cast, draft, expression, message):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), {"check-expression": expression}
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert escape(expression) in content  # what was typed is kept
    assert not DraftCheck.objects.filter(table__uid="t-order").exists()


def test_quoted_and_unquoted_names_of_its_columns_are_accepted(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), {"check-expression": '"total" >= 0 AND TOTAL < 1e9'}
    )

    assert response.status_code == 200
    assert DraftCheck.objects.filter(table__uid="t-order").exists()
