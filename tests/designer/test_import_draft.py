"""Import into a draft (designer/views/imports.py draft_import): the schema read replaces the
draft's content paired by name, so uids are kept and the change shows only real differences;
one undoable change; architects and owners only; a URL only for owners."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from designer.models import Draft, DraftChange, DraftColumn, DraftTable, SchemaVersion, TableGroup
from migrations_engine import snapshot
from migrations_engine.introspect import introspect
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from tests.designer.conftest import EDIT_MATRIX, expect_status
from tests.designer.deployments import SECRET_PASSWORD
from tests.designer.connection_pages import add_connection, connection_settings, url_text  # noqa: F401 - fixture
from tests.designer.schemas import sample_schema
from tests.engine.corpus import FIXTURES, run_script

pytestmark = pytest.mark.django_db(transaction=False)


def path(draft: Draft, rest: str = "") -> str:
    return f"/p/{draft.project.slug}/d/{draft.pk}/import/{rest}"


def without_ids(schema: Schema) -> str:
    """``schema`` as snapshot JSON with no ids: as a schema from elsewhere would come."""
    data = {k: v for k, v in snapshot.to_data(schema).items() if k != "hash"}  # edited: no hash

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    import json

    return json.dumps(strip(data))


def changed_sample() -> Schema:
    """The sample schema with a column added to customer and a table added."""
    schema = sample_schema()
    customer = schema.table("customer")
    schema = schema.replace_table(
        "customer", replace(customer, columns=(*customer.columns, Column("nickname", ColumnType.parse("varchar(40)"))))
    )
    return schema.with_table(Table("note", (Column("id", ColumnType.parse("integer"), nullable=False),), PrimaryKey(("id",), "note_pkey")))


def post(client, user, draft: Draft, **data):
    client.force_login(user)
    return client.post(path(draft), {"draft_token": str(draft.content_token), **data})


@pytest.mark.parametrize(("role", "status"), EDIT_MATRIX)
def test_the_form_is_for_architects_and_owners(client, cast, draft, role, status):
    assert expect_status(client, cast.user(role), "get", path(draft)) == status


@pytest.mark.parametrize(("role", "status"), [(r, 302 if s == 200 else s) for r, s in EDIT_MATRIX])
def test_only_architects_and_owners_import(client, cast, draft, role, status):
    data = {"draft_token": str(draft.content_token), "source": "snapshot", "text": without_ids(changed_sample())}

    assert expect_status(client, cast.user(role), "post", path(draft), data) == status
    assert DraftTable.objects.filter(draft=draft, name="note").exists() == (status == 302)


def test_elements_keep_their_uids_and_the_change_is_only_whats_new(client, cast, draft):
    email_uid = DraftColumn.objects.get(draft=draft, table__name="customer", name="email").uid

    response = post(client, cast.architect, draft, source="snapshot", text=without_ids(changed_sample()))

    change = DraftChange.objects.get(draft=draft, kind=DraftChange.UNDO)
    assert response.status_code == 302 and response["Location"] == path(draft, f"{change.pk}/")
    assert DraftTable.objects.get(draft=draft, name="customer").uid == "t-customer"
    assert DraftColumn.objects.get(draft=draft, table__name="customer", name="email").uid == email_uid
    draft.refresh_from_db()
    assert sorted(type(op).__name__ for op in draft.diff_against_base()) == ["AddColumn", "CreateTable"]
    page = client.get(response["Location"]).content.decode()
    assert "2 operations" in page and "Add column “nickname” (varchar(40)) to table “customer”" in page
    assert change.description == "Import a snapshot"


def test_the_import_is_one_undoable_change(client, cast, draft):
    before = draft.to_schema()
    post(client, cast.architect, draft, source="snapshot", text=without_ids(changed_sample()))
    draft.refresh_from_db()

    response = client.post(f"/p/shop/d/{draft.pk}/undo/", {"draft_token": str(draft.content_token)})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.to_schema() == before
    assert client.get(path(draft, f"{DraftChange.objects.get(draft=draft).pk}/")).status_code == 404  # now a redo step


def test_a_stale_page_changes_nothing(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(path(draft), {"draft_token": "0" * 32, "source": "snapshot", "text": without_ids(changed_sample())})

    assert response.status_code == 409
    assert not DraftTable.objects.filter(draft=draft, name="note").exists()


def test_a_parse_error_shows_the_line_and_changes_nothing(client, cast, draft):
    response = post(client, cast.owner, draft, source="snapshot", text='{\n\n "tables": [}')

    assert response.status_code == 422
    assert "Could not read it" in response.content.decode()
    assert not DraftChange.objects.filter(draft=draft).exists()


def test_a_published_draft_refuses_imports(client, cast, draft):
    draft.publish(cast.owner)

    assert expect_status(client, cast.owner, "get", path(draft)) == 403


def test_dbml_groups_replace_the_drafts_groups(client, cast, draft):
    pytest.importorskip("migrations_engine.imports.dbml")
    dbml = 'Table customer {\n  region char(2)\n}\nTable extra {\n  id integer [pk]\n}\nTableGroup people {\n  customer\n}\n'

    response = post(client, cast.owner, draft, source="dbml", text=dbml)

    assert response.status_code == 302, response.content.decode()[:3000]
    group = TableGroup.objects.get(draft=draft)
    assert group.name == "people"
    assert list(DraftTable.objects.filter(group=group).values_list("uid", flat=True)) == ["t-customer"]


# ---------------------------------------------------------------- live schemas


def test_only_owners_are_offered_a_url(client, cast, draft):
    client.force_login(cast.architect)
    assert b'value="url"' not in client.get(path(draft)).content
    response = post(client, cast.architect, draft, source="url", url="postgresql://x@127.0.0.1/x")
    assert response.status_code == 422
    client.force_login(cast.owner)
    assert b'value="url"' in client.get(path(draft)).content


def test_an_owner_imports_a_live_database_by_url(client, cast, draft, pg_url, connection_settings):
    connection_settings.CONNECTION_ALLOWED_HOSTS = [pg_url.host]
    run_script(pg_url, "CREATE TABLE customer (region char(2) NOT NULL, email varchar(200) NOT NULL); CREATE TABLE live (id integer PRIMARY KEY);")

    response = post(client, cast.owner, draft, source="url", url=url_text(pg_url))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(DraftTable.objects.filter(draft=draft).values_list("name", flat=True)) == {"customer", "live"}
    assert DraftTable.objects.get(draft=draft, name="customer").uid == "t-customer"
    assert SECRET_PASSWORD not in client.get(response["Location"]).content.decode()


def test_a_url_to_a_host_not_allowed_is_refused(client, cast, draft, pg_url, connection_settings):
    connection_settings.CONNECTION_ALLOWED_HOSTS = ["db.example.com"]

    response = post(client, cast.owner, draft, source="url", url=url_text(pg_url))

    assert response.status_code == 422
    assert "list of allowed database hosts (CONNECTION_ALLOWED_HOSTS)" in response.content.decode()
    assert SECRET_PASSWORD not in response.content.decode()
    assert not DraftChange.objects.filter(draft=draft).exists()


def test_an_architect_imports_a_connections_live_schema(client, cast, draft, pg_url, connection_settings):
    connection = add_connection(cast, pg_url)
    run_script(pg_url, "CREATE TABLE customer (region char(2) NOT NULL); CREATE TABLE from_connection (id integer);")

    response = post(client, cast.architect, draft, source="connection", connection=str(connection.pk))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(DraftTable.objects.filter(draft=draft).values_list("name", flat=True)) == {"customer", "from_connection"}


# ---------------------------------------------------------------- Sakila


def sakila_version(cast, schema: Schema) -> SchemaVersion:
    """v1 of the project: Sakila as a draft made it (uids given), published."""
    first = Draft.objects.create_from_schema(cast.project, schema, None, cast.owner, title="Sakila")
    return first.publish(cast.owner, "Sakila")


def test_a_changed_sakila_gives_only_its_changes(client, cast, pg_url):
    run_script(pg_url, (FIXTURES / "sakila" / "postgres-sakila-schema.sql").read_text(encoding="utf-8"))
    sakila = introspect(pg_url)
    version = sakila_version(cast, sakila)
    draft = Draft.objects.create_from_version(version, cast.architect)
    actor = sakila.table("actor")
    changed = sakila.replace_table("actor", replace(actor, columns=(*actor.columns, Column("nickname", ColumnType.parse("varchar(40)")))))
    changed = changed.with_table(Table("award", (Column("id", ColumnType.parse("integer"), nullable=False),), PrimaryKey(("id",), "award_pkey")))
    language = changed.table("language")
    changed = changed.replace_table("language", replace(language, comment="spoken languages"))

    response = post(client, cast.architect, draft, source="snapshot", text=without_ids(changed))

    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    operations = draft.diff_against_base()
    assert sorted(op.describe() for op in operations) == [
        "Add column “nickname” (varchar(40)) to table “actor”",
        "Create table “award” with 1 column",
        "Set the comment of table “language” to 'spoken languages'",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "3 operations, against" in page


SAKILA_SQL = {
    "postgresql": "postgres-sakila-schema.sql",
    "mysql": "mysql-sakila-schema.sql",
    "sqlite": "sqlite-sakila-schema.sql",
}


@pytest.mark.parametrize("dialect", list(SAKILA_SQL))
def test_sakila_sql_imported_again_with_changes_gives_only_them(client, cast, dialect):
    pytest.importorskip("migrations_engine.imports.sql")
    from migrations_engine.imports import import_text

    cast.project.dialect = dialect
    cast.project.save()
    sql = (FIXTURES / "sakila" / SAKILA_SQL[dialect]).read_text(encoding="utf-8")
    version = sakila_version(cast, import_text(sql, "sql", dialect).schema)
    draft = Draft.objects.create_from_version(version, cast.architect)
    marker = "CREATE TABLE actor ("
    assert marker in sql
    changed = sql.replace(marker, marker + "\n  nickname VARCHAR(40),", 1)

    response = post(client, cast.architect, draft, source="sql", text=changed)

    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert [op.describe() for op in draft.diff_against_base()] == ["Add column “nickname” (varchar(40)) to table “actor”"]
    assert "1 operation," in client.get(response["Location"]).content.decode()


def test_a_database_that_cannot_be_read_is_said_without_its_password(client, cast, draft, pg_url, connection_settings):
    missing = url_text(pg_url).rsplit("/", 1)[0] + "/no_such_database_here"

    response = post(client, cast.owner, draft, source="url", url=missing)

    page = response.content.decode()
    assert response.status_code == 422
    assert "Could not read the database" in page and "no_such_database_here" in page
    assert SECRET_PASSWORD not in page
    assert not DraftChange.objects.filter(draft=draft).exists()


def test_importing_the_drafts_own_content_changes_nothing_and_adds_no_undo_step(client, cast, draft):
    steps = DraftChange.objects.filter(draft=draft).count()

    response = post(client, cast.architect, draft, source="snapshot", text=without_ids(draft.to_schema()))

    assert response.status_code == 302 and response["Location"] == f"/p/shop/d/{draft.pk}/"
    assert DraftChange.objects.filter(draft=draft).count() == steps
    page = client.get(response["Location"]).content.decode()
    assert "Nothing changed: the schema imported is the draft&#x27;s content as it is." in page
