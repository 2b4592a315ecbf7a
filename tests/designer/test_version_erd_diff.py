from dataclasses import replace

import pytest

from designer.models import SchemaVersion
from tests.designer.conftest import READ_MATRIX
from tests.designer.schemas import sample_schema

URL = "/p/shop/v/2/erd/diff/"


@pytest.fixture
def second(cast, version) -> SchemaVersion:
    schema = sample_schema()
    order = schema.table("order")
    renamed = replace(order, name="purchase")
    schema = schema.without_table("order").with_table(renamed)
    return SchemaVersion.publish(cast.project, schema, author=cast.owner, message="second")


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("url", [URL, "/p/shop/v/2/erd/diff.png"])
def test_role_matrix(client, cast, second, role, status, url):
    client.force_login(cast.user(role))

    assert client.get(url).status_code == status


def test_it_compares_with_the_version_before(client, cast, second):
    client.force_login(cast.viewer)

    content = client.get(URL).content.decode()

    assert "Changes from v1 to v2" in content
    assert ">order → </text>" in content and ">purchase</text>" in content  # renamed by id
    assert "1 changed" in content
    # Tables link to the version's diagram, focused on them.
    assert 'xlink:href="/p/shop/v/2/erd/?focus=purchase"' in content


def test_the_first_version_compares_with_nothing(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/erd/diff/").content.decode()

    assert "Changes from an empty database to v1" in content
    assert "2 changed" in content


def test_against_another_version(client, cast, second):
    client.force_login(cast.viewer)

    content = client.get(URL + "?against=2").content.decode()

    assert "Changes from v2 to v2" in content and "0 changed" in content
    assert '<input type="hidden" name="against" value="2">' in content
    assert 'href="/p/shop/v/2/erd/diff.svg?against=2"' in content


@pytest.mark.parametrize("against", ["9", "x"])
def test_unknown_versions_are_404s(client, cast, second, against):
    client.force_login(cast.viewer)

    assert client.get(f"{URL}?against={against}").status_code == 404


def test_a_download(client, cast, second):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/erd/diff.svg")

    assert response["Content-Disposition"] == 'attachment; filename="shop-v1-v2.svg"'
    assert b"purchase" in response.content


def test_a_version_the_engine_cannot_read_is_a_message(client, cast, version):
    schema = sample_schema()
    customer = schema.table("customer")
    # A unique constraint on a column that is gone: publish() stores it, reading it back fails.
    broken = replace(customer, columns=customer.columns[:2] + customer.columns[3:])
    SchemaVersion.publish(cast.project, schema.replace_table("customer", broken))
    client.force_login(cast.viewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"The diagram could not be drawn: snapshot: " in response.content
    assert client.get("/p/shop/v/2/erd/diff.svg").status_code == 503
