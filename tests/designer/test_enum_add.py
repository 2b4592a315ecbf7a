import pytest

from designer.models import DraftEnum
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "enums/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client,
        cast.user(role),
        draft_url(draft, URL),
        {"enum-name": "mood", "enum-values": "happy, sad"},
    )

    assert response.status_code == status
    assert DraftEnum.objects.filter(name="mood").exists() == (status == 200)


def test_it_adds_an_enum_the_type_picker_offers(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"enum-name": "mood", "enum-values": "happy, sad", "table": "t-order"},
    )

    assert '<option value="enum(mood)">' in response.content.decode()
    assert draft.to_schema().enum("mood").values == ("happy", "sad")
    assert [op.kind for op in draft.diff_against_base()] == ["create_enum"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"enum-name": "status", "enum-values": "a"}, "There is an enum called “status” already."),
        ({"enum-name": "mood", "enum-values": " , "}, "An enum needs values."),
        ({"enum-name": "mood", "enum-values": "a, b, a"}, "These values appear twice: a."),
        ({"enum-name": "", "enum-values": "a"}, "The enum needs a name."),
    ],
)
def test_bad_enums_are_refused(client, cast, draft, data, message):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), data)

    assert response.status_code == 422
    assert message in response.content.decode()
