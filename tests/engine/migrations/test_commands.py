"""The migration subcommands through the CLI: output on success, one line and status 1 on errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from migrations_engine import snapshot
from migrations_engine.cli import main

from .conftest import version_1, version_2, version_3, write_folder
from .test_runner import history

ROOT = Path(__file__).resolve().parents[3]


def test_a_whole_cycle_through_the_command_line(tmp_path, sqlite_url, capsys):
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    snapshot.dump(version_1(), v1)
    snapshot.dump(version_2(), v2)
    folder, url = str(tmp_path / "migrations"), f"sqlite:///{sqlite_url.database}"

    assert main(["makemigration", folder, "--to", str(v1), "--name", "create users", "--dialect", "sqlite"]) == 0
    assert main(["makemigration", folder, "--to", str(v2), "--name", "add orders"]) == 0
    assert main(["migrate", folder, url, "--dry-run"]) == 0
    assert capsys.readouterr().out.count("-- 000") == 2
    assert main(["migrate", folder, url, "--to", "1"]) == 0
    assert capsys.readouterr().out.startswith(
        "validated 0001 on a scratch copy: up, down, up again\napplied 0001 create users (1 statements, "
    )
    assert main(["status", folder, url]) == 0
    assert "applied: 1, pending: 1" in capsys.readouterr().out
    assert main(["migrate", folder, url, "--no-validate"]) == 0
    assert capsys.readouterr().out.startswith("applied 0002 add orders (")
    assert main(["rollback", folder, url, "--to", "0"]) == 0
    assert capsys.readouterr().out.endswith("rolled back 0002 add orders\nrolled back 0001 create users\n")
    assert main(["baseline", folder, url, "--version", "1"]) == 0
    assert main(["baseline", folder, url, "--version", "1"]) == 1
    assert capsys.readouterr().err == "error: baseline refused: the database has a migration history already (1 rows)\n"


def test_errors_are_one_line_without_traceback(tmp_path):
    v1 = tmp_path / "v1.json"
    snapshot.dump(version_1(), v1)
    folder = tmp_path / "migrations"
    assert main(["makemigration", str(folder), "--to", str(v1), "--name", "first", "--dialect", "sqlite"]) == 0
    (next(folder.glob("0001_*")) / "sqlite.up.sql").write_text("DROP TABLE everything;\n")
    result = subprocess.run(
        [sys.executable, "-m", "migrations_engine", "migrate", str(folder), f"sqlite:///{tmp_path / 'db.sqlite3'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: migration 0001_first was edited after it was written (its checksum differs from migrations.sum)\n"
    )
    assert not (tmp_path / "db.sqlite3").exists()


def test_a_reader_gone_from_the_progress_lines_does_not_stop_the_run(tmp_path, sqlite_url):
    """``migrate … | head -1``: the runner keeps applying after its output pipe closed."""
    folder = write_folder(tmp_path / "migrations", [version_1(), version_2(), version_3()], ("sqlite",))
    url = f"sqlite:///{sqlite_url.database}"
    run = subprocess.Popen(
        [sys.executable, "-m", "migrations_engine", "migrate", str(folder.path), url, "--no-validate"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None and run.stderr is not None
    assert run.stdout.readline().startswith("applied 0001 ")
    run.stdout.close()
    assert run.wait(timeout=60) == 0, run.stderr.read()
    assert run.stderr.read() == ""
    assert [row[:2] for row in history(sqlite_url)] == [(1, True), (2, True), (3, True)]


def test_a_migration_made_from_a_database_notes_and_keeps_what_the_engine_does_not_manage(tmp_path, capsys):
    import sqlite3
    from dataclasses import replace

    from migrations_engine.introspect import introspect

    database = tmp_path / "live.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript(
            'CREATE TABLE "the users" (id INTEGER PRIMARY KEY, "e mail" TEXT, nick TEXT);'
            'CREATE VIEW "mail list" AS SELECT "e mail" FROM "the users";'
        )
    url = f"sqlite:///{database}"
    live = introspect(url)
    users = live.table("the users")
    without_mail = live.replace_table("the users", replace(users, columns=tuple(c for c in users.columns if c.name != "e mail")))
    without_nick = live.replace_table("the users", replace(users, columns=tuple(c for c in users.columns if c.name != "nick")))
    snapshot.dump(without_mail, tmp_path / "no-mail.json")
    snapshot.dump(without_nick, tmp_path / "no-nick.json")
    folder = tmp_path / "migrations"

    status = main(["makemigration", str(folder), "--from", url, "--to", str(tmp_path / "no-mail.json"), "--name", "drop mail"])
    err = capsys.readouterr().err
    assert status == 1 and not folder.exists()
    assert 'note: not managed (kept as they are): view "mail list"' in err
    assert err.count("\n") == 2 and err.splitlines()[1].startswith("error: ") and "mail list" in err.splitlines()[1]

    # A change the view does not depend on is written, with the note.
    status = main(["makemigration", str(folder), "--from", url, "--to", str(tmp_path / "no-nick.json"), "--name", "drop nick"])
    err = capsys.readouterr().err
    assert 'note: not managed (kept as they are): view "mail list"' in err
    assert status == 0 and next(folder.glob("0001_*")).is_dir(), err
