"""Downloads of a version (designer/views/exports.py version_export): every target of
migrations_engine.generate as an attachment named after the project and version; any member
may download, outsiders get a 404; what the engine cannot write becomes a message."""

from __future__ import annotations

import importlib.util

import pytest
from pydbml import PyDBML

from designer.models import SchemaVersion
from migrations_engine import snapshot
from tests.designer.conftest import READ_MATRIX, expect_status

#: The module each target needs (written by other helpers for this issue).
MODULES = {
    "sqlalchemy": "migrations_engine.generate.sqlalchemy_models",
    "django": "migrations_engine.generate.django_models",
    "dbml": "migrations_engine.generate.dbml",
    "sql": "migrations_engine.generate.sql",
    "snapshot": "migrations_engine.snapshot",
}
FILE_NAMES = {
    "sqlalchemy": "shop_v1_sqlalchemy.py",
    "django": "shop_v1_django.py",
    "dbml": "shop-v1.dbml",
    "snapshot": "shop-v1.json",
    "sql": "shop-v1.sql",
}


def needs(target: str) -> None:
    if importlib.util.find_spec(MODULES[target]) is None:
        pytest.skip(f"{MODULES[target]} is not there yet")


def url(version: SchemaVersion, target: str) -> str:
    return f"/p/{version.project.slug}/v/{version.number}/download/{target}/"


def download(client, user, address: str):
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response, response.content.decode()


def check_content(target: str, text: str, schema) -> None:
    """What each kind of file must hold for ``schema`` (the sample: customer and order)."""
    if target == "snapshot":
        assert snapshot.loads(text) == schema
    elif target == "sql":
        assert 'CREATE TABLE "customer"' in text and 'CREATE TABLE "order"' in text
    elif target == "dbml":
        parsed = PyDBML(text)
        assert {t.name for t in parsed.tables} == {"customer", "order"}
    elif target == "sqlalchemy":
        module = run_module(text)
        tables = {t.name for value in vars(module).values() if hasattr(value, "metadata") for t in value.metadata.sorted_tables}
        assert tables == {"customer", "order"}
    elif target == "django":
        compile(text, "models.py", "exec")  # importing it needs an app: the models as written
        assert "class Customer(models.Model):" in text and "class Order(models.Model):" in text
        assert "db_table = 'customer'" in text and "db_table = 'order'" in text


def run_module(text: str):
    """``text`` imported as a module of its own (SQLAlchemy resolves annotations in it)."""
    import sys
    import tempfile
    from pathlib import Path
    from uuid import uuid4

    name = f"exported_{uuid4().hex}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        finally:
            del sys.modules[name]
    return module


@pytest.mark.parametrize(("role", "status"), READ_MATRIX)
def test_every_member_downloads_outsiders_get_404(client, cast, version, role, status):
    assert expect_status(client, cast.user(role), "get", url(version, "snapshot")) == status


@pytest.mark.parametrize("target", list(FILE_NAMES))
def test_each_target_is_an_attachment_named_after_the_version(client, cast, version, target):
    needs(target)

    response, text = download(client, cast.viewer, url(version, target))

    assert response["Content-Disposition"] == f'attachment; filename="{FILE_NAMES[target]}"'
    assert "charset=utf-8" in response["Content-Type"]
    check_content(target, text, version.schema())


def test_the_version_page_has_the_download_menu(client, cast, version):
    client.force_login(cast.viewer)

    page = client.get("/p/shop/v/1/").content.decode()

    for target in FILE_NAMES:
        assert f'href="{url(version, target)}"' in page
    assert "<summary class=\"button\">Download</summary>" in page


def test_an_unknown_target_is_404(client, cast, version):
    assert expect_status(client, cast.owner, "get", url(version, "excel")) == 404


def test_an_unknown_version_is_404(client, cast, version):
    assert expect_status(client, cast.owner, "get", "/p/shop/v/9/download/sql/") == 404


@pytest.mark.parametrize("target", ["sql", "sqlalchemy"])
def test_what_the_engine_cannot_write_becomes_a_message(client, cast, version, target):
    needs(target)
    cast.project.dialect = "mysql"  # the sample has a PostgreSQL inet column
    cast.project.save()
    client.force_login(cast.viewer)

    response = client.get(url(version, target))

    assert response.status_code == 302 and response["Location"] == "/p/shop/v/1/"
    page = client.get(response["Location"]).content.decode()
    assert "Could not write" in page and "postgresql:inet has no mysql equivalent" in page


def test_the_dbml_download_carries_the_projects_name_and_its_groups(client, cast):
    from migrations_engine.imports import import_text
    from tests.designer.schemas import sample_schema

    schema = sample_schema()
    names = [t.name for t in schema.tables]
    version = SchemaVersion.publish(
        cast.project, schema, author=cast.owner, message="grouped",
        groups=[{"name": "Sales team", "colour": "#aa3300", "tables": [schema.table(names[0]).id or names[0]]}],
    )
    client.force_login(cast.viewer)
    response = client.get(url(version, "dbml"))
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert f'Project "{cast.project.name}"' in text
    assert import_text(text, "dbml", cast.project.dialect).groups == {"Sales team": (names[0],)}
