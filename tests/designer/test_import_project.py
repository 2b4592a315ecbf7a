"""“New project from a schema” (designer/views/imports.py project_import): SQL, DBML or snapshot
JSON pasted or uploaded becomes the first draft of a new project its author owns."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.models import Draft, DraftTable, Membership, Project, Role, TableGroup
from migrations_engine import snapshot
from tests.designer.schemas import sample_schema

URL = "/projects/import/"
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def needs(module: str) -> None:
    """The reader or writer another helper adds for this issue (skipped until it is there)."""
    pytest.importorskip(f"migrations_engine.{module}")


def post(client, user, **data):
    client.force_login(user)
    return client.post(URL, {"dialect": "postgresql", **data})


def test_it_shows_the_form_to_any_user(client, cast):
    client.force_login(cast.outsider)

    response = client.get(URL)

    assert response.status_code == 200
    for source in ("empty", "sql", "dbml", "snapshot"):
        assert f'value="{source}"'.encode() in response.content
    assert b'enctype="multipart/form-data"' in response.content
    assert b'value="connection"' not in response.content and b'value="url"' not in response.content


def test_it_requires_login(client, db):
    response = client.post(URL, {"name": "X", "dialect": "sqlite", "source": "empty"})

    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Project.objects.exists()


def test_an_empty_source_makes_a_project_without_a_draft(client, cast):
    response = post(client, cast.viewer, name="Blank", source="empty")

    project = Project.objects.get(slug="blank")
    assert response.status_code == 302 and response["Location"] == "/p/blank/"
    assert Membership.objects.get(project=project).user == cast.viewer
    assert not project.drafts.exists()


def test_a_pasted_snapshot_becomes_the_first_draft(client, cast):
    response = post(client, cast.outsider, name="From snapshot", source="snapshot", text=snapshot.dumps(sample_schema()))

    project = Project.objects.get(slug="from-snapshot")
    draft = project.drafts.get()
    assert response.status_code == 302 and response["Location"] == f"/p/from-snapshot/d/{draft.pk}/"
    assert Membership.objects.get(project=project, user=cast.outsider).role == Role.OWNER
    assert draft.base_version is None and draft.author == cast.outsider
    assert {t.name for t in draft.to_schema().tables} == {"customer", "order"}
    page = client.get(response["Location"])
    assert "Imported 2 tables and 1 enum.".encode() in page.content


CHINOOK_SQL = {
    "postgresql": "Chinook_PostgreSql.sql",
    "mysql": "Chinook_MySql.sql",
    "sqlite": "Chinook_Sqlite.sql",
}


@pytest.mark.parametrize("dialect", list(CHINOOK_SQL))
def test_an_uploaded_chinook_sql_file_becomes_the_first_draft(client, cast, dialect):
    needs("imports.sql")
    name = CHINOOK_SQL[dialect]
    upload = SimpleUploadedFile(name, (CORPUS / "chinook" / name).read_bytes())

    response = post(client, cast.owner, name="Chinook", dialect=dialect, source="sql", file=upload)

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(slug="chinook")
    draft = project.drafts.get()
    assert project.dialect == dialect and draft.title == f"Imported from {name}"
    names = {n.lower() for n in DraftTable.objects.filter(draft=draft).values_list("name", flat=True)}
    assert {"album", "artist", "track", "playlist_track" if dialect == "postgresql" else "playlisttrack"} <= names
    assert len(names) == 11


def test_skipped_statements_are_listed_on_the_draft_page(client, cast):
    needs("imports.sql")
    sql = "CREATE TABLE a (id integer PRIMARY KEY);\nCREATE VIEW v AS SELECT id FROM a;\n"

    response = post(client, cast.owner, name="With view", source="sql", text=sql)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 statement skipped" in page
    assert "Skipped line 2: view" in page


def test_dbml_table_groups_become_the_drafts_groups(client, cast):
    needs("imports.dbml")
    dbml = """
