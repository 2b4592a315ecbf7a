"""A migrations folder: one sub-folder per version and the integrity file ``migrations.sum``.

``migrations.sum`` (like Atlas's ``atlas.sum``) has one line per version::

    0001 sha256:<checksum of the migration's files> <chained hash>

where the chained hash is ``sha256("<previous chained hash> <version> <checksum>")`` (the first
line chains from the empty string). Reading the folder checks the file line by line and every
migration against it, so an edited, removed, reordered or inserted migration is refused before
anything runs, with one line naming the version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import FolderIntegrityError, MigrationError
from .model import MANIFEST, SCHEMA_FILE, Migration, checksum_of, version_text

SUM_FILE = "migrations.sum"
_SUM_HEADER = (
    "# The integrity file of this migrations folder, written by makemigration: do not edit.\n"
    "# Each line: version, checksum of the migration's files, hash chained over the line above.\n"
)
_VERSION_DIR = re.compile(r"^(\d+)_")
_SUM_LINE = re.compile(r"^(\d+) (sha256:[0-9a-f]{64}) ([0-9a-f]{64})$")


@dataclass(frozen=True)
class SumLine:
    version: int
    checksum: str
    chained: str


def chain(previous: str, version: int, checksum: str) -> str:
    """The chained hash of a line, given the chained hash of the line above ("" for the first)."""
    return hashlib.sha256(f"{previous} {version} {checksum}".encode("ascii")).hexdigest()


def parse_sum(text: str) -> list[SumLine]:
    """The lines of ``migrations.sum``, each checked: format, version order, chain."""
    lines: list[SumLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        found = _SUM_LINE.match(raw.strip())
        if found is None:
            raise FolderIntegrityError(f"{SUM_FILE} line {number} is malformed (edited by hand?): {raw[:60]!r}")
        line = SumLine(int(found[1]), found[2], found[3])
        expected_version = len(lines) + 1
        if line.version != expected_version:
            raise FolderIntegrityError(
                f"{SUM_FILE} line {number}: version {version_text(line.version)} where "
                f"{version_text(expected_version)} should be (lines reordered, removed or inserted)"
            )
        previous = lines[-1].chained if lines else ""
        if chain(previous, line.version, line.checksum) != line.chained:
            raise FolderIntegrityError(
                f"{SUM_FILE} line {number}: the chained hash of version {version_text(line.version)} does not "
                "follow from the lines above (the file was edited by hand)"
            )
        lines.append(line)
    return lines


def sum_text(lines: list[SumLine]) -> str:
    return _SUM_HEADER + "".join(f"{version_text(l.version)} {l.checksum} {l.chained}\n" for l in lines)


class MigrationFolder:
    """The migrations of one folder, read only after every integrity check passes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def sum_path(self) -> Path:
        return self.path / SUM_FILE

    def read(self) -> list[Migration]:
        """Every migration in version order; ``FolderIntegrityError`` if anything was tampered with."""
        if not self.path.is_dir():
            raise MigrationError(f"no migrations folder at {str(self.path)!r}")
        folders = self._version_folders()
        if not self.sum_path.is_file():
            if folders:
                raise FolderIntegrityError(
                    f"{SUM_FILE} is missing from {str(self.path)!r} (it is written with every migration; restore it)"
                )
            return []
        lines = parse_sum(self._read_text(self.sum_path))
        self._check_folders_match(lines, folders)
        by_checksum = {line.checksum: line.version for line in lines}
        migrations = [self._read_migration(line, folders[line.version][0], by_checksum) for line in lines]
        _check_schema_chain(migrations)
        return migrations

    def last(self) -> Migration | None:
        migrations = self.read()
        return migrations[-1] if migrations else None

    def next_version(self) -> int:
        return len(self.read()) + 1

    def write(self, migration: Migration) -> Path:
        """Add ``migration`` (the next version) and its line in ``migrations.sum``; returns its folder."""
        return self.extend([migration])[0]

    def extend(self, migrations: list[Migration]) -> list[Path]:
        """Add ``migrations`` (the next versions, in order), checking the folder once; their folders."""
        self.path.mkdir(parents=True, exist_ok=True)
        existing = self.read()
        lines = parse_sum(self._read_text(self.sum_path)) if self.sum_path.is_file() else []
        written = []
        for migration in migrations:
            expected = len(existing) + len(written) + 1
            if migration.version != expected:
                raise MigrationError(f"cannot add version {migration.version}: the next version is {expected}")
            files = migration.files()
            checksum = checksum_of(files)
            folder = self.path / migration.folder_name
            folder.mkdir()
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8", newline="\n")
            previous = lines[-1].chained if lines else ""
            lines.append(SumLine(migration.version, checksum, chain(previous, migration.version, checksum)))
            _write_atomically(self.sum_path, sum_text(lines))
            written.append(folder)
        return written

    # ------------------------------------------------------------ checks

    def _version_folders(self) -> dict[int, list[Path]]:
        folders: dict[int, list[Path]] = {}
        for entry in sorted(self.path.iterdir()):
            found = _VERSION_DIR.match(entry.name)
            if found and entry.is_dir():
                folders.setdefault(int(found[1]), []).append(entry)
        return folders

    def _check_folders_match(self, lines: list[SumLine], folders: dict[int, list[Path]]) -> None:
        for version, paths in folders.items():
            if len(paths) > 1:
                names = " and ".join(p.name for p in paths)
                raise FolderIntegrityError(f"two folders hold version {version_text(version)}: {names}")
        recorded = {line.version for line in lines}
        for version in sorted(recorded - folders.keys()):
            raise FolderIntegrityError(
                f"migration {version_text(version)} is recorded in {SUM_FILE} but its folder is missing (removed?)"
            )
        for version in sorted(folders.keys() - recorded):
            raise FolderIntegrityError(
                f"{folders[version][0].name} is not recorded in {SUM_FILE} (added by hand or from another branch? "
                "migrations are added with makemigration)"
            )

    def _read_migration(self, line: SumLine, folder: Path, by_checksum: dict[str, int]) -> Migration:
        files = self._read_files(folder)
        checksum = checksum_of(files)
        if checksum != line.checksum:
            other = by_checksum.get(checksum)
            if other is not None:
                raise FolderIntegrityError(
                    f"{folder.name} holds what {SUM_FILE} records as version {version_text(other)} "
                    "(migrations renumbered or reordered)"
                )
            raise FolderIntegrityError(
                f"migration {folder.name} was edited after it was written (its checksum differs from {SUM_FILE})"
            )
        if MANIFEST not in files:
            raise FolderIntegrityError(f"{folder.name} has no {MANIFEST}")
        try:
            data = json.loads(files[MANIFEST])
            schema_json = files[SCHEMA_FILE].decode("utf-8") if SCHEMA_FILE in files else None
        except UnicodeDecodeError as exc:
            raise FolderIntegrityError(f"{folder.name} holds a file that is not UTF-8: {exc}") from None
        except json.JSONDecodeError as exc:
            raise FolderIntegrityError(f"{folder.name}/{MANIFEST} is not valid JSON: {exc}") from None
        migration = Migration.from_data(data, f"{folder.name}/{MANIFEST}", schema_json)
        if migration.version != line.version:
            raise FolderIntegrityError(
                f"{folder.name} holds version {version_text(migration.version)} (folders renamed or reordered)"
            )
        return replace(migration, checksum=checksum)

    def _read_files(self, folder: Path) -> dict[str, bytes]:
        """The folder's files as bytes: the checksum covers them all, only two are parsed."""
        files = {}
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file() and not entry.name.startswith("."):
                        files[entry.name] = _read_bytes(entry.path)
        except OSError as exc:
            raise FolderIntegrityError(f"cannot read {str(folder)!r}: {exc}") from None
        return files

    @staticmethod
    def _read_text(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FolderIntegrityError(f"cannot read {str(path)!r}: {exc}") from None


def _check_schema_chain(migrations: list[Migration]) -> None:
    """Each migration starts from the schema the one before it leaves."""
    for before, after in zip(migrations, migrations[1:]):
        if after.from_hash != before.to_hash:
            raise FolderIntegrityError(
                f"migration {after.label} does not start from the schema {before.label} leaves"
            )


_CHUNK = 1 << 16


def _read_bytes(path: str) -> bytes:
    """A file's bytes with plain system calls: a long history has thousands of small files, and
    a file object per file costs more than reading it."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(descriptor, _CHUNK):
            chunks.append(chunk)
            if len(chunk) < _CHUNK:
                break  # a short read of a regular file is its end: no second call to learn it
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temporary, path)
