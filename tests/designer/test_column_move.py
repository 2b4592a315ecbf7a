import pytest

from designer.models import DraftChange
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


def names(draft) -> list[str]:
    return list(draft.to_schema().table("order").column_names)


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, "t/t-order/c/o-note/move/"), {"direction": "up"}
    )

    assert response.status_code == status
    assert names(draft)[-1] == ("total" if status == 200 else "note")


def test_it_moves_up_and_down(client, cast, draft):
    htmx_post(
        client, cast.architect, draft_url(draft, "t/t-order/c/o-id/move/"), {"direction": "down"}
    )
    assert names(draft) == ["customer_region", "id", "customer_number", "total", "note"]

    htmx_post(
        client, cast.architect, draft_url(draft, "t/t-order/c/o-id/move/"), {"direction": "up"}
    )
    assert names(draft) == ["id", "customer_region", "customer_number", "total", "note"]


def test_moving_past_the_end_changes_nothing_and_records_nothing(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, "t/t-order/c/o-id/move/"), {"direction": "up"}
    )

    assert response.status_code == 200
    assert names(draft)[0] == "id"
    assert not DraftChange.objects.exists()


def test_column_order_alone_is_no_migration(client, cast, draft):
    htmx_post(
        client, cast.architect, draft_url(draft, "t/t-order/c/o-id/move/"), {"direction": "down"}
    )

    assert draft.diff_against_base() == []
