import pytest

from designer.models import DraftCheck, DraftForeignKey, DraftIndex, DraftTable, DraftUnique
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, "t/t-order/x/fk/f-customer/delete/")
    )

    assert response.status_code == status
    assert DraftForeignKey.objects.filter(uid="f-customer").exists() == (status != 200)


@pytest.mark.parametrize(
    "path, model, uid, kind",
    [
        ("t/t-customer/x/index/i-created/delete/", DraftIndex, "i-created", "drop_index"),
        ("t/t-customer/x/unique/u-email/delete/", DraftUnique, "u-email", "drop_unique"),
        ("t/t-customer/x/check/k-number/delete/", DraftCheck, "k-number", "drop_check"),
        ("t/t-order/x/fk/f-customer/delete/", DraftForeignKey, "f-customer", "drop_foreign_key"),
    ],
)
def test_it_deletes_each_kind(client, cast, draft, path, model, uid, kind):
    response = htmx_post(client, cast.architect, draft_url(draft, path))

    assert response.status_code == 200
    assert not model.objects.filter(uid=uid).exists()
    assert kind in [op.kind for op in draft.diff_against_base()]


def test_it_deletes_the_primary_key(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/x/pk/pk-order/delete/"))

    assert DraftTable.objects.get(uid="t-order").pk_columns == []
    assert [op.kind for op in draft.diff_against_base()] == ["drop_primary_key"]


@pytest.mark.parametrize(
    "path",
    [
        "t/t-order/x/index/i-created/delete/",  # an index of another table
        "t/t-order/x/fk/nope/delete/",
        "t/t-order/x/pk/wrong/delete/",
        "t/t-order/x/table/t-order/delete/",  # not a kind of element
    ],
)
def test_unknown_elements_are_a_404_and_change_nothing(client, cast, draft, path):
    response = htmx_post(client, cast.architect, draft_url(draft, path))

    assert response.status_code == 404
    assert not draft.changes.exists()
