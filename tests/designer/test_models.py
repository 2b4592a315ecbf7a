import pytest
from django.db import IntegrityError

from designer.models import (
    Draft,
    DraftStatus,
    ImmutableError,
    Membership,
    Role,
    SchemaVersion,
)
from migrations_engine.schema import Schema
from migrations_engine.snapshot import content_hash
from tests.designer.schemas import sample_schema


def test_roles_are_ordered():
    assert Role.OWNER.allows(Role.ARCHITECT)
    assert Role.ARCHITECT.allows(Role.REVIEWER)
    assert Role.REVIEWER.allows(Role.VIEWER)
    assert not Role.VIEWER.allows(Role.REVIEWER)
    assert not Role.ARCHITECT.allows(Role.OWNER)


def test_membership_is_once_per_project(cast):
    with pytest.raises(IntegrityError):
        Membership.objects.create(project=cast.project, user=cast.viewer, role=Role.OWNER)


def test_versions_are_numbered_per_project(cast, django_user_model):
    first = SchemaVersion.publish(cast.project, Schema())
    second = SchemaVersion.publish(cast.project, sample_schema())
    from designer.models import Project

    other = Project.objects.create(name="Other", slug="other")

    assert (first.number, second.number) == (1, 2)
    assert SchemaVersion.publish(other, Schema()).number == 1


def test_a_version_holds_the_snapshot_and_its_hash(cast):
    version = SchemaVersion.publish(cast.project, sample_schema())

    assert version.snapshot["format"] == "schema-snapshot/1"
    assert version.hash == version.snapshot["hash"] == content_hash(version.schema())
    assert version.schema() == sample_schema()


def test_a_version_cannot_be_saved_again(version):
    version.message = "changed"

    with pytest.raises(ImmutableError):
        version.save()
    version.refresh_from_db()
    assert version.message == "first"


def test_versions_cannot_be_updated_in_bulk(version):
    with pytest.raises(ImmutableError):
        SchemaVersion.objects.filter(pk=version.pk).update(message="changed")


def test_a_project_with_drafts_on_its_versions_can_be_deleted(cast, draft):
    cast.project.delete()

    assert not Draft.objects.exists()
    assert not SchemaVersion.objects.exists()


def test_publishing_a_draft_makes_the_next_version(cast, draft):
    version = draft.publish(cast.owner)

    draft.refresh_from_db()
    assert version.number == 2
    assert draft.status == DraftStatus.MERGED
    assert draft.published_as == version
    assert not draft.is_editable
    assert version.schema() == sample_schema()


def test_undo_restores_the_content_before_the_last_change(draft):
    from designer.models import DraftColumn

    before = draft.to_schema()
    draft.record_change("Rename email")
    DraftColumn.objects.filter(draft=draft, uid="c-email").update(name="mail")

    change = draft.undo()

    assert change.description == "Rename email"
    assert draft.to_schema() == before
    assert draft.undo() is None


def test_undo_keeps_the_last_fifty_changes(draft):
    from designer.models import UNDO_LIMIT, DraftChange

    for n in range(UNDO_LIMIT + 3):
        draft.record_change(f"change {n}")

    kept = list(DraftChange.objects.filter(draft=draft).values_list("description", flat=True))
    assert len(kept) == UNDO_LIMIT
    assert kept[0] == f"change {UNDO_LIMIT + 2}"


def test_undo_states_are_stored_compressed(cast):
    import json

    from designer.models import Draft
    from tests.designer.schemas import wide_schema

    version = SchemaVersion.publish(cast.project, wide_schema(100), author=cast.owner, message="wide")
    draft = Draft.objects.create_from_version(version, cast.architect, title="wide")

    change = draft.record_change("one")

    text = json.dumps(change.state, separators=(",", ":"))
    assert len(change.packed_state) * 10 < len(text)
    assert change.state["schema"]["tables"]  # what Undo reads back is the content


def test_activity_is_written_once_and_outlives_its_actor(cast, draft):
    import pytest as _pytest

    from designer import reviewing
    from designer.models import Activity, ImmutableActivity

    reviewing.submit(draft, cast.architect, "why")
    entry = Activity.objects.get()
    entry.detail = "rewritten"

    with _pytest.raises(ImmutableActivity):
        entry.save()
    with _pytest.raises(ImmutableActivity):
        Activity.objects.update(detail="rewritten")
    cast.architect.delete()  # the entry stays, without its actor
    kept = Activity.objects.get()
    assert kept.detail == "why" and kept.actor is None
