"""Saying where two schemas differ, element by element: ``got X, want Y``.

``compare.differences`` says what the diff would do to fix a schema; this says which attribute of
which element is off, which is what a dialect's owner needs to find the bug.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

from ..compare import normalized
from ..schema import Schema, Table
from ..types import ColumnType

_CONSTRAINTS = (
    ("foreign_keys", "foreign key"),
    ("uniques", "unique"),
    ("checks", "check"),
    ("indexes", "index"),
)


def mismatch_lines(actual: Schema, expected: Schema) -> list[str]:
    """Where ``actual`` differs from ``expected`` (ids and column order ignored), one line each."""
    actual, expected = normalized(actual), normalized(expected)
    lines = _named("enum", actual.enums, expected.enums, lambda e: e.name)
    got_tables = {t.name: t for t in actual.tables}
    want_tables = {t.name: t for t in expected.tables}
    for name in sorted(got_tables.keys() | want_tables.keys()):
        got, want = got_tables.get(name), want_tables.get(name)
        if got is None or want is None:
            lines.append(f"table {name!r}: {'missing' if got is None else 'unexpected'}")
        else:
            lines += [f"table {name!r}: {line}" for line in _table(got, want)]
    return lines


def _table(got: Table, want: Table) -> list[str]:
    lines = _named("column", got.columns, want.columns, lambda c: c.name)
    if got.primary_key != want.primary_key:
        lines.append(f"primary key: got {short(got.primary_key)}, want {short(want.primary_key)}")
    for attr, label in _CONSTRAINTS:
        lines += _named(label, getattr(got, attr), getattr(want, attr), lambda e: e.name or "")
    if got.comment != want.comment:
        lines.append(f"comment: got {got.comment!r}, want {want.comment!r}")
    return lines


def _named(
    label: str, got: Sequence[Any], want: Sequence[Any], key: Callable[[Any], str]
) -> list[str]:
    got_by, want_by = {key(e): e for e in got}, {key(e): e for e in want}
    lines: list[str] = []
    for name in sorted(got_by.keys() | want_by.keys()):
        g, w = got_by.get(name), want_by.get(name)
        if g == w:
            continue
        if g is None:
            lines.append(f"{label} {name!r} missing (want {short(w)})")
        elif w is None:
            lines.append(f"{label} {name!r} unexpected ({short(g)})")
        else:
            lines.append(f"{label} {name!r}: " + "; ".join(_changes(g, w)))
    return lines


def _changes(got: Any, want: Any) -> list[str]:
    changed = [f.name for f in fields(got) if getattr(got, f.name) != getattr(want, f.name)]
    return [
        f"{attr} got {short(getattr(got, attr))}, want {short(getattr(want, attr))}" for attr in changed
    ]


def short(value: Any) -> str:
    """A compact form of a schema element: only the attributes that are set, no ids."""
    if isinstance(value, ColumnType):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        shown = [
            f"{f.name}={short(getattr(value, f.name))}"
            for f in fields(value)
            if f.name != "id" and getattr(value, f.name) not in (None, (), False)
        ]
        return f"{type(value).__name__}({', '.join(shown)})"
    return repr(value)
