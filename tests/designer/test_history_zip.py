import io
import zipfile

import pytest

from designer.models import SchemaVersion
from migrations_engine.migrations.folder import MigrationFolder
from tests.designer.change_schemas import DROP_STATUS, publish_v2
from tests.designer.conftest import READ_MATRIX

FORMATS = ["engine", "flyway", "golang-migrate", "dbmate", "alembic"]


@pytest.fixture
def v2(cast, version):
    return publish_v2(cast)


def download(client, user, fmt: str):
    client.force_login(user)
    return client.get(f"/p/shop/history.{fmt}.zip")


def names(response) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("fmt", FORMATS)
def test_role_matrix(client, cast, v2, role, status, fmt):
    assert download(client, cast.user(role), fmt).status_code == status


def test_it_is_a_zip_attachment(client, cast, v2):
    response = download(client, cast.viewer, "flyway")

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="shop-history.flyway.zip"'


@pytest.mark.parametrize(
    "fmt, expected",
    [
        (
            "engine",
            [
                "shop-engine/README.txt",
                "shop-engine/migrations/0001_first/migration.json",
                "shop-engine/migrations/0001_first/postgresql.down.sql",
                "shop-engine/migrations/0001_first/postgresql.up.sql",
                "shop-engine/migrations/0001_first/schema.json",
                "shop-engine/migrations/0002_drop_status/migration.json",
                "shop-engine/migrations/0002_drop_status/postgresql.down.sql",
                "shop-engine/migrations/0002_drop_status/postgresql.up.sql",
                "shop-engine/migrations/0002_drop_status/schema.json",
                "shop-engine/migrations/migrations.sum",
            ],
        ),
        (
            "flyway",
            [
                "shop-flyway/README.txt",
                "shop-flyway/migrations/U1__first.sql",
                "shop-flyway/migrations/U2__drop_status.sql",
                "shop-flyway/migrations/V1__first.sql",
                "shop-flyway/migrations/V2__drop_status.sql",
            ],
        ),
        (
            "golang-migrate",
            [
                "shop-golang-migrate/README.txt",
                "shop-golang-migrate/migrations/1_first.down.sql",
                "shop-golang-migrate/migrations/1_first.up.sql",
                "shop-golang-migrate/migrations/2_drop_status.down.sql",
                "shop-golang-migrate/migrations/2_drop_status.up.sql",
            ],
        ),
        (
            "dbmate",
            [
                "shop-dbmate/README.txt",
                "shop-dbmate/migrations/0001_first.sql",
                "shop-dbmate/migrations/0002_drop_status.sql",
            ],
        ),
        (
            "alembic",
            [
                "shop-alembic/README.txt",
                "shop-alembic/versions/0001_first.py",
                "shop-alembic/versions/0002_drop_status.py",
            ],
        ),
    ],
)
def test_file_names_per_format(client, cast, v2, fmt, expected):
    assert names(download(client, cast.viewer, fmt)) == expected


def test_the_engine_folder_reads_back_one_migration_per_version(client, cast, v2, tmp_path):
    zipfile.ZipFile(io.BytesIO(download(client, cast.viewer, "engine").content)).extractall(tmp_path)

    migrations = MigrationFolder(tmp_path / "shop-engine" / "migrations").read()

    assert [m.version for m in migrations] == [1, 2]
    versions = SchemaVersion.objects.filter(project=cast.project).order_by("number")
    assert [m.to_hash for m in migrations] == [v.hash for v in versions]
    assert [op.kind for op in migrations[1].operations] == ["drop_column"]


def test_the_alembic_revisions_compile_and_chain(client, cast, v2):
    archive = zipfile.ZipFile(io.BytesIO(download(client, cast.viewer, "alembic").content))

    second = archive.read("shop-alembic/versions/0002_drop_status.py").decode()

    compile(second, "0002_drop_status.py", "exec")
    compile(archive.read("shop-alembic/versions/0001_first.py").decode(), "0001_first.py", "exec")
    assert "revision = '0002'" in second and "down_revision = '0001'" in second
    assert f"op.execute({DROP_STATUS[:-1]!r})" in second


def test_the_sql_is_the_projects_dialect(client, cast, v2):
    archive = zipfile.ZipFile(io.BytesIO(download(client, cast.viewer, "golang-migrate").content))

    assert DROP_STATUS in archive.read("shop-golang-migrate/migrations/2_drop_status.up.sql").decode()


def test_a_version_without_changes_is_an_empty_migration_and_said_so(client, cast, version, tmp_path):
    SchemaVersion.publish(cast.project, version.schema(), message="again")
    response = download(client, cast.viewer, "engine")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    archive.extractall(tmp_path)

    migrations = MigrationFolder(tmp_path / "shop-engine" / "migrations").read()

    assert len(migrations) == 2 and migrations[1].operations == []
    assert "0002 again (v2): no schema change" in archive.read("shop-engine/README.txt").decode()
    for fmt in FORMATS[1:]:
        assert download(client, cast.viewer, fmt).status_code == 200


def test_a_project_without_versions_says_so(client, cast):
    response = download(client, cast.viewer, "engine")

    assert response.status_code == 404
    assert b"has no version yet" in response.content


def test_a_version_the_dialect_cannot_express_says_which(client, cast, version):
    cast.project.dialect = "sqlite"
    cast.project.save()

    response = download(client, cast.viewer, "flyway")

    assert response.status_code == 422
    assert b"v1 cannot be written for sqlite" in response.content
    assert b"has no sqlite equivalent" in response.content


def test_unknown_formats_are_a_404(client, cast, v2):
    assert download(client, cast.viewer, "liquibase").status_code == 404


def test_the_project_page_links_every_format(client, cast, v2):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/").content.decode()

    for fmt in FORMATS:
        assert f'href="/p/shop/history.{fmt}.zip"' in content


def test_the_project_page_offers_no_history_before_the_first_version(client, cast):
    client.force_login(cast.viewer)

    assert b"/p/shop/history." not in client.get("/p/shop/").content
