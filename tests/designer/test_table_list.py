import pytest

from tests.designer.conftest import HTMX, READ_MATRIX, draft_url


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "tables/?q=c"), **HTMX).status_code == status


def test_htmx_gets_the_filtered_list_alone(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "tables/?q=cust&table=t-customer"), **HTMX)

    content = response.content.decode()
    assert content.startswith('<ul id="table-list"')
    assert 'data-uid="t-customer" class="selected"' in content
    assert "t-order" not in content


def test_no_match_says_so(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "tables/?q=zzz"), **HTMX)

    assert "No table matches “zzz”".encode() in response.content


def test_without_htmx_it_redirects_to_the_editor(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "tables/?q=cust"))

    assert response.status_code == 302
    assert response["Location"] == draft_url(draft, "?q=cust")
