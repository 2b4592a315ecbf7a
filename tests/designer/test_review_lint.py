"""Lint findings on the review page: the draft's schema and its change from the base version,
with docs links, the safe SQL, and the project's rules turned off."""

import pytest

from designer import editing
from designer.models import DraftColumn, DraftTable
from tests.designer.conftest import READ_MATRIX, draft_url


def page(client, user, draft, query=""):
    client.force_login(user)
    response = client.get(draft_url(draft, "review/") + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "review/")).status_code == status


@pytest.fixture
def index_added(cast, draft):
    """The draft adding an index on customer.email: on PostgreSQL, built without CONCURRENTLY."""
    table = DraftTable.objects.get(draft=draft, uid="t-customer")
    with editing.change(draft, "Add index"):
        from designer.models import DraftIndex

        DraftIndex.objects.create(draft=draft, table=table, name="customer_email_idx", columns=["c-email"])
    return draft


def test_review_shows_schema_and_change_findings(client, cast, index_added):
    content = page(client, cast.reviewer, index_added)

    assert 'id="review-lint"' in content
    assert 'data-rule="L010"' in content  # the schema's: "order" is reserved
    assert 'data-rule="L104"' in content  # the change's: an index without CONCURRENTLY
    assert "CREATE INDEX CONCURRENTLY &quot;customer_email_idx&quot; ON &quot;customer&quot; (&quot;email&quot;)" in content
    assert 'href="/lint/#index-not-concurrent"' in content


def test_review_per_dialect(client, cast, index_added):
    content = page(client, cast.reviewer, index_added, "?dialect=mysql")

    assert 'data-rule="L104"' not in content
    assert 'data-rule="L109"' in content and "ALGORITHM=INPLACE LOCK=NONE" in content


def test_review_with_rules_turned_off(client, cast, index_added):
    cast.project.lint_disabled = ["L104", "L010"]
    cast.project.save()

    content = page(client, cast.reviewer, index_added)

    assert 'data-rule="L104"' not in content and 'data-rule="L010"' not in content
    assert 'data-rule="L002"' in content


def test_a_destructive_change_is_a_finding(client, cast, draft):
    with editing.change(draft, "Delete column customer.status"):
        editing.delete_column(DraftColumn.objects.get(draft=draft, uid="c-status"))

    content = page(client, cast.reviewer, draft)

    assert 'data-rule="L101"' in content and "“customer”.“status”" in content
