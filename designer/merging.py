"""“Update from vN”: bring a draft up to date with the project's latest version.

The engine's three-way merge (``migrations_engine.merge``) combines base → latest and base →
draft by element uid. The designer adds what the engine does not know: table groups (the draft's
groups win; groups new in the latest version come along, and so do the groups of the tables it
added). The merged content is validated like any edit, written as one undoable change (Undo
takes the draft back to its old content and its old base), and it dismisses the approvals given
so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from designer import editing
from designer.conversion import Group, read_content
from designer.models import Activity, Draft, Event, SchemaVersion
from designer.validation import blocking_problems
from migrations_engine.merge import Conflict, MergeResult, Side, merge


class NothingToUpdate(Exception):
    """The draft is already based on the latest version."""


@dataclass
class Update:
    """A prepared update: the merge's result, and (when it is clean or fully chosen) what it
    would write."""

    draft: Draft
    latest: SchemaVersion
    result: MergeResult
    groups: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    choices: Mapping[str, Side] = field(default_factory=dict)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return self.result.conflicts

    @property
    def ready(self) -> bool:
        return self.result.schema is not None and not self.problems


def prepare(draft: Draft, choices: Mapping[str, Side] | None = None) -> Update:
    """The merge of the draft with the project's latest version (``choices`` settle conflicts)."""
    latest = draft.project.latest_version()
    if latest is None or latest.pk == draft.base_version_id:
        raise NothingToUpdate(f"This draft is already based on the latest version{f' (v{latest.number})' if latest else ''}")
    ours = read_content(draft)
    result = merge(
        draft.base_schema(), ours.schema, latest.schema(), choices or {}, theirs_label=f"v{latest.number}"
    )
    update = Update(draft, SchemaVersion.objects.get(pk=latest.pk), result, choices=dict(choices or {}))
    if result.schema is not None:
        update.problems = blocking_problems(result.schema)
        update.groups = merged_groups(ours.groups, latest.groups, result.schema)
    return update


def merged_groups(ours: list[Group], theirs_data: list[dict[str, Any]], schema: Any) -> list[dict[str, Any]]:
    """Our groups, plus the latest version's groups we do not have; a table only the latest
    version has joins the group it has there. Tables no longer in the schema leave their group."""
    present = {t.id for t in schema.tables}
    groups = {g.uid: Group(g.uid, g.name, g.colour, list(g.tables)) for g in ours}
    placed = {uid for g in groups.values() for uid in g.tables}
    for data in theirs_data:
        theirs = Group.from_data(data)
        group = groups.setdefault(theirs.uid, Group(theirs.uid, theirs.name, theirs.colour, []))
        group.tables += [uid for uid in theirs.tables if uid not in placed]
        placed.update(theirs.tables)
    return [
        {**g.to_data(), "tables": [uid for uid in g.tables if uid in present]}
        for g in groups.values()
    ]


def apply(update: Update, user: Any) -> None:
    """Write the merged content as one undoable change, rebased on the latest version."""
    if not update.ready:
        raise ValueError("the update has unresolved conflicts or problems")
    draft, version = update.draft, update.latest
    description = f"Update from v{version.number}"
    with transaction.atomic():
        with editing.change(draft, description):
            draft.replace_content(update.result.schema, update.groups)
            draft.base_version = version
            Draft.objects.filter(pk=draft.pk).update(base_version=version)
        detail = f"v{version.number}"
        if update.conflicts:
            settled = "; ".join(
                f"{c.where}: {'ours' if update.choices.get(c.key) == 'ours' else f'theirs (v{version.number})'}"
                for c in update.conflicts
            )
            detail += f", {len(update.conflicts)} conflict{'s' if len(update.conflicts) != 1 else ''} settled: {settled}"
        Activity.record(Event.UPDATED, draft.project, user, draft=draft, detail=detail)