Table users {
  id integer [pk]
  name varchar
}
Table posts {
  id integer [pk]
  user_id integer [ref: > users.id]
}
Table tags {
  id integer [pk]
}
TableGroup blog {
  users
  posts
}
"""
    response = post(client, cast.owner, name="Blog", source="dbml", text=dbml)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft = Draft.objects.get(project__slug="blog")
    group = TableGroup.objects.get(draft=draft)
    assert group.name == "blog"
    assert set(DraftTable.objects.filter(group=group).values_list("name", flat=True)) == {"users", "posts"}
    assert DraftTable.objects.get(draft=draft, name="tags").group is None


def test_a_parse_error_is_shown_with_its_line_and_nothing_is_made(client, cast):
    response = post(client, cast.owner, name="Broken", source="snapshot", text='{"tables": [\n{"name": }\n')

    assert response.status_code == 422
    assert "Could not read it" in response.content.decode()
    assert not Project.objects.filter(slug="broken").exists()


def test_a_sql_syntax_error_names_the_line(client, cast):
    needs("imports.sql")
    response = post(client, cast.owner, name="Broken", source="sql", text="CREATE TABLE a (id integer);\n\nCREATE TABLE (;\n")

    assert response.status_code == 422
    assert "line 3" in response.content.decode()
    assert not Project.objects.filter(slug="broken").exists()


def test_an_upload_over_the_limit_is_refused_clearly(client, cast, settings):
    settings.IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.json", snapshot.dumps(sample_schema()).encode())

    response = post(client, cast.owner, name="Big", source="snapshot", file=upload)

    assert response.status_code == 422
    assert "the largest import taken is 1000 bytes" in response.content.decode()
    assert not Project.objects.filter(slug="big").exists()


def test_a_file_not_in_utf8_is_refused(client, cast):
    upload = SimpleUploadedFile("latin1.sql", "CREATE TABLE café (id int);".encode("latin-1"))

    response = post(client, cast.owner, name="Latin", source="sql", file=upload)

    assert response.status_code == 422
    assert "not UTF-8 text" in response.content.decode()


def test_no_text_is_asked_for(client, cast):
    response = post(client, cast.owner, name="Nothing", source="dbml", text="  ")

    assert response.status_code == 422
    assert "Paste the schema here or upload a file." in response.content.decode()
    assert not Project.objects.filter(slug="nothing").exists()


def test_a_taken_address_keeps_both_forms_messages(client, cast):
    response = post(client, cast.owner, name="Shop", source="snapshot", text="not json")

    assert response.status_code == 422
    page = response.content.decode()
    assert "already uses the address" in page and "Could not read it" in page
    assert Project.objects.count() == 1


def test_a_name_too_long_for_the_designer_is_refused(client, cast):
    from migrations_engine.schema import Schema, Table

    long_name = "t" * 250
    text = snapshot.dumps(Schema(tables=(Table(long_name),)))

    response = post(client, cast.owner, name="Long", source="snapshot", text=text)

    assert response.status_code == 422
    assert "is 250 characters long: the designer keeps at most 200" in response.content.decode()
    assert not Project.objects.filter(slug="long").exists()


def test_statements_skipped_alike_are_told_once_with_their_lines(client, cast):
    needs("imports.sql")
    rows = "".join(f"INSERT INTO a VALUES ({n});\n" for n in range(20))
    sql = f"CREATE TABLE a (id integer PRIMARY KEY);\n{rows}"

    response = post(client, cast.owner, name="Rows", source="sql", text=sql)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "20 statements skipped" in page
    assert page.count("Skipped ") == 1
    assert "Skipped 20 data statements" in page and "(lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, …)" in page


def test_pasted_text_over_the_limit_is_refused_clearly(client, cast, settings):
    settings.IMPORT_MAX_BYTES = 2048

    response = post(client, cast.owner, name="Pasted", source="snapshot", text=snapshot.dumps(sample_schema()))

    assert response.status_code == 422
    assert "The text is 3.4 KB: the largest import taken is 2.0 KB." in response.content.decode()
    assert not Project.objects.filter(slug="pasted").exists()
