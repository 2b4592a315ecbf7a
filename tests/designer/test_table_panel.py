import pytest

from tests.designer.conftest import HTMX, READ_MATRIX, draft_url


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "t/t-order/"), **HTMX).status_code == status


def test_htmx_gets_the_panel_alone(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, "t/t-order/"), **HTMX).content.decode()

    assert content.startswith('<section id="table-panel"')
    assert "<html" not in content
    assert 'value="t-order"' in content
    assert "(customer_region, customer_number) →" in content
    assert "customer</a>(region, number)" in content
    assert "on delete cascade" in content


def test_it_shows_who_references_the_table(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "t/t-customer/"), **HTMX).content.decode()

    assert "Referenced by" in content and ">order</a>" in content


def test_it_shows_warnings_for_the_table(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "t/t-order/"), **HTMX).content.decode()

    assert "“order” is a reserved word in PostgreSQL" in content


def test_unknown_tables_are_a_404(client, cast, draft):
    client.force_login(cast.viewer)

    assert client.get(draft_url(draft, "t/nope/"), **HTMX).status_code == 404


def test_without_htmx_it_redirects_to_the_editor(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "t/t-order/"))

    assert response["Location"] == draft_url(draft, "?table=t-order")
