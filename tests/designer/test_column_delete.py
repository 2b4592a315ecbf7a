import re

import pytest

from designer.models import DraftColumn
from tests.designer.conftest import EDIT_MATRIX, HTMX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(client, cast.user(role), draft_url(draft, "t/t-order/c/o-total/delete/"))

    assert response.status_code == status
    assert DraftColumn.objects.filter(uid="o-total").exists() == (status != 200)


def test_it_takes_the_column_out_of_keys_and_indexes(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-number/delete/"))
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-email/delete/"))

    schema = draft.to_schema()
    customer = schema.table("customer")
    assert customer.primary_key.columns == ("region",)
    assert customer.uniques == ()
    # The composite foreign key pointing at (region, number) cannot survive.
    assert schema.table("order").foreign_keys == ()


def test_deleting_the_only_key_column_drops_the_key_and_the_index(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/c/o-id/delete/"))
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/c/o-total/delete/"))

    order = draft.to_schema().table("order")
    assert order.primary_key is None and order.indexes == ()


def test_the_migration_drops_the_column_destructively(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/c/o-note/delete/"))

    operations = draft.diff_against_base()
    assert [op.kind for op in operations] == ["drop_column"]
    assert operations[0].destructive


def test_it_asks_before_deleting(client, cast, draft):
    # As table delete does: htmx asks; the form's action stays a plain POST without JavaScript.
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, "t/t-order/"), **HTMX).content.decode()

    url = draft_url(draft, "t/t-order/c/o-total/delete/")
    (form,) = re.findall(rf'<form method="post" action="{url}"[^>]*>', content)
    assert f'hx-post="{url}"' in form
    assert 'hx-confirm="Delete column order.total and the foreign keys that use it?"' in form
