"""A draft's content written and restored on each app database the app supports: rows are
inserted by the driver's ``executemany`` (conversion._bulk), each value as its field prepares it
for that database, so PostgreSQL and MariaDB are written to here, not only SQLite.

Each case runs in a subprocess with Django set up on a scratch database as the app's (as
docs/production.md sets it up): ``migrate``, then a script that writes a generated schema into a
draft, reads it back, Undoes an edit in place and a full rewrite, comparing contents exactly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import random
from dataclasses import replace
from django.contrib.auth import get_user_model
from bench.generate import generate_schema
from designer.conversion import read_content, restore_tables
from designer.models import Draft, Project
from migrations_engine.schema import Column
from migrations_engine.types import ColumnType

owner = get_user_model().objects.create_user("owner")
project = Project.objects.create(name="P", slug="p")
draft = Draft.objects.create_from_schema(project, generate_schema(40, random.Random(2)), None, owner)
first = read_content(draft)
groups = [{"id": "g1", "name": "G", "colour": "#112233", "tables": [t.id for t in first.schema.tables[:5]]}]
draft.replace_content(first.schema, groups)
before = read_content(draft).to_data()
assert read_content(draft).to_data() == before
table = first.schema.tables[3]
extra = Column("note ü \\"q\\"", ColumnType.parse("text"), comment="it's {} []")
edited = replace(first.schema, tables=tuple(replace(t, columns=(*t.columns, extra)) if t is table else t for t in first.schema.tables))
draft.replace_content(edited, groups)
after = read_content(draft).to_data()
assert after != before
assert restore_tables(draft, before, after, most=50)
assert read_content(draft).to_data() == before, "restored in place"
draft.replace_content(read_content(draft).schema, groups)
assert read_content(draft).to_data() == before, "written whole"
print("same")
"""


def run(url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "insecure-key-for-tests-only",
        "DEBUG": "1",
        "ANALYSIS_CACHE_DIR": str(tmp_path / "analysis"),
        "DJANGO_SETTINGS_MODULE": "schemadesign.settings",
    }
    for command in (
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        [sys.executable, "-c", "import django; django.setup()\n" + SCRIPT],
    ):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "same"


def test_on_postgresql(pg_url, tmp_path):
    run(f"postgresql://{pg_url.user}@{pg_url.host}:{pg_url.port}/{pg_url.database}", tmp_path)


def test_on_mariadb(mysql_url, tmp_path):
    run(f"mysql://{mysql_url.user}@{mysql_url.host}:{mysql_url.port}/{mysql_url.database}", tmp_path)


def test_on_sqlite(tmp_path):
    run(f"sqlite:///{tmp_path / 'app.sqlite3'}", tmp_path)
