"""manage.py render_erd: a diagram from a snapshot file or a database URL, format by extension."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from designer.erd import render
from designer.erd.render import RenderError
from migrations_engine.snapshot import dump
from tests.designer.schemas import sample_schema


@pytest.fixture
def snapshot(tmp_path) -> Path:
    path = tmp_path / "shop.snapshot.json"
    dump(sample_schema(), path)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("render_erd", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, start",
    [("d.svg", b"<svg "), ("d.png", b"\x89PNG"), ("d.pdf", b"%PDF"), ("d.dot", b"digraph")],
)
def test_it_renders_a_snapshot_in_the_outputs_format(snapshot, tmp_path, name, start):
    output = tmp_path / name

    message = run(str(snapshot), "-o", str(output))

    assert output.read_bytes().startswith(start)
    assert message.startswith(f"Wrote {output} (") and message.endswith(", 2 of 2 tables)\n")


def test_it_reads_a_database_url(tmp_path):
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(
            "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author (id));"
        )
    output = tmp_path / "shop.dot"

    run(f"sqlite:///{database}", "-o", str(output))

    source = output.read_text()
    assert "<B>author</B>" in source and "<B>book</B>" in source
    assert "t1:c1e:e -> t0:c0w:w" in source


def test_groups_focus_and_views(snapshot, tmp_path):
    groups = tmp_path / "groups.json"
    groups.write_text(json.dumps([{"name": "Sales", "colour": "#aa3300", "tables": ["order"]}]))
    output = tmp_path / "d.dot"

    run(str(snapshot), "-o", str(output), "--groups", str(groups), "--group", "Sales")
    assert "subgraph cluster_0" in output.read_text() and 'STYLE="dashed"' in output.read_text()

    assert "1 of 2 tables" in run(
        str(snapshot), "-o", str(output), "--focus", "order", "--hops", "0"
    )

    run(str(snapshot), "-o", str(output), "--groups", str(groups), "--view", "overview")
    assert "<I>Ungrouped</I>" in output.read_text()

    run(str(snapshot), "-o", str(output), "--highlight", "Email")
    assert "#fff08a" in output.read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["-o", "{tmp}/d.gif"],
            "cannot tell the format of '{tmp}/d.gif': use one of .svg, .png, .pdf, .dot, .gv",
        ),
        (["-o", "{tmp}/d.svg", "--focus", "nope"], "no table 'nope'"),
        (["-o", "{tmp}/d.svg", "--group", "Sales"], "--group needs --groups FILE"),
        (["-o", "{tmp}/d.svg", "--hops", "9"], "--hops must be between 0 and 5"),
        (
            ["-o", "{tmp}/d.svg", "--groups", "{tmp}/none.json"],
            "cannot read groups '{tmp}/none.json': No such file or directory",
        ),
        (
            ["-o", "{tmp}/no/such/dir/d.svg"],
            "cannot write '{tmp}/no/such/dir/d.svg': No such file or directory",
        ),
    ],
)
def test_bad_input_is_one_line(snapshot, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]

    with pytest.raises(CommandError) as error:
        run(str(snapshot), *args)

    assert str(error.value) == message.replace("{tmp}", str(tmp_path))


def test_bad_groups_files(snapshot, tmp_path):
    groups = tmp_path / "groups.json"
    for text, message in [("{", "is not valid JSON"), ('{"a": 1}', "expected a list of")]:
        groups.write_text(text)
        with pytest.raises(CommandError, match=message):
            run(str(snapshot), "-o", str(tmp_path / "d.svg"), "--groups", str(groups))


def test_bad_sources(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{")

    with pytest.raises(CommandError, match="^snapshot is not valid JSON"):
        run(str(broken), "-o", str(tmp_path / "d.svg"))
    with pytest.raises(CommandError, match="^cannot read snapshot"):
        run(str(tmp_path / "missing.json"), "-o", str(tmp_path / "d.svg"))
    with pytest.raises(CommandError, match="^cannot open sqlite:///"):
        run(f"sqlite:///{tmp_path}/no/such.db", "-o", str(tmp_path / "d.svg"))


def test_dot_failing(snapshot, tmp_path, monkeypatch):
    def failing(sources, fmt, timeout=0):
        raise RenderError("dot took longer than 120 s")

    monkeypatch.setattr(render, "run_dots", failing)

    with pytest.raises(CommandError, match="^dot took longer than 120 s$"):
        run(str(snapshot), "-o", str(tmp_path / "d.png"))
