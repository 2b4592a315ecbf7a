"""makemigration writes a version folder and its line in migrations.sum; validate refuses tampering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.cli import main
from migrations_engine.migrations.backups import run_script
from migrations_engine.migrations.errors import FolderIntegrityError
from migrations_engine.migrations.folder import SUM_FILE, MigrationFolder, SumLine, chain, sum_text
from migrations_engine.migrations.model import checksum_of, slug
from migrations_engine.operations import operations_to_data

from .conftest import version_1, version_2, version_3, write_folder


@pytest.fixture
def snapshots(tmp_path: Path) -> list[Path]:
    paths = []
    for number, schema in enumerate([version_1(), version_2(), version_3()], start=1):
        path = tmp_path / f"v{number}.json"
        snapshot.dump(schema, path)
        paths.append(path)
    return paths


def make(folder: Path, to: Path, name: str, *extra: str) -> int:
    return main(["makemigration", str(folder), "--to", str(to), "--name", name, *extra])


def test_makemigration_writes_the_first_version(tmp_path, snapshots, capsys):
    folder = tmp_path / "migrations"
    assert make(folder, snapshots[0], "Create users", "--dialect", "postgresql", "--dialect", "sqlite") == 0
    assert "wrote" in capsys.readouterr().out
    version = folder / "0001_create_users"
    assert sorted(p.name for p in version.iterdir()) == [
        "migration.json", "postgresql.down.sql", "postgresql.up.sql", "schema.json", "sqlite.down.sql", "sqlite.up.sql",
    ]
    data = json.loads((version / "migration.json").read_text())
    assert (data["format"], data["version"], data["name"]) == ("engine-migration/2", 1, "Create users")
    assert data["from_hash"] == snapshot.content_hash(snapshot.Schema())
    assert data["to_hash"] == snapshot.content_hash(version_1()) == json.loads((version / "schema.json").read_text())["hash"]
    assert data["backups"] == []
    assert [op["op"] for op in data["operations"]] == ["create_table"]
    assert data["sql"]["postgresql"]["up"][0]["sql"].startswith('CREATE TABLE "user"')
    assert data["sql"]["postgresql"]["down"] == [{"sql": 'DROP TABLE "user"', "operation": 0}]
    assert 'CREATE TABLE "user"' in (version / "postgresql.up.sql").read_text()
    files = {p.name: p.read_text() for p in version.iterdir()}
    line = (folder / SUM_FILE).read_text().splitlines()[-1].split()
    assert line[:2] == ["0001", checksum_of(files)]


def test_next_migration_starts_where_the_last_ends(tmp_path, snapshots):
    folder = tmp_path / "migrations"
    make(folder, snapshots[0], "create users", "--dialect", "mysql")
    assert make(folder, snapshots[1], "add orders") == 0  # dialects default to the last migration's
    first, second = MigrationFolder(folder).read()
    assert second.from_hash == first.to_hash
    assert second.dialects == ("mysql",)
    assert operations_to_data(second.operations) == list(second.operations_data)
    assert {op.kind for op in second.operations} >= {"add_column", "create_table", "add_foreign_key"}


def test_makemigration_refuses_an_empty_migration(tmp_path, snapshots, capsys):
    folder = tmp_path / "migrations"
    make(folder, snapshots[0], "create users", "--dialect", "sqlite")
    capsys.readouterr()
    assert make(folder, snapshots[0], "again") == 1
    assert capsys.readouterr().err.strip() == (
        "error: nothing to migrate: TO holds the same schema as FROM (no migration written)"
    )
    assert len(MigrationFolder(folder).read()) == 1


def test_makemigration_refuses_a_from_that_is_not_the_last_schema(tmp_path, snapshots, capsys):
    folder = tmp_path / "migrations"
    make(folder, snapshots[0], "create users", "--dialect", "sqlite")
    capsys.readouterr()
    assert make(folder, snapshots[2], "skip", "--from", str(snapshots[1])) == 1
    assert "FROM is not the schema migration 0001 create users leaves" in capsys.readouterr().err


def test_makemigration_needs_a_dialect_for_snapshot_files(tmp_path, snapshots, capsys):
    assert make(tmp_path / "m", snapshots[0], "create users") == 1
    assert "give --dialect" in capsys.readouterr().err


def test_slug_keeps_file_names_portable():
    assert slug("Add e-mail to “user”") == "add_e_mail_to_user"
    assert slug("naïve") == "naive"
    assert slug("表") == "migration"


# ------------------------------------------------------------ validate


@pytest.fixture
def folder(tmp_path) -> MigrationFolder:
    return write_folder(tmp_path / "migrations", [version_1(), version_2(), version_3()], ("sqlite",))


def refused(folder: MigrationFolder) -> str:
    with pytest.raises(FolderIntegrityError) as caught:
        folder.read()
    message = str(caught.value)
    assert "\n" not in message
    return message


def version_dir(folder: MigrationFolder, version: int) -> Path:
    return next(folder.path.glob(f"{version:04d}_*"))


def test_validate_accepts_an_untouched_folder(folder, capsys):
    assert main(["validate", str(folder.path)]) == 0
    assert capsys.readouterr().out.startswith("ok: 3 migrations")


def test_validate_catches_an_edited_migration(folder):
    script = version_dir(folder, 2) / "sqlite.up.sql"
    script.write_text(script.read_text().replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    assert refused(folder) == "migration 0002_add_orders was edited after it was written (its checksum differs from migrations.sum)"


def test_validate_catches_an_edited_manifest(folder):
    manifest = version_dir(folder, 1) / "migration.json"
    data = json.loads(manifest.read_text())
    data["sql"]["sqlite"]["up"][0]["sql"] += " STRICT"
    manifest.write_text(json.dumps(data, indent=2))
    assert "migration 0001_create_users was edited" in refused(folder)


def test_validate_catches_a_removed_migration(folder):
    shutil.rmtree(version_dir(folder, 2))
    assert refused(folder) == "migration 0002 is recorded in migrations.sum but its folder is missing (removed?)"


def test_validate_catches_reordered_migrations(folder):
    second, third = version_dir(folder, 2), version_dir(folder, 3)
    second.rename(folder.path / "tmp")
    third.rename(folder.path / ("0002" + third.name[4:]))
    (folder.path / "tmp").rename(folder.path / ("0003" + second.name[4:]))
    assert refused(folder) == "0002_unique_e_mails holds what migrations.sum records as version 0003 (migrations renumbered or reordered)"


def test_validate_catches_an_inserted_migration(folder):
    shutil.copytree(version_dir(folder, 3), folder.path / "0004_copied")
    assert refused(folder).startswith("0004_copied is not recorded in migrations.sum")


def test_validate_catches_reordered_lines_of_the_sum_file(folder):
    lines = folder.sum_path.read_text().splitlines()
    lines[-1], lines[-2] = lines[-2], lines[-1]
    folder.sum_path.write_text("\n".join(lines) + "\n")
    assert refused(folder) == (
        "migrations.sum line 4: version 0003 where 0002 should be (lines reordered, removed or inserted)"
    )


def test_validate_catches_a_sum_line_rewritten_for_an_edit(folder):
    script = version_dir(folder, 2) / "sqlite.up.sql"
    script.write_text(script.read_text() + "-- harmless?\n")
    files = {p.name: p.read_text() for p in version_dir(folder, 2).iterdir()}
    lines = folder.sum_path.read_text().splitlines()
    version, _, chained = lines[3].split()
    lines[3] = f"{version} {checksum_of(files)} {chained}"
    folder.sum_path.write_text("\n".join(lines) + "\n")
    assert refused(folder) == (
        "migrations.sum line 4: the chained hash of version 0002 does not follow from the lines above "
        "(the file was edited by hand)"
    )


def test_validate_catches_a_missing_sum_file(folder):
    folder.sum_path.unlink()
    assert refused(folder).startswith("migrations.sum is missing")


def as_format_1(folder: MigrationFolder) -> None:
    """Rewrite ``folder`` as the first format wrote it: the snapshot inside migration.json, no
    stored backups, the sum file re-chained."""
    lines = []
    for version in sorted(p for p in folder.path.iterdir() if p.is_dir()):
        data = json.loads((version / "migration.json").read_text())
        data["format"] = "engine-migration/1"
        del data["backups"]
        data["schema"] = json.loads((version / "schema.json").read_text())
        (version / "schema.json").unlink()
        (version / "migration.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        files = {p.name: p.read_text() for p in version.iterdir()}
        number = int(version.name.split("_")[0])
        checksum = checksum_of(files)
        lines.append(SumLine(number, checksum, chain(lines[-1].chained if lines else "", number, checksum)))
    folder.sum_path.write_text(sum_text(lines))


def test_a_folder_of_the_first_format_is_read_with_its_backups_planned(folder):
    """Format 1 (no schema.json, no stored backups): read, and its backups and run scripts are the
    ones format 2 stores."""
    written = folder.read()
    as_format_1(folder)
    read = folder.read()
    assert [m.schema for m in read] == [m.schema for m in written]
    assert [m.scripts for m in read] == [m.scripts for m in written]
    assert read[2].stored_backups is None and written[2].stored_backups
    for old, new in zip(read, written):
        assert [(b, b.sql) for b in old.backups] == [(b, b.sql) for b in new.backups]
        for dialect in old.dialects:
            assert run_script(old, dialect) == run_script(new, dialect)


def test_validate_catches_an_edited_schema_file(folder):
    path = version_dir(folder, 2) / "schema.json"
    path.write_text(path.read_text().replace('"nickname"', '"nick"'))
    with pytest.raises(FolderIntegrityError, match="0002_add_orders was edited after it was written"):
        folder.read()
