"""Lint findings in the draft editor's SQL preview: the draft schema's, and its change's from
the base version, each with its docs link and safe SQL; the project's rules turned off are off."""

import pytest

from designer import editing
from designer.models import DraftColumn
from tests.designer.conftest import HTMX, READ_MATRIX, draft_url


def preview(client, user, draft, query: str = "", **headers) -> str:
    client.force_login(user)
    response = client.get(draft_url(draft, f"preview/{query}"), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "preview/"), **HTMX).status_code == status


def test_schema_findings_with_docs_links_and_safe_sql(client, cast, draft):
    content = preview(client, cast.viewer, draft, **HTMX)

    assert 'id="lint"' in content
    # The sample's "order" table: a reserved word in PostgreSQL, and a foreign key without an index.
    assert "table &#x27;order&#x27; is a reserved word in postgresql" in content
    assert 'href="/lint/#reserved-word"' in content
    assert 'href="/lint/#fk-without-index"' in content
    assert '<pre class="sql safe-sql"><code>CREATE INDEX &quot;order_customer_region_customer_number_idx&quot;' in content


def test_change_findings(client, cast, draft):
    with editing.change(draft, "Delete column customer.status"):
        editing.delete_column(DraftColumn.objects.get(draft=draft, uid="c-status"))

    content = preview(client, cast.viewer, draft, **HTMX)

    assert "Change from v1" in content
    assert 'data-rule="L101"' in content and "customer" in content


def test_unchanged_draft_has_no_change_findings(client, cast, draft):
    content = preview(client, cast.viewer, draft, **HTMX)

    assert "Change from v1" not in content
    assert 'data-rule="L101"' not in content


def test_per_dialect(client, cast, draft):
    # On MySQL "order" is reserved too, and foreign keys get their index from InnoDB.
    content = preview(client, cast.viewer, draft, "?dialect=mysql", **HTMX)

    assert "table &#x27;order&#x27; is a reserved word in mysql" in content
    assert 'data-rule="L002"' not in content


def test_rules_turned_off_by_the_project(client, cast, draft):
    cast.project.lint_disabled = ["L010", "L002"]
    cast.project.save()

    content = preview(client, cast.viewer, draft, **HTMX)

    assert 'data-rule="L010"' not in content and 'data-rule="L002"' not in content


def test_full_page_shows_them_too(client, cast, draft):
    content = preview(client, cast.viewer, draft)

    assert "<html" in content and 'data-rule="L010"' in content


def test_owners_get_a_link_to_the_rules(client, cast, draft):
    assert 'href="/p/shop/settings/#lint-rules"' in preview(client, cast.owner, draft, **HTMX)
    assert 'href="/p/shop/settings/#lint-rules"' not in preview(client, cast.architect, draft, **HTMX)
