import pytest

from designer.models import SchemaVersion
from tests.designer.change_schemas import DROP_STATUS, STATUS_LOSS, publish_v2
from tests.designer.conftest import READ_MATRIX


@pytest.fixture
def v2(cast, version):
    return publish_v2(cast)


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("direction", ["up", "down"])
def test_role_matrix(client, cast, v2, role, status, direction):
    client.force_login(cast.user(role))

    assert client.get(f"/p/shop/v/2/migration.{direction}.sql").status_code == status


def test_it_downloads_the_migration_from_the_version_before(client, cast, v2):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/migration.up.sql")

    assert response["Content-Type"] == "application/sql; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="shop-v2-up.postgresql.sql"'
    text = response.content.decode()
    assert text.startswith("-- Shop v2 (drop status): the migration from v1\n")
    assert f"-- Destructive:\n--   {STATUS_LOSS}\n" in text
    assert DROP_STATUS in text
    assert "CREATE TABLE" not in text


def test_down_undoes_it(client, cast, v2):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/migration.down.sql")

    assert response["Content-Disposition"] == 'attachment; filename="shop-v2-down.postgresql.sql"'
    text = response.content.decode()
    assert 'ALTER TABLE "customer" ADD COLUMN "status" "status" DEFAULT \'active\';' in text
    assert "Destructive" not in text  # adding a column back loses nothing


def test_another_dialect_on_demand(client, cast, v2):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/migration.up.sql?dialect=mysql")

    assert response["Content-Disposition"] == 'attachment; filename="shop-v2-up.mysql.sql"'
    assert b"ALTER TABLE `customer` DROP COLUMN `status`;" in response.content


def test_v1_is_the_migration_from_nothing(client, cast, version):
    client.force_login(cast.viewer)

    text = client.get("/p/shop/v/1/migration.up.sql").content.decode()

    assert "the migration from an empty database" in text
    assert 'CREATE TABLE "customer"' in text and 'CREATE TYPE "status"' in text


def test_a_dialect_that_cannot_express_it_is_a_message(client, cast, version):
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/1/migration.up.sql?dialect=sqlite")

    assert response.status_code == 422
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"has no sqlite equivalent" in response.content


def test_the_same_schema_again_is_an_empty_script(client, cast, version):
    SchemaVersion.publish(cast.project, version.schema(), message="again")
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/migration.up.sql")

    assert response.status_code == 200
    assert response.content.decode().endswith("-- No changes.\n")


def test_user_text_cannot_leave_the_header_comment(client, cast, version):
    # A message is shown in a SQL comment: a line break in it must not start a statement.
    publish_v2(cast, message="innocent\nDROP TABLE payment;\r\n-- ")
    client.force_login(cast.viewer)

    text = client.get("/p/shop/v/2/migration.up.sql").content.decode()

    header = text.split("\n\n")[0]
    assert all(line.startswith("--") for line in header.splitlines())
    assert "\nDROP TABLE payment" not in text


def test_unknown_versions_are_a_404(client, cast, version):
    client.force_login(cast.owner)

    assert client.get("/p/shop/v/5/migration.up.sql").status_code == 404
