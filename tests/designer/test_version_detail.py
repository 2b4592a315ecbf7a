import re

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


# ---------------------------------------------------------------- the migration from the version before


def test_it_shows_the_migration_with_what_a_destructive_step_loses(client, cast, version):
    from tests.designer.change_schemas import DROP_STATUS, STATUS_LOSS, publish_v2

    publish_v2(cast)
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/2/").content.decode()

    assert "<h2>Migration from v1</h2>" in content
    assert '<li class="step destructive" id="op-drop_column:c-status" data-kind="drop_column">' in content
    assert "Drop column “status” from table “customer” and its values" in content
    assert 'class="badge danger"' in content and ">destructive</span>" in content
    assert f'<p class="data-loss">{STATUS_LOSS}</p>' in content
    assert DROP_STATUS.replace('"', "&quot;") in content  # the up script
    assert "ADD COLUMN &quot;status&quot;" in content  # the down script
    assert 'href="/p/shop/v/2/migration.up.sql?dialect=postgresql"' in content
    assert 'href="/p/shop/v/2/migration.down.sql?dialect=postgresql"' in content
    assert 'data-copy-target="change-sql-up"' in content and "designer/copy.js" in content


def test_v1_migrates_from_an_empty_database(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert "<h2>Migration from an empty database</h2>" in content
    assert 'id="op-create_table:t-customer"' in content
    assert "destructive</span>" not in content


def test_the_change_diagram_is_loaded_after_the_page(client, cast, version):
    from tests.designer.change_schemas import publish_v2

    publish_v2(cast)
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/2/").content.decode()

    assert 'hx-get="/p/shop/v/2/erd/diff/?against=1&amp;view=changes" hx-trigger="revealed"' in content
    assert "<svg" not in content


def test_the_same_schema_again_says_nothing_changed(client, cast, version):
    from designer.models import SchemaVersion

    SchemaVersion.publish(cast.project, version.schema(), message="again")
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/")

    assert response.status_code == 200
    assert b"No schema change: v2 holds the same schema as v1." in response.content
    assert b"erd/diff/?against=1" not in response.content.split(b'id="migration"')[1]


def test_the_migration_sql_in_another_dialect_is_only_the_partial(client, cast, version):
    from tests.designer.change_schemas import publish_v2

    publish_v2(cast)
    client.force_login(cast.viewer)

    response = client.get("/p/shop/v/2/?dialect=mysql", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="change-sql")

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="change-sql" class="change-sql" data-dialect="mysql">')
    assert "ALTER TABLE `customer` DROP COLUMN `status`;" in content
    assert 'href="/p/shop/v/2/migration.up.sql?dialect=mysql"' in content
    assert "<html" not in content and "CREATE TABLE" not in content
    assert "HX-Target" in response["Vary"]


def test_the_dialect_switch_works_without_javascript(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert 'href="/p/shop/v/1/?dialect=mysql#change-sql" hx-get="/p/shop/v/1/?dialect=mysql"' in content
    page = client.get("/p/shop/v/1/?dialect=mysql").content.decode()
    assert 'id="change-sql" class="change-sql" data-dialect="mysql"' in page
    assert "<html" in page


def test_a_migration_the_dialect_cannot_express_still_lists_its_operations(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/?dialect=sqlite").content.decode()

    assert "Create table “order” with 5 columns" in content
    assert "has no sqlite equivalent" in content


def test_it_links_the_history_downloads(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert 'href="/p/shop/history.engine.zip"' in content
    assert 'href="/p/shop/history.alembic.zip"' in content


def test_a_version_links_to_its_review_with_the_approvals_it_had(client, cast, draft):
    from designer import reviewing
    from designer.models import Membership

    reviewing.submit(draft, cast.architect, "adds things")
    draft.refresh_from_db()
    reviewing.give_verdict(draft, Membership.objects.get(user=cast.reviewer), "approved", "fine")
    version = reviewing.publish(draft, cast.owner, "second")
    client.force_login(cast.viewer)

    content = client.get(f"/p/shop/v/{version.number}/").content.decode()

    assert f'href="/p/shop/d/{draft.pk}/review/">Review</a>' in content
    assert "1 approval: reviewer" in content


def test_a_version_published_without_review_has_no_review_link(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert "/review/" not in content


def test_a_migration_of_many_steps_is_counted_and_its_scripts_linked(client, cast, version, monkeypatch):
    from designer.views import versions

    monkeypatch.setattr(versions, "VERSION_STEPS", 2)  # as a 10,000-table v1 is over 300
    client.force_login(cast.viewer)

    content = client.get("/p/shop/v/1/").content.decode()

    assert "too many to show here" in content
    assert "× create_table" in content
    assert "Download the up script" in content
    assert '<ol class="steps">' not in content
    up = re.search(r'<a href="([^"]+)">Download the up script</a>', content).group(1).replace("&amp;", "&")
    assert client.get(up).status_code == 200
