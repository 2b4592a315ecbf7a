"""export: the folder's history as Flyway, golang-migrate, dbmate and Alembic files."""

from __future__ import annotations

import importlib.util
import io
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config

from migrations_engine.cli import main
from migrations_engine.introspect import introspect
from migrations_engine.migrations.export import AlembicExporter, export
from migrations_engine.urls import DatabaseURL

from .conftest import DIALECTS, version_3
from .test_runner import assert_schema


def names(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def statements(folder, dialect: str, direction: str) -> list[list[str]]:
    return [[s.sql + ";" for s in getattr(m.script(dialect), direction)] for m in folder.read()]


def in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def run_cli(url: DatabaseURL, path: Path) -> None:
    """Run a SQL file with the database's own command-line client."""
    if url.dialect == "sqlite":
        command_line = ["sqlite3", "-bail", url.database, f".read {path}"]
    elif url.dialect == "postgresql":
        command_line = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", str(url.port), "-U", url.user, "-d", url.database, "-f", str(path)]
    else:
        command_line = ["mariadb", "-h", url.host, "-P", str(url.port), "-u", url.user, url.database, "-e", f"source {path}"]
    result = subprocess.run(command_line, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "ERROR" not in result.stderr, result.stderr


def test_flyway_files_run_in_order_with_the_database_client(folder, tmp_path, db_url):
    out = tmp_path / "flyway"
    export(folder.read(), "flyway", db_url.dialect, out)
    assert names(out) == [
        "U1__create_users.sql", "U2__add_orders.sql", "U3__unique_e_mails.sql",
        "V1__create_users.sql", "V2__add_orders.sql", "V3__unique_e_mails.sql",
    ]
    second = (out / "V2__add_orders.sql").read_text()
    assert second.startswith(f"-- 0002 add orders: up ({db_url.dialect}), exported by migrations_engine\n-- ")
    assert in_order(second, statements(folder, db_url.dialect, "up")[1])
    for version in (1, 2, 3):
        run_cli(db_url, next(out.glob(f"V{version}__*.sql")))
    assert_schema(db_url, version_3())
    for version in (3, 2, 1):
        run_cli(db_url, next(out.glob(f"U{version}__*.sql")))
    assert introspect(db_url).tables == ()


def test_golang_migrate_files(folder, tmp_path):
    out = tmp_path / "golang"
    written = export(folder.read(), "golang-migrate", "postgresql", out)
    assert [p.name for p in written] == [
        "1_create_users.up.sql", "1_create_users.down.sql",
        "2_add_orders.up.sql", "2_add_orders.down.sql",
        "3_unique_e_mails.up.sql", "3_unique_e_mails.down.sql",
    ]
    up, down = statements(folder, "postgresql", "up"), statements(folder, "postgresql", "down")
    assert in_order((out / "3_unique_e_mails.up.sql").read_text(), up[2])
    assert in_order((out / "3_unique_e_mails.down.sql").read_text(), down[2])


def test_dbmate_files_hold_both_sections(folder, tmp_path):
    out = tmp_path / "dbmate"
    export(folder.read(), "dbmate", "mysql", out)
    assert names(out) == ["0001_create_users.sql", "0002_add_orders.sql", "0003_unique_e_mails.sql"]
    text = (out / "0002_add_orders.sql").read_text()
    up_part, down_part = text.split("-- migrate:down\n")
    assert up_part.startswith("-- 0002 add orders (mysql), exported by migrations_engine\n-- migrate:up\n")
    assert in_order(up_part, statements(folder, "mysql", "up")[1])
    assert in_order(down_part, statements(folder, "mysql", "down")[1])


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_alembic_revisions_import_and_chain(folder, tmp_path):
    out = tmp_path / "versions"
    export(folder.read(), "alembic", "postgresql", out)
    assert names(out) == ["0001_create_users.py", "0002_add_orders.py", "0003_unique_e_mails.py"]
    modules = [load(out / name) for name in names(out)]
    assert [(m.revision, m.down_revision) for m in modules] == [("0001", None), ("0002", "0001"), ("0003", "0002")]
    assert all(callable(m.upgrade) and callable(m.downgrade) for m in modules)
    assert modules[1].__doc__.startswith("add orders\n\nRevision ID: 0002\nRevises: 0001\n")


ENV_PY = """
from alembic import context
context.configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
with context.begin_transaction():
    context.run_migrations()
"""
OFFLINE_URLS = {"postgresql": "postgresql+psycopg://", "mysql": "mysql+pymysql://", "sqlite": "sqlite://"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_alembic_offline_mode_prints_the_same_statements(folder, tmp_path, dialect):
    scripts = tmp_path / "alembic"
    export(folder.read(), "alembic", dialect, scripts / "versions")
    (scripts / "env.py").write_text(ENV_PY)
    (scripts / "script.py.mako").write_text("")
    output = io.StringIO()
    config = Config(stdout=output, output_buffer=output)
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("sqlalchemy.url", OFFLINE_URLS[dialect])
    command.upgrade(config, "head", sql=True)
    assert in_order(output.getvalue(), [s for version in statements(folder, dialect, "up") for s in version])
    output.truncate(0)
    output.seek(0)
    command.downgrade(config, "0003:0001", sql=True)
    assert in_order(output.getvalue(), [s for version in statements(folder, dialect, "down")[:0:-1] for s in version])


def test_alembic_keeps_colons_and_quotes_literal():
    sql = "ALTER TABLE \"a\" ADD COLUMN \"b\" text DEFAULT ':x '' \\n', \"c\"::text"
    escaped = AlembicExporter("postgresql")._escaped(sql)
    assert escaped == sql.replace("':x", "'\\:x")
    compiled = sqlalchemy.text(escaped).compile(dialect=sqlalchemy.dialects.postgresql.dialect())
    assert str(compiled) == sql and not compiled.params


def test_the_export_command(folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(folder.path), "--format", "dbmate", "--out", str(out)]) == 1
    assert capsys.readouterr().err == "error: give --dialect: the migrations hold SQL for mysql, postgresql, sqlite\n"
    assert main(["export", str(folder.path), "--format", "golang-migrate", "--dialect", "sqlite", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote 6 files for golang-migrate (sqlite) to {out}\n"
