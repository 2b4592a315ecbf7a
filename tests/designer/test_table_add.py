import pytest

from designer.models import Draft, DraftChange, DraftStatus, DraftTable
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "tables/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client, cast.user(role), draft_url(draft, URL), {"new-table-name": "author"}
    )

    assert response.status_code == status
    assert DraftTable.objects.filter(draft=draft, name="author").exists() == (status == 200)


def test_it_adds_a_table_with_an_id_key_and_answers_with_the_workspace(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"new-table-name": "author", "new-table-with_id": "on"},
    )

    table = DraftTable.objects.get(draft=draft, name="author")
    content = response.content.decode()
    assert content.startswith('<div id="workspace"')
    assert f'value="{table.uid}"' in content  # the new table is open
    assert "draft-changed" in response["HX-Trigger"]
    schema_table = draft.to_schema().table("author")
    assert [str(c.type) for c in schema_table.columns] == ["bigint"]
    assert schema_table.primary_key.columns == ("id",)
    assert schema_table.columns[0].identity


def test_it_adds_a_bare_table(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, URL), {"new-table-name": "log"})

    assert draft.to_schema().table("log").columns == ()


def test_duplicate_names_are_refused_and_the_input_kept(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"new-table-name": "customer", "table": "t-order"},
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "There is a table called “customer” already." in content
    assert 'value="customer"' in content
    assert 'value="t-order"' in content  # the open table stays open
    assert "HX-Trigger" not in response
    assert DraftTable.objects.filter(draft=draft).count() == 2
    assert not DraftChange.objects.exists()


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "The table needs a name."),
        ("x" * 64, "64 bytes long; PostgreSQL allows 63"),
        (" padded", "starts or ends with a space"),
        ("bad\x01name", "control character"),
    ],
)
def test_invalid_names_are_refused(client, cast, draft, name, message):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), {"new-table-name": name})

    assert response.status_code == 422
    assert message in response.content.decode()


def test_reserved_words_are_accepted_with_a_warning(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), {"new-table-name": "user"})

    assert response.status_code == 200
    assert "“user” is a reserved word in PostgreSQL" in response.content.decode()


def test_without_htmx_it_redirects_to_the_new_table(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL), {"new-table-name": "author"})

    uid = DraftTable.objects.get(draft=draft, name="author").uid
    assert response["Location"] == draft_url(draft, f"?table={uid}")


def test_without_htmx_a_refusal_renders_the_page(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, URL), {"new-table-name": "customer"})

    assert response.status_code == 422
    assert b"<html" in response.content
    assert b"already" in response.content


def test_closed_drafts_refuse_edits(client, cast, draft):
    Draft.objects.filter(pk=draft.pk).update(status=DraftStatus.ABANDONED)

    response = htmx_post(client, cast.owner, draft_url(draft, URL), {"new-table-name": "author"})

    assert response.status_code == 403


def test_it_is_csrf_protected(cast, draft):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.architect)

    response = strict.post(
        draft_url(draft, URL), {"new-table-name": "author"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 403
    assert not DraftTable.objects.filter(name="author").exists()


def test_htmx_passes_csrf_with_the_header_from_the_page(cast, draft):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.architect)
    page = strict.get(draft_url(draft)).content.decode()
    token = page.split('hx-headers=\'{"x-csrftoken": "')[1].split('"')[0]

    response = strict.post(
        draft_url(draft, URL),
        {"new-table-name": "author"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200
    assert DraftTable.objects.filter(name="author").exists()


def test_it_rejects_get(client, cast, draft):
    client.force_login(cast.architect)

    assert client.get(draft_url(draft, URL)).status_code == 405
