import pytest
from django.utils.html import escape

from designer.models import DraftIndex
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "t/t-customer/indexes/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, URL), {"index-columns": ["c-email"]}
    )

    assert response.status_code == status
    assert DraftIndex.objects.filter(draft=draft).count() == (3 if status == 200 else 2)


def test_it_adds_a_composite_index_named_by_convention(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"index-columns": ["c-status", "c-created"], "index-unique": "on"},
    )

    assert "Unique index (status, created)" in response.content.decode()
    operations = draft.diff_against_base()
    assert [op.kind for op in operations] == ["create_index"]
    assert operations[0].index.name == "customer_status_created_idx"


def test_a_partial_index_keeps_its_condition_and_name(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "index-columns": ["c-email"],
            "index-where": "status = 'active'",
            "index-name": "active_email",
        },
    )

    index = next(i for i in draft.to_schema().table("customer").indexes if i.name == "active_email")
    assert index.where == "status = 'active'"


def test_it_needs_columns(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), {"index-name": "typed_name"}
    )

    assert response.status_code == 422
    assert "Choose at least one column." in response.content.decode()
    assert 'value="typed_name"' in response.content.decode()


def test_it_refuses_a_taken_name_and_unknown_columns(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"index-columns": ["o-id"], "index-name": "customer_created_idx"},
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert "is not one of the available choices" in content
    assert "has a index called “customer_created_idx” already" in content


@pytest.mark.parametrize(
    "where, message",
    [
        ("status = 'active'); DROP TABLE customer; --", "closes a parenthesis it did not open"),
        ("stat = 'active'", "names column “stat”, which the table does not have"),
        ("status = 'active'; DELETE FROM customer", "holds a &#x27;;&#x27;"),
    ],
)
def test_a_condition_that_is_not_one_expression_on_its_columns_is_refused(client, cast, draft, where, message):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"index-columns": ["c-email"], "index-where": where, "index-name": "partial_email"},
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert escape(where) in content
    assert not any(i.name == "partial_email" for i in draft.to_schema().table("customer").indexes)
