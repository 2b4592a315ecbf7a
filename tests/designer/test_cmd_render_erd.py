"""render_erd as CI runs it: a process with no environment but PATH and HOME (no SECRET_KEY,
DEBUG or DATABASE_URL), as ``manage.py render_erd`` and as ``python -m designer.erd``.

``test_render_erd.py`` covers the options through ``call_command``; this module covers the
process: help, outputs, one-line refusals with exit status 1, and what it imports.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from designer.erd import cli
from migrations_engine.snapshot import READABLE_FORMATS, dump, to_data
from tests.designer.schemas import sample_schema

ROOT = Path(__file__).resolve().parents[2]
BARE_ENV = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "render_erd"],
    "-m": [sys.executable, "-m", "designer.erd"],
}


def render_erd(*args: str, entry: str = "manage.py", python: tuple[str, ...] = ()):
    command = ENTRY_POINTS[entry]
    command = [command[0], *python, *command[1:], *args]
    return subprocess.run(
        command, cwd=ROOT, env=BARE_ENV, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def snapshot(tmp_path) -> Path:
    path = tmp_path / "shop.snapshot.json"
    dump(sample_schema(), path)
    return path


def refused(ran) -> str:
    """The one line a refusal prints; fails unless it is exactly that, with status 1."""
    assert ran.returncode == 1, ran
    assert "Traceback" not in ran.stderr and ran.stdout == ""
    lines = ran.stderr.splitlines()
    assert len(lines) == 1, ran.stderr
    return lines[0]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_help_needs_no_environment(entry):
    ran = render_erd("--help", entry=entry)

    assert ran.returncode == 0 and ran.stderr == ""
    assert ran.stdout.startswith("usage: ") and "--output" in ran.stdout


@pytest.mark.parametrize(
    "name, start",
    [("d.svg", b"<svg "), ("d.png", b"\x89PNG"), ("d.dot", b"digraph erd {")],
)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_snapshot_to_each_format_with_no_environment(snapshot, tmp_path, entry, name, start):
    output = tmp_path / name

    ran = render_erd(str(snapshot), "-o", str(output), entry=entry)

    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    assert ran.stdout.startswith(f"Wrote {output} (") and ran.stdout.endswith(" 2 of 2 tables)\n")
    content = output.read_bytes()
    assert content.startswith(start)
    if name.endswith(".svg"):  # the page's SVG: tidied, each table named
        assert b'data-table="customer"' in content and b'data-table="order"' in content


def test_it_imports_neither_django_nor_the_engines_schema_nor_graphviz(snapshot, tmp_path):
    ran = render_erd(
        str(snapshot), "-o", str(tmp_path / "d.dot"), entry="-m", python=("-X", "importtime")
    )

    assert ran.returncode == 0, ran.stderr
    modules = {
        line.split("|")[-1].strip() for line in ran.stderr.splitlines() if "import time" in line
    }
    assert "designer.erd.cli" in modules
    unwanted = {m for m in modules if m.split(".")[0] in {"django", "graphviz", "sqlglot"}}
    assert not unwanted and "migrations_engine.schema" not in modules


def test_the_light_reading_draws_what_the_engines_reading_draws(snapshot, tmp_path):
    light, checked = tmp_path / "light.dot", tmp_path / "checked.dot"

    assert render_erd(str(snapshot), "-o", str(light)).returncode == 0
    assert render_erd(str(snapshot), "-o", str(checked), "--validate").returncode == 0

    assert light.read_bytes() == checked.read_bytes()


def test_the_snapshot_formats_read_lightly_are_the_engines():
    assert cli.SNAPSHOT_FORMATS == READABLE_FORMATS


def test_a_database_url_with_no_environment(tmp_path, pg_url):
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(
            "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author (id));"
        )
    with psycopg.connect(
        host=pg_url.host, port=pg_url.port, user=pg_url.user, dbname=pg_url.database,
        autocommit=True,
    ) as connection:
        connection.execute('CREATE TABLE "Käufer" (id bigint PRIMARY KEY)')
        connection.execute(
            'CREATE TABLE bill (id bigint PRIMARY KEY, k bigint REFERENCES "Käufer")'
        )

    for url, names in [
        (f"sqlite:///{database}", ("author", "book")),
        (str(pg_url), ("Käufer", "bill")),
    ]:
        output = tmp_path / "db.svg"
        ran = render_erd(url, "-o", str(output))
        assert ran.returncode == 0, ran.stderr
        svg = output.read_text()
        assert all(f'data-table="{name}"' in svg for name in names)


def bad_snapshots(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Snapshot files, each wrong in one way, and the start of the line that refuses it."""
    data = to_data(sample_schema())
    cases: dict[str, tuple[object, str]] = {
        "not JSON": ("{", "snapshot is not valid JSON"),
        "a future format": (
            {**data, "format": "schema-snapshot/99"},
            "snapshot: unknown format 'schema-snapshot/99'",
        ),
        "a name that is not text": (
            {**data, "tables": [{**data["tables"][0], "name": 7}, *data["tables"][1:]]},
            "snapshot.tables[0].name: wrong kind of value 7",
        ),
        "a column without its type": (
            {
                **data,
                "tables": [
                    {**data["tables"][0], "columns": [{"name": "id"}]},
                    *data["tables"][1:],
                ],
            },
            "snapshot.tables[0].columns[0]: missing 'type'",
        ),
    }
    out = {}
    for n, (label, (content, start)) in enumerate(cases.items()):
        path = tmp_path / f"bad{n}.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        out[label] = (path, start)
    return out


def test_bad_snapshots_are_one_line_each(tmp_path):
    for label, (path, start) in bad_snapshots(tmp_path).items():
        line = refused(render_erd(str(path), "-o", str(tmp_path / "d.svg")))
        assert line.startswith(f"manage.py render_erd: {start}"), (label, line)


@pytest.mark.parametrize(
    "args, message",
    [
        (["{snapshot}", "-o", "{tmp}/d.gif"], "cannot tell the format of '{tmp}/d.gif'"),
        (["{tmp}/missing.json", "-o", "{tmp}/d.svg"], "cannot read snapshot '{tmp}/missing.json'"),
        (["{snapshot}", "-o", "{tmp}/d.svg", "--focus", "nope"], "no table 'nope'"),
        (["{snapshot}", "-o", "{tmp}/d.svg", "--hops", "9"], "--hops must be between 0 and 5"),
        (["{snapshot}", "-o", "{tmp}/no/d.svg"], "cannot write '{tmp}/no/d.svg'"),
        (["{snapshot}"], "the following arguments are required: -o/--output"),
        (["{snapshot}", "-o", "{tmp}/d.svg", "--hops", "x"], "argument --hops: invalid int"),
        (["sqlite:///{tmp}/no/such.db", "-o", "{tmp}/d.svg"], "cannot open sqlite:///"),
    ],
)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_bad_input_is_one_line_and_status_1(snapshot, tmp_path, entry, args, message):
    args = [a.replace("{snapshot}", str(snapshot)).replace("{tmp}", str(tmp_path)) for a in args]
    prog = {"manage.py": "manage.py render_erd", "-m": "python -m designer.erd"}[entry]

    line = refused(render_erd(*args, entry=entry))

    assert line.startswith(f"{prog}: {message.replace('{tmp}', str(tmp_path))}"), line
