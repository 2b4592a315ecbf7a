"""designer/history.py: a project's versions as engine migrations."""

from designer.history import version_migrations, version_start
from designer.models import SchemaVersion
from migrations_engine.schema import Schema
from tests.designer.change_schemas import publish_v2


def test_migration_n_goes_from_version_n_minus_1_to_version_n(cast, version):
    v2 = publish_v2(cast)
    SchemaVersion.publish(cast.project, v2.schema())  # no message, same schema

    migrations = version_migrations(cast.project, "postgresql")

    assert [(m.version, m.name) for m in migrations] == [(1, "first"), (2, "drop status"), (3, "version 3")]
    assert [m.to_hash for m in migrations] == [version.hash, v2.hash, v2.hash]
    assert migrations[0].operations[0].kind == "create_enum"
    assert [op.kind for op in migrations[1].operations] == ["drop_column"]
    assert migrations[2].operations == []
    assert migrations[1].dialects == ("postgresql",)
    assert migrations[1].script("postgresql").up[0].sql == 'ALTER TABLE "customer" DROP COLUMN "status"'


def test_a_project_without_versions_has_no_migrations(cast):
    assert version_migrations(cast.project, "postgresql") == []


def test_a_version_starts_from_the_one_before(cast, version):
    v2 = publish_v2(cast)

    assert version_start(version) == Schema()
    assert version_start(v2) == version.schema()
