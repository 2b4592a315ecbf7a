import pytest


@pytest.mark.parametrize(
    "role, status",
    [("owner", 200), ("architect", 200), ("reviewer", 200), ("viewer", 200), ("outsider", 404)],
)
def test_role_matrix(client, cast, version, role, status):
    client.force_login(cast.user(role))

    assert client.get("/p/shop/v/1/").status_code == status


def test_it_shows_a_summary_and_the_create_script(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert "2 tables, 10 columns, 1 enum" in content
    assert "CREATE TABLE &quot;customer&quot;" in content
    assert "CREATE TYPE &quot;status&quot;" in content
    assert version.hash in content


def test_other_dialects_on_demand_as_a_partial(client, cast, version):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/?dialect=sqlite", HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert content.startswith('<div id="version-sql" data-dialect="sqlite">')
    # The version holds a PostgreSQL inet column: SQLite has no equivalent, and the partial says so.
    assert "type postgresql:inet has no sqlite equivalent" in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_unknown_dialects_fall_back_to_the_projects(client, cast, version):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/?dialect=oracle", HTTP_HX_REQUEST="true")

    assert b'data-dialect="postgresql"' in response.content


def test_architects_may_start_a_draft_from_it(client, cast, version):
    client.force_login(cast.architect)

    assert b"New draft from v1" in client.get("/p/shop/v/1/").content
    client.force_login(cast.viewer)
    assert b"New draft from v1" not in client.get("/p/shop/v/1/").content


def test_unknown_versions_are_a_404(client, cast, version):
    client.force_login(cast.owner)

    assert client.get("/p/shop/v/9/").status_code == 404


def test_a_type_the_dialect_cannot_express_is_a_message_not_an_error(client, cast):
    from designer.models import SchemaVersion
    from migrations_engine.schema import Schema, Table
    from tests.designer.schemas import col

    table = Table("t", columns=(col("x", "postgresql:citext"),), id="t")
    SchemaVersion.publish(cast.project, Schema(tables=(table,)))
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/?dialect=mysql")

    assert response.status_code == 200
    assert b"has no mysql equivalent" in response.content
