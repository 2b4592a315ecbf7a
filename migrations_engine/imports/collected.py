"""What the statements of a SQL script said, gathered before a dialect's module builds the schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import Skipped
from .drafts import KeyDraft, TableDraft
from .statements import Statement


@dataclass
class IndexDraft:
    table: str
    key: KeyDraft
    unique: bool
    where: str | None
    line: int
    include: tuple[str, ...] = ()
    text: str = ""


@dataclass
class Collected:
    """Everything the statements said, before a dialect's module builds the schema."""

    dialect: str
    tables: dict[str, TableDraft] = field(default_factory=dict)
    indexes: list[IndexDraft] = field(default_factory=list)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: PostgreSQL: sequence name → (line, options text, data type or None).
    sequences: dict[str, dict] = field(default_factory=dict)
    domains: dict[str, dict] = field(default_factory=dict)
    #: (kind, object name parts) → comment.
    comments: dict[tuple, str | None] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Tables left out (inheritance children, partitions): statements on them are skipped too.
    unmanaged: set[str] = field(default_factory=set)

    def skip(self, kind: str, statement: Statement, reason: str = "not managed by the engine") -> None:
        excerpt = " ".join(statement.text.split())[:120]
        self.skipped.append(Skipped(kind, statement.line, excerpt, reason))
